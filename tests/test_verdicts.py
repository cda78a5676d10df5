"""The parameter checks and the per-query-string store of their results."""

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.carriers import CarrierState
from mockserver.checkdigits import iso6346_check_digit
from mockserver.outcomes import Outcome, OutcomeError
from mockserver.query import parse_query, read_plain_container_query
from mockserver.scenario_files import load_scenarios
from mockserver.verdicts import QueryChecks, evaluate_parameters, verdict_key

OK_QUERY = b"api_key=mock-valid-key&reference_number=MSKU7868382"


def fresh_checks(max_entries: int = 8) -> QueryChecks:
    scenarios = load_scenarios()
    return QueryChecks(scenarios.carriers, scenarios.magic, max_entries, max_entries)


def test_check_reads_parameters() -> None:
    checked = fresh_checks().check(OK_QUERY)

    assert checked.readable
    assert checked.api_key == "mock-valid-key"
    assert checked.verdict.outcome is Outcome.OK
    assert checked.verdict.lookup is not None
    assert checked.verdict.lookup.carrier.code == "MAEU"


def test_unreadable_query_is_marked() -> None:
    checked = fresh_checks().check(b"reference_number=%zz")

    assert not checked.readable
    assert checked.api_key is None
    assert checked.verdict.outcome is Outcome.WRONG_PARAMETERS
    assert "percent-escape" in checked.verdict.reason


def test_repeat_returns_kept_result() -> None:
    checks = fresh_checks()

    assert checks.check(OK_QUERY) is checks.check(OK_QUERY)


def test_state_change_drops_kept_results() -> None:
    scenarios = load_scenarios()
    checks = QueryChecks(scenarios.carriers, scenarios.magic)
    before = checks.check(OK_QUERY)
    scenarios.carriers.set_state("MAEU", CarrierState.MAINTENANCE)
    during = checks.check(OK_QUERY)
    scenarios.carriers.reset()
    after = checks.check(OK_QUERY)

    assert before.verdict.outcome is Outcome.OK
    assert during.verdict.outcome is Outcome.CARRIER_UNDER_MAINTENANCE
    assert after.verdict.outcome is Outcome.OK


def test_oldest_goes_when_full() -> None:
    checks = fresh_checks(max_entries=2)
    first = checks.check(b"reference_number=MSKU7868382")
    second = checks.check(b"reference_number=MSKU7868383")
    checks.check(b"reference_number=MSKU7868384")

    assert checks.check(b"reference_number=MSKU7868383") is second
    assert checks.check(b"reference_number=MSKU7868382") is not first


def test_keys_share_parameter_verdict() -> None:
    checks = fresh_checks()
    first = checks.check(b"api_key=a&reference_number=MSKU7868382")
    second = checks.check(b"reference_number=MSKU7868382&api_key=b")

    assert first is not second
    assert first.verdict is second.verdict
    assert second.api_key == "b"


def test_verdict_key_leaves_out_key() -> None:
    assert verdict_key(parse_query(OK_QUERY)) == (
        "MSKU7868382",
        None,
        None,
        frozenset(),
    )


def general_path(query: bytes) -> tuple[Any, ...]:
    """Check a query string the general way, without the plain-query shortcut."""
    scenarios = load_scenarios()
    try:
        parameters = parse_query(query)
    except OutcomeError as error:
        return (False, error.outcome, error.reason, None, None)
    verdict = evaluate_parameters(parameters, scenarios.carriers, scenarios.magic)
    return (
        True,
        verdict.outcome,
        verdict.reason,
        verdict.lookup,
        parameters.get("api_key"),
    )


def shortcut_path(query: bytes) -> tuple[Any, ...]:
    checked = fresh_checks().check(query)
    verdict = checked.verdict
    return (
        checked.readable,
        verdict.outcome,
        verdict.reason,
        verdict.lookup,
        checked.api_key,
    )


# Carriers' owner codes, a magic family's, a leasing company's, unknown
# ones and codes that are not freight containers.
OWNER_CODES = [
    *sorted(
        {
            p
            for c in load_scenarios().carriers.carriers.values()
            for p in c.owner_prefixes
        }
    ),
    "MSMU",
    "TRIU",
    "ZZZU",
    "MSKJ",
]


@st.composite
def container_queries(draw: st.DrawFn) -> bytes:
    owner = draw(st.sampled_from(OWNER_CODES))
    serial = draw(st.integers(0, 999_999))
    first_ten = f"{owner}{serial:06d}"
    digit = iso6346_check_digit(first_ten)
    if draw(st.booleans()):
        digit = draw(st.integers(0, 9))
    number = f"{first_ten}{digit}"
    key = draw(st.text(alphabet=string.ascii_letters + "._~-%+=é ", max_size=260))
    fields = [f"api_key={key}", f"reference_number={number}"]
    if draw(st.booleans()):
        fields.reverse()
    return "&".join(fields).encode("utf-8")


@given(container_queries())
@settings(max_examples=300, deadline=None)
def test_shortcut_matches_general_path(query: bytes) -> None:
    assert shortcut_path(query) == general_path(query)


def test_plain_query_read() -> None:
    assert read_plain_container_query(OK_QUERY) == ("mock-valid-key", "MSKU7868382")
    assert read_plain_container_query(b"reference_number=MSKU7868382&api_key=k") == (
        "k",
        "MSKU7868382",
    )


@pytest.mark.parametrize(
    "query",
    [
        b"api_key=k&reference_number=MSKU7868383",
        b"api_key=k&reference_number=msku7868382",
        b"api_key=k&reference_number=MSKJ7868382",
        b"api_key=&reference_number=MSKU7868382",
        b"api_key=k%20&reference_number=MSKU7868382",
        b"api_key=k&reference_number=MSKU7868382&carrier_code=MAEU",
        b"api_key=" + b"k" * 257 + b"&reference_number=MSKU7868382",
    ],
)
def test_other_queries_not_plain(query: bytes) -> None:
    assert read_plain_container_query(query) is None
