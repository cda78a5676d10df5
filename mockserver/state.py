"""The mock's runtime state: scenario data, counters, clock and caches."""

from dataclasses import dataclass

from mockserver.clock import MockClock
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

    Raises ScenarioError when a scenario file is invalid.
    """
    scenarios = load_scenarios(settings.scenarios, settings.accept_any_key)
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
    """Return the counter store the settings ask for."""
    if settings.redis_url:
        from mockserver.redis_store import RedisStore

        return RedisStore(settings.redis_url)
    return MemoryStore()
