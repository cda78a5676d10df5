"""The mock's runtime state: scenario data, counters, clock and caches."""

from dataclasses import dataclass

from mockserver.clock import MockClock
from mockserver.keys import KeyPolicy
from mockserver.payload import BodyRenderer
from mockserver.scenario_files import Scenarios, load_scenarios
from mockserver.selection import Selector
from mockserver.settings import Settings
from mockserver.shipments import load_port_table
from mockserver.store import CounterStore, MemoryStore


@dataclass(slots=True)
class MockState:
    """Everything that changes while the server runs, with one `reset()`."""

    settings: Settings
    scenarios: Scenarios
    store: CounterStore
    clock: MockClock
    renderer: BodyRenderer
    selector: Selector

    async def reset(self) -> None:
        """Forget usage, restore keys and carriers, and reset the clock."""
        await self.store.reset()
        self.scenarios.carriers.reset()
        self.scenarios.keys.reset()
        self.clock.reset()
        self.renderer.cache_clear()


def build_state(settings: Settings) -> MockState:
    """Load the scenario data and build the state a server starts with.

    Raises ScenarioError when a scenario file is invalid, and
    StoreUnavailable when the Redis server in the settings cannot be reached.
    """
    scenarios = load_scenarios(settings.scenarios, settings.accept_any_key)
    scenarios.keys.default_policy = KeyPolicy(
        key="",
        quota=settings.default_quota,
        rate_limit=settings.default_rate_limit,
        rate_window_seconds=settings.default_rate_window_seconds,
    )
    clock = MockClock(frozen_at=settings.frozen_at)
    store = make_store(settings)
    renderer = BodyRenderer(
        load_port_table(), settings.seed, cache_size=settings.shipment_cache_size
    )
    selector = Selector(
        carriers=scenarios.carriers,
        magic=scenarios.magic,
        keys=scenarios.keys,
        store=store,
        clock=clock,
    )
    return MockState(settings, scenarios, store, clock, renderer, selector)


def make_store(settings: Settings) -> CounterStore:
    """Return the counter store the settings ask for.

    Raises StoreUnavailable when the Redis server in the settings cannot be
    reached, so the server never starts without its counters.
    """
    if settings.redis_url:
        from mockserver.redis_store import RedisStore, check_connection

        check_connection(settings.redis_url)
        return RedisStore(settings.redis_url, settings.redis_prefix)
    return MemoryStore(max_unknown_keys=settings.max_unknown_keys)
