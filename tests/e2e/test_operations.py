"""Operations over HTTP: /metrics names and moving counters, the request id in headers, problems, logs and audit."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.support.events import make_event


def scrape(client: TestClient) -> dict[str, float]:
    """Every sample of /metrics as `name{label="v",…}` → value."""
    response = client.get("/metrics", headers={"Authorization": ""})  # open, like /healthz
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def test_metrics_name_what_operators_watch_and_the_event_counters_move(client: TestClient) -> None:
    before = scrape(client)
    for name in (
        "ledger_events_stored_total",
        "ledger_events_duplicate_total",
        "ledger_events_conflicting_total",
        "ledger_database_up",
        "ledger_redis_up",
        "ledger_outbox_backlog",
        "ledger_isolated_members",
        "ledger_replay_jobs_running",
        "ledger_audit_jobs_running",
        "ledger_event_store_notifications",
    ):
        assert name in before, f"{name} is exposed"
    assert before["ledger_database_up"] == 1 and before["ledger_redis_up"] == -1, "no Redis configured here"
    assert before["ledger_isolated_members"] == 0
    events = [make_event("MemberRegistered"), make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}]
    assert client.post("/v1/events", json=events).status_code == 200
    assert client.post("/v1/events", json=events).status_code == 200  # both again: duplicates
    changed = [dict(events[0], data={**events[0]["data"], "birth_date": "1980-05-07"})]
    assert client.post("/v1/events", json=changed).status_code == 409
    after = scrape(client)
    assert after["ledger_events_stored_total"] - before["ledger_events_stored_total"] == 2
    assert after["ledger_events_duplicate_total"] - before["ledger_events_duplicate_total"] == 2
    assert after["ledger_events_conflicting_total"] - before["ledger_events_conflicting_total"] == 1
    assert after["ledger_event_batch_duration_seconds_count"] == 2, "one observation per stored batch"
    assert after["ledger_event_store_notifications"] >= 2
    route = 'ledger_http_request_duration_seconds_count{method="POST",route="/v1/events",status="2xx"}'
    assert after[route] == 2, "latency is labelled by route template and status class"
    assert client.get("/v1/members/M-0001/status").status_code == 200
    templated = scrape(client)
    assert (
        'ledger_http_request_duration_seconds_count{method="GET",route="/v1/members/{member_id}/status",status="2xx"}'
        in (templated)
    ), "the route's template, never the raw path (bounded labels)"


def test_isolated_members_of_the_live_projection_are_counted(client: TestClient) -> None:
    from datetime import UTC, datetime

    from projections.readmodel import FoldFailure

    engine = client.app.state.read_engine  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    common = {"stream_version": 1, "error": "boom", "fingerprint": "f", "attempts": 1}
    rows = [
        FoldFailure(scope="live", member_id="M-X", first_failed_at=now, last_failed_at=now, **common),
        FoldFailure(scope="live", member_id="M-Y", first_failed_at=now, last_failed_at=now, **common),
        FoldFailure(scope="replay:job", member_id="M-Z", first_failed_at=now, last_failed_at=now, **common),
    ]
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        session.add_all(rows)
    assert scrape(client)["ledger_isolated_members"] == 2, "the live projection's, not a replay's"


def test_the_request_id_is_in_the_header_the_problem_the_audit_trail_and_the_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    given = client.get("/v1/members/NOBODY/status", headers={"X-Request-ID": "req-42"})
    assert given.status_code == 404
    assert given.headers["X-Request-ID"] == "req-42" and given.json()["request_id"] == "req-42"
    made = client.get("/v1/members/NOBODY/status", headers={"X-Request-ID": "not a sane id!"})
    assert (
        made.headers["X-Request-ID"] != "not a sane id!" and made.json()["request_id"] == made.headers["X-Request-ID"]
    )
    with caplog.at_level(logging.INFO, logger="ledger.http"):
        written = client.post("/v1/events", json=[make_event("MemberRegistered")], headers={"X-Request-ID": "req-43"})
    assert written.status_code == 200
    line = next(r for r in caplog.records if r.name == "ledger.http" and getattr(r, "request_id", "") == "req-43")
    assert (line.method, line.route, line.status) == ("POST", "/v1/events", 200)  # type: ignore[attr-defined]
    trail = client.get("/v1/audit/writes").json()
    assert any(row["subjects"].get("request_id") == "req-43" for row in trail), "the write audit row carries it"


def test_json_log_lines_carry_the_request_id() -> None:
    from api.observability import JsonFormatter, _RequestIdFilter, current_request_id

    record = logging.LogRecord("ledger.http", logging.INFO, __file__, 1, "request", None, None)
    token = current_request_id.set("req-7")
    try:
        _RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    formatter = JsonFormatter("{levelname}{name}{message}{request_id}", style="{")
    assert json.loads(formatter.format(record)) == {
        "levelname": "INFO",
        "name": "ledger.http",
        "message": "request",
        "request_id": "req-7",
    }


def test_fhir_outcomes_carry_the_request_id(client: TestClient) -> None:
    missing = client.get("/fhir/ExplanationOfBenefit/NOPE", params={"patient": "M-1"}, headers={"X-Request-ID": "r-9"})
    assert missing.status_code == 404 and missing.json()["id"] == "r-9"
