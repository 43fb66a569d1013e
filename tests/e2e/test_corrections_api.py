"""Corrections through the API, on SQLite and PostgreSQL: refused when they cannot be true, marked in the
history, bitemporal in the status, recorded decisions kept beside the recomputed figures.

The member is 张三 of 002 ch.1 四十三 (乡镇卫生院, policy 4,200, deductible 100, 90% → 3,690 yuan).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.support.events import event_id_for, make_event

PAYMENT = make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}


def retraction(label: str, target: str, **envelope: Any) -> dict[str, Any]:
    return make_event("EventRetracted", label=label, retracted_event_id=target, reason="posted by mistake") | envelope


def setup_member(client: TestClient) -> None:
    assert client.post("/v1/events", json=[make_event("MemberRegistered"), PAYMENT]).status_code == 200


def test_retractions_that_cannot_be_true_are_refused_and_nothing_is_stored(client: TestClient) -> None:
    setup_member(client)
    other = make_event("MemberRegistered", member_id="M-0002")
    assert client.post("/v1/events", json=[other]).status_code == 200
    first = retraction("first", PAYMENT["event_id"])
    assert client.post("/v1/events", json=[first]).status_code == 200
    cases = [
        (retraction("unknown", event_id_for("never-posted")), "no event"),
        (retraction("others", other["event_id"]), "no event"),
        (retraction("again", PAYMENT["event_id"]), "already retracted"),
        (retraction("of-retraction", first["event_id"]), "a retraction cannot be retracted"),
    ]
    for bad, reason in cases:
        innocent = make_event("ConditionCertified", label=f"innocent-{bad['event_id']}")
        response = client.post("/v1/events", json=[innocent, bad])
        assert response.status_code == 422, response.text
        [problem] = response.json()["errors"]
        assert problem["index"] == 1 and problem["field"] == "data.retracted_event_id"
        assert reason in problem["reason"], problem
    # Nothing of the refused batches was stored (the innocent events included).
    assert client.get("/v1/members/M-0001/events").json()["total"] == 3
    # A retry of the accepted retraction is a duplicate, not "already retracted".
    assert client.post("/v1/events", json=[first]).json()["results"][0]["status"] == "duplicate"


def test_a_batch_may_carry_an_event_and_its_retraction(client: TestClient) -> None:
    setup_member(client)
    wrong = make_event("CategoryCertified", label="wrong")
    both = [retraction("same-batch", wrong["event_id"]), wrong]
    assert client.post("/v1/events", json=both).status_code == 200
    twice = [retraction("twice-a", PAYMENT["event_id"]), retraction("twice-b", PAYMENT["event_id"])]
    response = client.post("/v1/events", json=twice)
    assert response.status_code == 422 and response.json()["errors"][0]["index"] == 1


def test_the_history_marks_retracted_events_with_who_when_and_why(client: TestClient) -> None:
    setup_member(client)
    fix = retraction("fix", PAYMENT["event_id"], source="integration-x")
    client.post("/v1/events", json=[fix])
    events = client.get("/v1/members/M-0001/events").json()["events"]
    by_id = {e["event_id"]: e for e in events}
    mark = by_id[PAYMENT["event_id"]]["retracted"]
    assert mark["retracted_by"] == fix["event_id"]
    assert mark["retracted_by_source"] == "integration-x" and mark["reason"] == "posted by mistake"
    assert by_id[fix["event_id"]]["retracted"] is None
    # A date filter that leaves the retraction out still marks the event it retracted.
    page = client.get("/v1/members/M-0001/events", params={"to": "2024-12-31"}).json()["events"]
    assert [e["retracted"] is not None for e in page if e["event_id"] == PAYMENT["event_id"]] == [True]


def test_status_is_bitemporal_and_keeps_the_recorded_decision_beside_the_recomputed_one(client: TestClient) -> None:
    setup_member(client)
    decided = client.post("/v1/claims", json=make_event("ClaimSubmitted"))
    assert decided.json()["fund_total"] == "3690.00"
    before = datetime.now(UTC).isoformat()
    client.post("/v1/events", json=[retraction("fix", PAYMENT["event_id"])])
    then = client.get("/v1/members/M-0001/status", params={"as_of": "2025-06-01", "known_at": before}).json()
    assert then["covered"] is True and then["corrections"] is None
    now = client.get("/v1/members/M-0001/status", params={"as_of": "2025-06-01"}).json()
    assert now["covered"] is False
    [revised] = now["corrections"]["revised_claims"]
    assert revised["claim_id"] == "C-1"
    assert revised["recorded"]["fund_total"] == "3690.00" and revised["recorded"]["status"] == "settled"
    assert revised["recomputed"]["status"] == "rejected" and revised["recomputed"]["fund_total"] == "0.00"
    # The recorded decision is history: a re-post of the claim answers it unchanged.
    assert client.post("/v1/claims", json=make_event("ClaimSubmitted")).json() == decided.json()
    # A new claim settles on the corrected facts: no coverage any more.
    later = make_event("ClaimSubmitted", label="C-2", claim_id="C-2")
    assert client.post("/v1/claims", json=later).json()["status"] == "rejected"


def test_a_retracted_claim_posted_again_corrected_is_decided_again(client: TestClient) -> None:
    setup_member(client)
    wrong = make_event("ClaimSubmitted", total_amount="4500.00")
    assert client.post("/v1/claims", json=wrong).json()["fund_total"] == "3690.00"
    client.post("/v1/events", json=[retraction("undo", wrong["event_id"])])
    # The retracted submission itself is not decided again.
    response = client.post("/v1/claims", json=wrong)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "event_id"
    # 002 ch.1 四十三 rule on the corrected bill: (2,000 − 100) × 90% = 1,710 yuan.
    corrected = make_event(
        "ClaimSubmitted", label="corrected", total_amount="2300.00", policy_amount="2000.00", out_of_scope="300.00"
    )
    again = client.post("/v1/claims", json=corrected)
    assert again.status_code == 201, again.text
    assert again.json()["fund_total"] == "1710.00"
    assert client.post("/v1/claims", json=corrected).status_code == 200
