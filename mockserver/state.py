"""The mock's runtime state: scenario data, counters, clock and caches."""

from dataclasses import dataclass, field

from mockserver.carriers import CarrierState
from mockserver.clock import MockClock
from mockserver.journal import Journal
from mockserver.keys import KeyPolicy
from mockserver.latency import Latency
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
    journal: Journal = field(default_factory=Journal)
    latency: Latency = field(default_factory=lambda: Latency(max_seconds=10.0))
    loaded_carrier_states: dict[str, CarrierState] = field(init=False)

    def __post_init__(self) -> None:
        self.loaded_carrier_states = {
            carrier.code: carrier.state for carrier in self.scenarios.carriers
        }

    async def reset(self) -> None:
        """Return to the state the server started with.

        Usage counters and rate windows are forgotten, keys and carrier
        states are restored as loaded, the clock and the delays go back to
        their settings, and the journal is emptied.
        """
        await self.store.reset()
        self.scenarios.carriers.reset()
        self.scenarios.keys.reset()
        self.clock.reset()
        self.renderer.cache_clear()
        self.latency.reset()
        self.journal.clear()


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
    latency = Latency(
        max_seconds=settings.max_delay_seconds,
        initial_delay=settings.delay_seconds,
        initial_no_response_delay=settings.no_response_delay_seconds,
    )
    return MockState(
        settings,
        scenarios,
        store,
        clock,
        renderer,
        selector,
        journal=Journal(settings.journal_size),
        latency=latency,
    )


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
