"""Each of the 22 outcomes, reached over HTTP by magic number and by header."""

import pytest
from fastapi.testclient import TestClient

from mockserver.outcomes import Outcome
from mockserver.scenario_files import load_scenarios
from tests.conftest import track

SCENARIOS = load_scenarios()
BL_FAMILIES = {
    family.outcome: family
    for family in SCENARIOS.magic.families
    if family.reference_type.value == "BL"
}
CONTAINER_FAMILIES = {
    family.outcome: family
    for family in SCENARIOS.magic.families
    if family.reference_type.value == "CONTAINER"
}


def assert_outcome(response, outcome: Outcome) -> None:
    body = response.json()
    assert response.status_code == outcome.http_status
    assert body["status_code"] == outcome.name
    assert body["success"] is outcome.success
    assert body["message"] == outcome.message
    assert set(body) == {"success", "status_code", "message", "data"}
    if outcome.success:
        assert body["data"] is not None
        assert body["data"]["metadata"]["status"] in {
            "PLANNED",
            "IN_TRANSIT",
            "DELIVERED",
            "UNKNOWN",
        }
    else:
        assert body["data"] is None
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]
    assert response.headers["x-mock-reason"]
    if outcome.is_rate_limited:
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["x-ratelimit-limit"].isdigit()
        assert response.headers["x-ratelimit-remaining"].isdigit()
        assert int(response.headers["x-ratelimit-reset"]) >= 1


def test_every_outcome_has_both_families() -> None:
    assert set(BL_FAMILIES) == set(Outcome)
    assert set(CONTAINER_FAMILIES) == set(Outcome)


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.name)
def test_outcome_by_bl_magic_number(client: TestClient, outcome: Outcome) -> None:
    number = BL_FAMILIES[outcome].example(4711)

    response = track(client, reference_number=number)

    assert_outcome(response, outcome)
    assert "magic number family" in response.headers["x-mock-reason"]


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.name)
def test_outcome_by_container_magic_number(
    client: TestClient, outcome: Outcome
) -> None:
    number = CONTAINER_FAMILIES[outcome].example(815)

    response = track(client, reference_number=number)

    assert_outcome(response, outcome)
    if outcome.success:
        metadata = response.json()["data"]["metadata"]
        assert metadata["reference_type"] == "CONTAINER"
        assert metadata["reference_number"] == number
        assert metadata["carrier_code"] == "MSCU"


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.name)
def test_outcome_by_header(client: TestClient, outcome: Outcome) -> None:
    response = track(
        client,
        headers={"X-Mock-Status": outcome.name.lower()},
        reference_number="MSKU7868382",
    )

    assert_outcome(response, outcome)
    assert response.headers["x-mock-reason"] == "forced by X-Mock-Status"


def test_unknown_forced_status_lists_valid_values(client: TestClient) -> None:
    response = track(
        client, headers={"X-Mock-Status": "TEAPOT"}, reference_number="MSKU7868382"
    )

    assert_outcome(response, Outcome.WRONG_PARAMETERS)
    reason = response.headers["x-mock-reason"]
    assert "TEAPOT" in reason
    assert "CARRIER_NO_RESPONSE" in reason


def test_forced_outcome_counts_nothing(client: TestClient) -> None:
    first = track(client, reference_number="MSKU7868382")
    forced = track(
        client, headers={"X-Mock-Status": "OK"}, reference_number="MSKU7868382"
    )
    second = track(client, reference_number="MSKU7868382")

    used = [
        r.json()["data"]["metadata"]["api_calls"]["used"]
        for r in (first, forced, second)
    ]
    assert used == [1, 1, 2]


def test_forced_success_without_reference(client: TestClient) -> None:
    response = track(client, headers={"X-Mock-Status": "OK"}, api_key="nobody")

    assert_outcome(response, Outcome.OK)
    data = response.json()["data"]
    assert data["metadata"]["reference_number"] is None
    assert data["metadata"]["api_calls"] == {
        "total": None,
        "used": None,
        "remaining": None,
    }
    assert data["containers"] == []


ALL_LISTS = {"locations", "facilities", "vessels", "containers"}


@pytest.mark.parametrize(
    ("outcome", "empty"),
    [
        (Outcome.CARRIER_INFO_NOT_PROVIDED, ALL_LISTS),
        (Outcome.CARRIER_SHIPMENT_CANCELED, ALL_LISTS),
        (Outcome.NO_CONTAINERS, {"vessels", "containers"}),
    ],
    ids=lambda value: value.name if isinstance(value, Outcome) else "",
)
def test_partial_success_shapes(
    client: TestClient, outcome: Outcome, empty: set[str]
) -> None:
    response = track(client, reference_number=BL_FAMILIES[outcome].example(1))

    data = response.json()["data"]
    for section in ("locations", "facilities", "vessels", "containers"):
        if section in empty:
            assert data[section] == [], section
        else:
            assert data[section], section
    assert data["metadata"]["status"] == "UNKNOWN"


def test_no_events_keeps_containers_without_events(client: TestClient) -> None:
    response = track(client, reference_number=BL_FAMILIES[Outcome.NO_EVENTS].example(2))

    containers = response.json()["data"]["containers"]
    assert containers
    for container in containers:
        assert container["events"] == []
        assert container["status"] is None
