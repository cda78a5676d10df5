"""Properties of outcome selection and of the tracking handler on arbitrary input."""

import asyncio
import re
from urllib.parse import quote

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mockserver.clock import MockClock
from mockserver.http.cors import api_policy
from mockserver.http.envelope import (
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
)
from mockserver.http.tracking import TrackingApp
from mockserver.outcomes import Outcome
from mockserver.scenario_files import load_scenarios
from mockserver.selection import Selector, TrackingRequest
from mockserver.settings import Settings
from mockserver.state import build_state
from mockserver.store import MemoryStore
from tests.conftest import FROZEN_AT, VALID_KEY
from tests.properties.strategies import reference_text

# What uvicorn accepts in a response header value; anything else makes it fail.
VALID_HEADER_VALUE = re.compile(rb"[\t\x20-\x7e]*")
HEADER_NAMES = [b"x-api-key", b"x-mock-status", b"x-request-id", b"origin", b"host"]
OUTCOME_NAMES = set(Outcome.__members__)

query_strings = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda key, reference, extra: (
            f"api_key={key}&reference_number={reference}".encode() + extra
        ),
        st.sampled_from([VALID_KEY, "mock-throttled-key", "mock-expired-key", "x"]),
        st.one_of(
            reference_text.map(lambda text: quote(text, safe="")),
            st.sampled_from(["255303287", "MSKU7868382", "MEDUOK000001"]),
        ),
        st.one_of(st.just(b""), st.binary(max_size=30).map(lambda b: b"&" + b)),
    ),
)
header_text = st.one_of(
    st.none(), st.text(max_size=80), st.sampled_from([*OUTCOME_NAMES, VALID_KEY])
)
raw_headers = st.lists(
    st.tuples(st.sampled_from(HEADER_NAMES), st.binary(max_size=300)), max_size=6
)


def new_selector() -> Selector:
    scenarios = load_scenarios()
    return Selector(
        scenarios.carriers,
        scenarios.magic,
        scenarios.keys,
        MemoryStore(),
        MockClock(frozen_at=FROZEN_AT),
    )


@given(query_strings, header_text, header_text)
def test_selection_always_an_outcome(
    query: bytes, key: str | None, forced: str | None
) -> None:
    decision = asyncio.run(new_selector().decide(TrackingRequest(query, key, forced)))

    assert isinstance(decision.outcome, Outcome)
    assert decision.reason


@given(st.lists(st.tuples(query_strings, header_text), min_size=1, max_size=8))
@example([(f"api_key={VALID_KEY}&reference_number=255303287".encode(), None)] * 2)
def test_only_successes_billed(requests: list[tuple[bytes, str | None]]) -> None:
    selector = new_selector()
    policy = selector.keys.lookup(VALID_KEY)
    now = selector.clock.time()

    async def run() -> None:
        for query, forced in requests:
            before = (await selector.store.peek(policy, now)).quota_used
            request = TrackingRequest(query, VALID_KEY, forced)
            decision = await selector.decide(request)
            after = (await selector.store.peek(policy, now)).quota_used
            billed = decision.outcome.success and not decision.forced
            assert after == before + (1 if billed else 0)

    asyncio.run(run())


TRACKING = {
    mode: TrackingApp(
        state.selector,
        state.renderer,
        state.scenarios.keys,
        state.clock,
        cors=api_policy(origins),
    )
    for mode, origins, state in [
        ("open", ("*",), build_state(Settings(frozen_at=FROZEN_AT))),
        (
            "listed",
            ("http://localhost:3000",),
            build_state(Settings(frozen_at=FROZEN_AT)),
        ),
    ]
}


@settings(max_examples=150)
@given(
    st.sampled_from(sorted(TRACKING)),
    st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "BREW"]),
    st.sampled_from(["/tracking/v1/ocean", "/tracking/v1/ocean/", "/tracking/v1/x"]),
    query_strings,
    raw_headers,
)
def test_handler_always_enveloped(
    mode: str, method: str, path: str, query: bytes, headers: list
) -> None:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": headers,
    }
    response = asyncio.run(TRACKING[mode].respond(scope))

    for name, value in response.headers:
        assert VALID_HEADER_VALUE.fullmatch(value), (name, value)
    if response.status == 204:
        assert method == "OPTIONS"
        return
    body = orjson.loads(response.body)
    assert set(body) == {"success", "status_code", "message", "data"}
    status_code = body["status_code"]
    if status_code in (NOT_FOUND, METHOD_NOT_ALLOWED):
        assert response.status in (404, 405)
    else:
        assert Outcome[status_code].http_status == response.status
