"""POST /v1/replays and GET /v1/replays/{id}: a replay through the in-process worker of the embedded mode."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.support.events import make_event

REPLAY_WAIT_S_MAX = 30


def test_a_replay_runs_to_done_with_progress(client: TestClient) -> None:
    events = []
    for member in ("P-1", "P-2", "P-3"):
        payment = make_event("ContributionPaid", member_id=member) | {"occurred_on": "2024-11-01"}
        events += [
            make_event("MemberRegistered", member_id=member),
            payment,
            make_event("ClaimSubmitted", member_id=member),
        ]
    assert client.post("/v1/events", json=events).status_code == 200
    started = client.post("/v1/replays", json={"edition": "bazhong-resident", "workers": 2, "as_of": "2026-06-01"})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["members_total"] == 3 and job["model_set"].startswith("bazhong-resident@")
    deadline = time.monotonic() + REPLAY_WAIT_S_MAX
    while True:
        state = client.get(f"/v1/replays/{job['job_id']}").json()
        if state["status"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert state["status"] == "done" and state["members_done"] == 3 and state["events_done"] == 9


def test_replay_errors_are_clear(client: TestClient) -> None:
    assert client.post("/v1/replays", json={"edition": "nowhere"}).status_code == 404
    assert client.post("/v1/replays", json={"edition": "bazhong-resident", "workers": 0}).status_code == 422
    assert client.get("/v1/replays/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_finished_replay_is_promoted_once(client: TestClient) -> None:
    events = []
    for member in ("Q-1", "Q-2"):
        payment = make_event("ContributionPaid", member_id=member) | {"occurred_on": "2024-11-01"}
        events += [make_event("MemberRegistered", member_id=member), payment]
    assert client.post("/v1/events", json=events).status_code == 200
    job = client.post("/v1/replays", json={"edition": "bazhong-resident", "as_of": "9999-12-31"}).json()
    deadline = time.monotonic() + REPLAY_WAIT_S_MAX
    while client.get(f"/v1/replays/{job['job_id']}").json()["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    promoted = client.post(f"/v1/replays/{job['job_id']}/promote")
    assert promoted.status_code == 200, promoted.text
    body = promoted.json()
    assert body["job_id"] == job["job_id"] and body["members_promoted"] == 2 and not body["already_live"]
    again = client.post(f"/v1/replays/{job['job_id']}/promote").json()
    assert again["already_live"] and again["promotion_number"] == body["promotion_number"]
    assert client.post("/v1/replays/00000000-0000-0000-0000-000000000000/promote").status_code == 404
    dated = client.post("/v1/replays", json={"edition": "bazhong-resident", "as_of": "2026-06-01"}).json()
    deadline = time.monotonic() + REPLAY_WAIT_S_MAX
    while client.get(f"/v1/replays/{dated['job_id']}").json()["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    refused = client.post(f"/v1/replays/{dated['job_id']}/promote")
    assert refused.status_code == 422 and "--as-of 9999-12-31" in refused.json()["detail"]


def test_only_admin_keys_may_promote(client: TestClient) -> None:
    from projections.access import create_key

    _, auditor_key = create_key(client.app.state.read_engine, role="auditor")  # type: ignore[attr-defined]
    auditor = {"Authorization": f"Bearer {auditor_key}"}
    job_id = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/v1/replays/{job_id}", headers=auditor).status_code == 404, "auditors see replays"
    refused = client.post(f"/v1/replays/{job_id}/promote", headers=auditor)
    assert refused.status_code == 403 and "needs admin" in refused.json()["detail"]
    assert client.post(f"/v1/replays/{job_id}/promote").status_code == 404  # the admin key gets through
    from sqlalchemy import select

    from projections.readmodel import WriteAudit

    with client.app.state.read_engine.connect() as connection:  # type: ignore[attr-defined]
        outcomes = connection.execute(
            select(WriteAudit.role, WriteAudit.outcome)
            .where(WriteAudit.action == f"POST /v1/replays/{job_id}/promote")
            .order_by(WriteAudit.audit_id)
        ).all()
    assert [tuple(row) for row in outcomes] == [
        ("auditor", "forbidden: role auditor"),
        ("admin", "refused: replay_error"),
    ]
