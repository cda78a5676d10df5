"""Schemathesis against the app's own OpenAPI document, in process.

Every response must match what the document declares for it (status,
content type, body schema, headers), be one of the API's outcomes with its
documented HTTP status, and be a 5xx only for the UNEXPECTED_ERROR outcome.
"""

from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mockserver.app import create_app
from mockserver.magic import MagicNumbers
from mockserver.outcomes import Outcome
from mockserver.scenario_files import load_scenarios
from mockserver.settings import Settings

# Random keys are accepted so that generated requests reach the parameter,
# carrier and reference checks instead of stopping at 401.
APP = create_app(
    Settings(frozen_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), accept_any_key=True)
)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
MAGIC: MagicNumbers = load_scenarios().magic
HTTP_ERRORS = {405: "METHOD_NOT_ALLOWED"}


def forces_unexpected_error(case) -> bool:
    forced = (case.headers or {}).get("X-Mock-Status", "")
    if forced.strip().upper() == Outcome.UNEXPECTED_ERROR.name:
        return True
    number = str((case.query or {}).get("reference_number", "")).strip().upper()
    family = MAGIC.match(number)
    return family is not None and family.outcome is Outcome.UNEXPECTED_ERROR


def outcome_conformance(ctx, response, case) -> None:
    """The body names an outcome whose HTTP status is the response's."""
    if case.operation.path != "/tracking/v1/ocean" or response.status_code == 204:
        return
    status_code = response.json()["status_code"]
    if response.status_code in HTTP_ERRORS:
        assert status_code == HTTP_ERRORS[response.status_code]
        return
    outcome = Outcome[status_code]
    assert outcome.http_status == response.status_code, status_code
    if outcome is Outcome.UNEXPECTED_ERROR:
        assert forces_unexpected_error(case), "UNEXPECTED_ERROR that was not asked for"


def server_error_only_when_asked(ctx, response, case) -> None:
    """A 5xx is the UNEXPECTED_ERROR outcome, forced by header or magic number."""
    if response.status_code < 500:
        return
    assert case.operation.path == "/tracking/v1/ocean", "5xx outside the API"
    assert response.json()["status_code"] == Outcome.UNEXPECTED_ERROR.name
    assert forces_unexpected_error(case), "5xx that was not asked for"


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    # The same examples on every run, so that CI cannot fail by chance.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_responses_match_document(case) -> None:
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    headers = case.headers or {}
    # A valid X-Mock-Status wins over every other check, which would hide the
    # invalid value that a negative case is about.
    if negative and headers.get("X-Mock-Status") in Outcome.__members__:
        del headers["X-Mock-Status"]
    case.call_and_validate(
        # The API's rules (check digits, known carriers) go beyond what a
        # schema states, so schema-valid input may still get a 400 outcome;
        # outcome_conformance checks those responses instead.
        excluded_checks=[not_a_server_error, positive_data_acceptance],
        additional_checks=[outcome_conformance, server_error_only_when_asked],
    )
