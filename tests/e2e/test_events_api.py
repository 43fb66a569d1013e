"""HTTP API end to end, on SQLite and on real PostgreSQL."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from domain.contract import BATCH_EVENTS_MAX
from tests.support.events import make_event

PROBLEM = "application/problem+json"


def test_post_events_stores_a_batch_and_lists_each_outcome(client: TestClient) -> None:
    batch = [make_event("MemberRegistered"), make_event("ContributionPaid")]
    response = client.post("/v1/events", json=batch)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"] == 2 and body["duplicate"] == 0
    assert body["results"] == [{"event_id": e["event_id"], "status": "stored"} for e in batch]


def test_retry_of_a_batch_is_acknowledged_as_duplicates(client: TestClient) -> None:
    batch = [make_event("MemberRegistered"), make_event("ContributionPaid")]
    client.post("/v1/events", json=batch)
    response = client.post("/v1/events", json=batch)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate"]
    assert client.get("/v1/members/M-0001/events").json()["total"] == 2


def test_one_bad_event_rejects_the_batch_naming_it_and_stores_nothing(client: TestClient) -> None:
    bad = make_event("ContributionPaid", amount="12.345")
    response = client.post("/v1/events", json=[make_event("MemberRegistered"), bad])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"] == [
        {
            "index": 1,
            "event_id": bad["event_id"],
            "field": "data.amount",
            "reason": "must have at most two decimals (got '12.345')",
        }
    ]
    assert client.get("/v1/members/M-0001/events").status_code == 404


def test_same_event_id_with_different_content_is_409_naming_it(client: TestClient) -> None:
    client.post("/v1/events", json=[make_event("ContributionPaid", amount="400.00")])
    changed = make_event("ContributionPaid", amount="460.00")
    response = client.post("/v1/events", json=[make_event("MemberRegistered"), changed])
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["event_id"] == changed["event_id"]
    assert response.json()["conflicts"][0]["index"] == 1
    assert client.get("/v1/members/M-0001/events").json()["total"] == 1


def test_recorded_at_needs_the_historical_import_flag(client: TestClient) -> None:
    event = make_event("MemberRegistered") | {"recorded_at": "2024-12-01T01:02:03Z"}
    refused = client.post("/v1/events", json=[event])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "recorded_at"
    accepted = client.post("/v1/events?historical_import=true", json=[event])
    assert accepted.status_code == 200
    [stored] = client.get("/v1/members/M-0001/events").json()["events"]
    assert stored["recorded_at"] == "2024-12-01T01:02:03Z"


def test_member_history_in_effective_order_with_filters(client: TestClient) -> None:
    types = ["ClaimSubmitted", "CategoryCertified", "MemberRegistered", "ContributionPaid"]
    client.post("/v1/events", json=[make_event(t) for t in types])
    history = client.get("/v1/members/M-0001/events").json()
    assert [e["type"] for e in history["events"]] == [
        "MemberRegistered",
        "ContributionPaid",
        "CategoryCertified",
        "ClaimSubmitted",
    ]
    assert all(e["recorded_at"].endswith("Z") for e in history["events"])
    window = client.get("/v1/members/M-0001/events", params={"from": "2024-12-10", "to": "2025-02-01"}).json()
    assert [e["type"] for e in window["events"]] == ["ContributionPaid", "CategoryCertified"]
    page = client.get("/v1/members/M-0001/events", params={"offset": 1, "limit": 2}).json()
    assert page["total"] == 4 and [e["type"] for e in page["events"]] == ["ContributionPaid", "CategoryCertified"]


def test_history_query_errors_name_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/members/M-0001/events", params={"from": "2025-13-01"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"
    assert client.get("/v1/members/bad%20id/events").status_code == 422


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post("/v1/events", content=b"[{", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)


def test_batch_size_limits_are_enforced(client: TestClient) -> None:
    assert client.post("/v1/events", json=[]).status_code == 422
    assert client.post("/v1/events", json={"event_id": "x"}).status_code == 422
    too_many = [make_event("CoverageEnded", label=str(n)) for n in range(BATCH_EVENTS_MAX + 1)]
    response = client.post("/v1/events", json=too_many)
    assert response.status_code == 422
    assert "1 to 10000" in response.json()["detail"]


def test_oversized_body_is_refused_before_parsing(client: TestClient) -> None:
    limit = client.app.state.settings.request_body_bytes_max  # type: ignore[attr-defined]
    response = client.post(
        "/v1/events", content=b"[" + b" " * limit + b"]", headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_healthz_reports_the_store(client: TestClient) -> None:
    client.post("/v1/events", json=[make_event("MemberRegistered")])
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["max_notification_id"] >= 1


def test_openapi_documents_the_event_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["maxItems"] == BATCH_EVENTS_MAX
    assert "ClaimSubmittedData" in schema["components"]["schemas"]
    refs = json.dumps(schema)
    for name in ("ContributionPaid", "Problem"):
        assert f"#/components/schemas/{name}" in refs
    assert client.get("/docs").status_code == 200
