"""The parameter checks and the per-query-string store of their results."""

from mockserver.carriers import CarrierState
from mockserver.outcomes import Outcome
from mockserver.query import parse_query
from mockserver.scenario_files import load_scenarios
from mockserver.verdicts import QueryChecks, verdict_key

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
