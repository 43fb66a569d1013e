"""Moves between regions through the API (SQLite and PostgreSQL): who may record a move and write after it,
and the status the member has on each side of the transfer date (002 ch.2 二十一问)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.events import make_event


def key(admin: TestClient, regions: list[str]) -> dict[str, str]:
    response = admin.post("/v1/keys", json={"role": "integration", "regions": regions, "label": "move test"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


def shenyang_employee() -> list[dict[str, Any]]:
    registered = make_event("MemberRegistered")
    registered["data"]["region"] = "shenyang"
    paid = make_event(
        "ContributionPaid",
        scheme="employee",
        region="shenyang",
        coverage_start="2025-01-01",
        coverage_end="2025-06-30",
        amount="600.00",
    ) | {"occurred_on": "2024-12-20"}
    return [registered, paid]


def move(**data: Any) -> dict[str, Any]:
    return make_event("MemberTransferred", **data)


def claim_after_the_move() -> dict[str, Any]:
    event = make_event("ClaimSubmitted", label="C-after", claim_id="C-after", admitted_on="2025-09-01")
    event["data"]["discharged_on"] = "2025-09-10"
    event["data"]["applied_on"] = "2025-09-10"
    return event | {"occurred_on": "2025-09-10"}


def test_the_destinations_key_records_the_move_and_then_writes_for_the_member(client: TestClient) -> None:
    shenyang, bazhong = key(client, ["shenyang"]), key(client, ["bazhong"])
    assert client.post("/v1/events", headers=shenyang, json=shenyang_employee()).status_code == 200
    # The origin's key cannot record the move: a move is written for its destination.
    assert client.post("/v1/events", headers=shenyang, json=[move()]).status_code == 403
    assert client.post("/v1/events", headers=bazhong, json=[move()]).status_code == 200
    # After the transfer date the member is Bazhong's: the origin's key may no longer write, the destination's may.
    late = claim_after_the_move()
    assert client.post("/v1/events", headers=shenyang, json=[late]).status_code == 403
    assert client.post("/v1/events", headers=bazhong, json=[late]).status_code == 200
    # An event dated before the move is still the origin's (the member's region on the event's date decides).
    early = make_event("RemoteCareFiled", label="early")
    assert client.post("/v1/events", headers=bazhong, json=[early]).status_code == 403
    assert client.post("/v1/events", headers=shenyang, json=[early]).status_code == 200


def test_the_status_follows_the_member_to_the_destination(client: TestClient) -> None:
    paid_there = make_event(
        "ContributionPaid",
        label="bz",
        scheme="employee",
        region="bazhong",
        coverage_start="2025-08-01",
        coverage_end="2025-12-31",
        amount="500.00",
    ) | {"occurred_on": "2025-08-05"}
    batch = [*shenyang_employee(), move(), paid_there]
    assert client.post("/v1/events", json=batch).status_code == 200
    before = client.get("/v1/members/M-0001/status", params={"as_of": "2025-06-15"}).json()
    assert before["region"] == "shenyang" and before["edition"]["name"] == "shenyang-employee"
    after = client.get("/v1/members/M-0001/status", params={"as_of": "2025-09-01"}).json()
    assert after["region"] == "bazhong" and after["edition"]["name"] == "bazhong-employee"
    # 1 month (July) paid nowhere ≤ 3 → 缴费当月即可享受待遇: benefits from 2025-08-01.
    assert after["benefits_active"] is True and after["benefits_start"] == "2025-08-01"
    assert [m["to_region"] for m in after["transfers"]["moves"]] == ["bazhong"]
    kinds = [m["kind"] for m in after["personal_account"]["movements"]]
    assert kinds.count("transfer_out") == 1 and kinds.count("transfer_in") == 1
    assert after["personal_account"]["balance"] == "1234.56"


def test_a_move_to_a_region_without_rules_is_stored_and_the_status_says_so(client: TestClient) -> None:
    batch = [*shenyang_employee(), move(to_region="anshan")]
    assert client.post("/v1/events", json=batch).status_code == 200
    status = client.get("/v1/members/M-0001/status", params={"as_of": "2025-09-01"})
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["region"] == "anshan"
    assert "no rule set anshan-employee" in body["transfers"]["not_computable"][0]


def test_the_console_shows_the_move_and_what_cannot_be_computed(client: TestClient) -> None:
    move_there = move(to_region="anshan")
    assert client.post("/v1/events", json=[*shenyang_employee(), move_there]).status_code == 200
    html = client.get("/console/members/M-0001", params={"as_of": "2025-09-01", "lang": "en"}).text
    assert f'data-event-id="{move_there["event_id"]}"' in html and "Anshan" in html
    assert 'data-field="transfers.not_computable[0]">no rule set anshan-employee' in html


def test_a_move_from_a_region_the_member_is_not_in_is_refused(client: TestClient) -> None:
    assert client.post("/v1/events", json=shenyang_employee()).status_code == 200
    wrong = move(from_region="anshan", to_region="bazhong")
    response = client.post("/v1/events", json=[wrong])
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "data.from_region" and "is in region shenyang before 2025-07-01" in problem["reason"]
    # Two moves in one batch: the second starts where the first ended.
    onward = make_event(
        "MemberTransferred",
        label="onward",
        from_region="bazhong",
        to_region="anshan",
        transferred_on="2025-10-01",
        account_balance=None,
    ) | {"occurred_on": "2025-10-01"}
    assert client.post("/v1/events", json=[move(), onward]).status_code == 200
    status = client.get("/v1/members/M-0001/status", params={"as_of": "2025-11-01"}).json()
    assert [m["to_region"] for m in status["transfers"]["moves"]] == ["bazhong", "anshan"]
