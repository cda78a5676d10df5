"""The OpenAPI document describes the tracking endpoint and all 22 outcomes."""

from fastapi.testclient import TestClient

from mockserver.models import TrackingEnvelope
from mockserver.outcomes import Outcome


def test_every_outcome_has_an_example(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/tracking/v1/ocean"]["get"]

    found = {}
    for status, response in operation["responses"].items():
        examples = response["content"]["application/json"]["examples"]
        for name, example in examples.items():
            found[name] = (int(status), example["value"])

    assert set(found) == {outcome.name for outcome in Outcome}
    for name, (status, value) in found.items():
        outcome = Outcome[name]
        assert status == outcome.http_status
        assert value["status_code"] == name
        assert value["success"] is outcome.success
        TrackingEnvelope.model_validate(value)


def test_rate_limit_headers_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    responses = document["paths"]["/tracking/v1/ocean"]["get"]["responses"]

    assert "Retry-After" in responses["429"]["headers"]
    assert "X-RateLimit-Remaining" in responses["200"]["headers"]
    assert "X-Mock-Reason" in responses["400"]["headers"]


def test_parameters_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    parameters = document["paths"]["/tracking/v1/ocean"]["get"]["parameters"]

    assert {p["name"] for p in parameters if p["in"] == "query"} == {
        "reference_number",
        "reference_type",
        "carrier_code",
        "api_key",
    }
    assert {p["name"] for p in parameters if p["in"] == "header"} == {
        "X-API-Key",
        "X-Mock-Status",
        "X-Request-Id",
    }
