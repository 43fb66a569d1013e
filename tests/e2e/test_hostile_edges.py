"""A hostile or faulty client at the edges: impossible facts, region bypass, existence oracle, identity
numbers behind percent-encoding, huge integer literals, non-JSON writes, unhandled failures, console headers."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from api.routes.status import today_in_china
from api.settings import Settings, sqlalchemy_url
from domain.identity import check_character, pseudonym
from projections.readmodel import ReplayJob
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

IDENTITY_NUMBER = "11010519491231002X"  # the worked example of GB 11643-1999
#: Another valid identity number, of nobody in the ledger.
_FIRST_17 = "21010219900101001"
UNKNOWN_NUMBER = _FIRST_17 + check_character(_FIRST_17)
HUGE = "1" * 4_301  # one digit more than Python converts from text by default


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    return client


def key_for(admin: TestClient, role: str, regions: list[str] | None = None) -> dict[str, str]:
    made = admin.post("/v1/keys", json={"role": role, "regions": regions})
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['key']}"}


def registration(member_id: str, region: str, *, label: str | None = None) -> dict[str, Any]:
    event = make_event("MemberRegistered", member_id=member_id, label=label)
    event["data"]["region"] = region
    return event


# ------------------------------------------------------------------------------------------- impossible facts


def test_a_contribution_for_the_year_0001_or_9999_is_refused(admin: TestClient) -> None:
    admin.post("/v1/events", json=[registration("M-Y", "bazhong")]).raise_for_status()
    for year in ("0001", "9999"):
        paid = make_event("ContributionPaid", member_id="M-Y", label=year)
        paid["data"] |= {"coverage_start": f"{year}-01-01", "coverage_end": f"{year}-12-31"}
        answer = admin.post("/v1/events", json=[paid])  # before: 200, then 500 for the member for ever
        assert answer.status_code == 422
        assert {e["field"] for e in answer.json()["errors"]} == {"data.coverage_start", "data.coverage_end"}
    assert admin.get("/v1/members/M-Y/status", params={"as_of": "2025-06-01"}).status_code == 200
    for as_of in ("0001-01-01", "9999-12-31"):  # asking about an impossible day is the question's fault
        asked = admin.get("/v1/members/M-Y/status", params={"as_of": as_of})
        assert asked.status_code == 422 and asked.json()["type"] == "/problems/date-out-of-range", asked.text


def test_a_nul_in_a_claim_id_is_refused(admin: TestClient) -> None:
    admin.post("/v1/events", json=[registration("M-N", "bazhong")]).raise_for_status()
    claim = make_event("ClaimSubmitted", member_id="M-N", claim_id="C-\u0000-1")
    for path in ("/v1/events", "/v1/claims"):
        answer = admin.post(path, json=[claim] if path == "/v1/events" else claim)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "data.claim_id"


def test_stored_facts_dated_after_today_are_refused_but_not_in_what_ifs(admin: TestClient, tmp_path: Path) -> None:
    tomorrow = (today_in_china() + timedelta(days=1)).isoformat()
    admin.post("/v1/events", json=[registration("M-F", "bazhong")]).raise_for_status()
    late = make_event(
        "ClaimSubmitted", member_id="M-F", discharged_on=tomorrow, admitted_on=tomorrow, applied_on=tomorrow
    ) | {"occurred_on": tomorrow}
    events = admin.post("/v1/events", json=[late])
    assert events.status_code == 422 and events.json()["errors"][0]["field"] == "occurred_on"
    claims = admin.post("/v1/claims", json=late)
    assert claims.status_code == 422 and "after today" in claims.json()["errors"][0]["reason"]
    retired = make_event("RetirementReached", member_id="M-F") | {"occurred_on": tomorrow}
    assert admin.post("/v1/events", json=[retired]).status_code == 422
    assert admin.get("/v1/members/M-F/events").json()["total"] == 1, "nothing of the refused batches stored"

    # A scenario (never stored) may describe the future.
    scenario = tmp_path / "future.json"
    scenario.write_text(
        json.dumps(
            {
                "events": [registration("M-S", "bazhong"), late | {"member_id": "M-S"}],
                "queries": [{"member_id": "M-S", "as_of": tomorrow}],
            }
        )
    )
    ran = CliRunner().invoke(cli, ["scenario", str(scenario)])
    assert ran.exit_code == 0, ran.output


def test_ledger_import_refuses_future_facts_and_huge_integers_with_a_clear_line(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    tomorrow = (today_in_china() + timedelta(days=1)).isoformat()
    future = tmp_path / "future.jsonl"
    future.write_text(json.dumps(make_event("RetirementReached") | {"occurred_on": tomorrow}) + "\n")
    ran = CliRunner().invoke(cli, ["import", str(future)])
    assert ran.exit_code == 1 and "occurred_on" in ran.output and "after today" in ran.output
    huge = tmp_path / "huge.jsonl"
    huge.write_text('{"event_id": "x", "amount": ' + HUGE + "}\n")
    ran = CliRunner().invoke(cli, ["import", str(huge)])  # before: a ValueError traceback
    assert ran.exit_code == 1 and "line 1" in ran.output and "digits" in ran.output
    assert not isinstance(ran.exception, ValueError)


# ------------------------------------------------------------------------------------------- regions


def test_a_limited_key_cannot_write_for_a_member_of_another_region_by_re_registering(admin: TestClient) -> None:
    shenyang = key_for(admin, "integration", ["shenyang"])
    admin.post("/v1/events", json=[registration("M-BZ", "bazhong")]).raise_for_status()
    bypass = [registration("M-BZ", "shenyang", label="again"), make_event("ClaimSubmitted", member_id="M-BZ")]
    assert admin.post("/v1/events", headers=shenyang, json=bypass).status_code == 403  # before: 200
    retired = make_event("RetirementReached", member_id="M-BZ")
    retired["data"]["region"] = "shenyang"
    assert admin.post("/v1/events", headers=shenyang, json=[retired]).status_code == 403
    ended = make_event("CoverageEnded", member_id="M-BZ")
    assert admin.post("/v1/events", headers=shenyang, json=[ended]).status_code == 403
    claim = make_event("ClaimSubmitted", member_id="M-BZ", label="M-BZ:claim-2", claim_id="C-9")
    assert admin.post("/v1/claims", headers=shenyang, json=claim).status_code == 403
    assert admin.get("/v1/members/M-BZ/events").json()["total"] == 1


def test_a_re_registration_into_another_region_is_refused_for_every_key(admin: TestClient) -> None:
    admin.post("/v1/events", json=[registration("M-R", "bazhong")]).raise_for_status()
    again = admin.post("/v1/events", json=[registration("M-R", "shenyang", label="again")])
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "data.region"
    same_region = registration("M-R", "bazhong", label="corrected") | {"occurred_on": "2024-12-02"}
    assert admin.post("/v1/events", json=[same_region]).status_code == 200
    in_one_batch = [registration("M-T", "bazhong"), registration("M-T", "anshan", label="twice")]
    assert admin.post("/v1/events", json=in_one_batch).status_code == 422


def test_unknown_and_foreign_members_get_the_same_answer(admin: TestClient) -> None:
    shenyang = key_for(admin, "integration", ["shenyang"])
    admin.post("/v1/events", json=[registration("M-BZ", "bazhong"), registration(IDENTITY_NUMBER, "bazhong")])
    answers = []
    for member in ("M-BZ", "M-NOBODY", IDENTITY_NUMBER, UNKNOWN_NUMBER):
        ended = make_event("CoverageEnded", member_id=member)
        answer = admin.post("/v1/events", headers=shenyang, json=[ended])
        body = {key: value for key, value in answer.json().items() if key != "request_id"}  # each request its own
        answers.append((answer.status_code, answer.headers["content-type"], body))
    assert answers[0][0] == 403
    assert all(a == answers[0] for a in answers), answers  # before: "has region bazhong" / "no known region"
    assert "bazhong" not in json.dumps(answers[0][2])


# ------------------------------------------------------------------------------------------- personal data


def test_a_percent_encoded_identity_number_is_pseudonymised(
    admin: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin.post("/v1/events", json=[registration(IDENTITY_NUMBER, "bazhong")]).raise_for_status()
    encoded = "%31" + IDENTITY_NUMBER[1:]
    found = admin.get(f"/fhir/Coverage?beneficiary={encoded}")
    assert found.status_code == 200 and IDENTITY_NUMBER not in found.text  # before: 404 with the number in it
    answer = admin.get("/fhir/Coverage?beneficiary=%32" + UNKNOWN_NUMBER[1:])
    # A search that matches nothing is an empty searchset Bundle (FHIR R4 search), without the number in it.
    assert answer.status_code == 200 and answer.json()["total"] == 0 and UNKNOWN_NUMBER not in answer.text
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert not [line for line in server_side if IDENTITY_NUMBER in line or UNKNOWN_NUMBER in line]


def test_replay_member_lists_are_pseudonymised(admin: TestClient, settings: Settings) -> None:
    admin.post("/v1/events", json=[registration(IDENTITY_NUMBER, "bazhong")]).raise_for_status()
    started = admin.post(
        "/v1/replays", json={"edition": "bazhong-resident", "members": [IDENTITY_NUMBER], "as_of": "2025-06-01"}
    )
    assert started.status_code == 202, started.text
    engine = create_engine(sqlalchemy_url(settings.database_url))
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                select(ReplayJob.members_json).where(ReplayJob.job_id == started.json()["job_id"])
            ).scalar_one()
    finally:
        engine.dispose()
    assert json.loads(stored) == [pseudonym(IDENTITY_NUMBER, TEST_PSEUDONYM_KEY.encode())]  # before: the raw number


def test_ledger_serve_never_prints_the_database_password() -> None:
    from api.settings import redacted_url

    shown = redacted_url("postgresql://ledger:s3cret-pw@db.example:5432/ledger?sslpassword=other")
    assert "s3cret-pw" not in shown and "other" not in shown and "db.example:5432/ledger" in shown


# ------------------------------------------------------------------------------------------- huge literals, media types


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/v1/events", "application/json"),
        ("/v1/claims", "application/json"),
        ("/fhir/CoverageEligibilityRequest/$evaluate", "application/fhir+json"),
    ],
)
def test_a_huge_integer_literal_is_a_400_problem(admin: TestClient, path: str, content_type: str) -> None:
    body = '[{"amount": ' + HUGE + "}]" if path == "/v1/events" else '{"amount": ' + HUGE + "}"
    answer = admin.post(path, content=body, headers={"Content-Type": content_type})  # before: 500 text/plain
    assert answer.status_code == 400, answer.text[:200]
    if path.startswith("/fhir/"):  # FHIR answers its errors as an OperationOutcome
        assert answer.headers["content-type"].startswith("application/fhir+json")
        assert answer.json()["resourceType"] == "OperationOutcome"
    else:
        assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json"]
)
def test_write_routes_take_json_only(admin: TestClient, content_type: str) -> None:
    body = json.dumps([registration("M-CT", "bazhong")])
    answer = admin.post(
        "/v1/events", content=body, headers={"Content-Type": content_type}
    )  # before: 200 for text/plain
    assert answer.status_code == 415
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert admin.get("/v1/members/M-CT/events").status_code == 404


def test_an_unhandled_failure_is_a_500_problem(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings)
    import api.routes.status as status_route

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a defect")

    monkeypatch.setattr(status_route, "served_member_status", broken)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
        answer = client.get("/v1/members/M-1/status")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == "/problems/internal-error" and "a defect" not in answer.text


def test_console_pages_send_security_headers(admin: TestClient) -> None:
    page = admin.get("/console/")
    assert page.status_code in (200, 303, 307)
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_ledger_synth_through_today_gives_a_population_import_accepts() -> None:
    ran = CliRunner().invoke(
        cli, ["synth", "--members", "5", "--years", "3", "--region", "bazhong", "--seed", "3", "--through-today"]
    )
    assert ran.exit_code == 0, ran.output
    days = [json.loads(line)["occurred_on"] for line in ran.stdout.splitlines() if line.startswith("{")]
    assert days and max(days) <= today_in_china().isoformat()
