"""A hostile client at the wire: bodies that two parsers would read differently, and values the contract
would otherwise convert into something the client never wrote. Each is refused naming what is wrong,
and nothing of its batch is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app as cli
from api.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event


def stored_notifications(client: TestClient) -> int:
    return int(client.get("/healthz").json()["max_notification_id"])


def registration(member_id: str, region: str = "bazhong") -> dict[str, Any]:
    event = make_event("MemberRegistered", member_id=member_id)
    event["data"]["region"] = region
    return event


def repeat_key(document: dict[str, Any], key: str, first: Any) -> str:
    """``document`` as JSON with ``key`` written twice: first ``first``, then the document's own value."""
    text = json.dumps(document)
    marker = json.dumps(key) + ": "
    at = text.index(marker)
    return text[:at] + marker + json.dumps(first) + ", " + text[at:]


# ------------------------------------------------------------------------------------------- repeated keys


@pytest.mark.parametrize(
    ("key", "first"),
    [("member_id", "M-DK-OTHER"), ("region", "shenyang"), ("event_id", "7a3e1d6c-1111-4111-8111-111111111111")],
)
def test_an_event_repeating_a_key_is_refused_and_nothing_is_stored(client: TestClient, key: str, first: str) -> None:
    """Python keeps the last of repeated keys, other readers of the same body (the write audit trail's, a
    downstream system's) the first: before, the ledger stored the last silently (200)."""
    before = stored_notifications(client)
    batch = [registration("M-DK-COMPANION"), registration("M-DK")]
    body = "[" + json.dumps(batch[0]) + ", " + repeat_key(batch[1], key, first) + "]"
    answer = client.post("/v1/events", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == "/problems/malformed-json"
    assert repr(key) in answer.json()["detail"]
    assert stored_notifications(client) == before
    for member_id in ("M-DK", "M-DK-OTHER", "M-DK-COMPANION"):
        assert client.get(f"/v1/members/{member_id}/events").status_code == 404


def test_a_claim_repeating_a_key_is_refused(client: TestClient) -> None:
    client.post("/v1/events", json=[registration("M-DKC")]).raise_for_status()
    before = stored_notifications(client)
    claim = make_event("ClaimSubmitted", member_id="M-DKC")
    body = repeat_key(claim, "total_amount", "9000.00")
    answer = client.post("/v1/claims", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert "'total_amount'" in answer.json()["detail"]
    assert stored_notifications(client) == before
    same_keys_twice_in_two_objects = json.dumps(claim)  # every event has "data"; repeats across objects are fine
    assert client.post("/v1/claims", content=same_keys_twice_in_two_objects).status_code == 201


def test_ledger_import_refuses_a_line_repeating_a_key(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps(registration("M-DKI")) + "\n" + repeat_key(registration("M-DKJ"), "region", "shenyang") + "\n"
    )
    ran = CliRunner().invoke(cli, ["import", str(events)])
    assert ran.exit_code == 1, ran.output
    assert "line 2" in ran.output and "'region'" in ran.output


# ------------------------------------------------------------------------------------------- counts and flags

#: (event type, field, a value of the wrong JSON type that lax parsing used to convert)
CONVERTED = [
    ("MaternityOccurred", "babies", "1"),
    ("MaternityOccurred", "babies", True),
    ("MaternityOccurred", "babies", 1.0),
    ("MaternityOccurred", "in_plan", "yes"),
    ("MaternityOccurred", "in_plan", 1),
    ("ContributionYearsDeemed", "months", "36"),
    ("ShortfallSettled", "months", 12.0),
    ("FamilyAidTransferred", "cross_province", "false"),
    ("FamilyAidTransferred", "cross_province", 0),
]


@pytest.mark.parametrize(("event_type", "field", "value"), CONVERTED)
def test_a_count_or_flag_of_another_json_type_is_refused_not_converted(
    client: TestClient, event_type: str, field: str, value: Any
) -> None:
    """Before: ``"babies": true`` was stored as one baby, ``"in_plan": "yes"`` as true (200)."""
    client.post("/v1/events", json=[registration("M-LAX")]).raise_for_status()
    before = stored_notifications(client)
    event = make_event(event_type, member_id="M-LAX", label=f"lax-{field}-{value!r}")
    event["data"][field] = value
    answer = client.post("/v1/events", json=[event])
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == [f"data.{field}"]
    assert stored_notifications(client) == before
    event["data"][field] = make_event(event_type)["data"][field]
    assert client.post("/v1/events", json=[event]).status_code == 200  # the same event with a JSON-typed value


# ------------------------------------------------------------------------------------------- query dates

#: (path, parameter, a value that is not ISO text): pydantic read numbers as seconds or milliseconds since
#: 1970 and a midnight datetime as a date, so ``known_at=1`` answered as of 1970 (200) instead of refusing.
NOT_ISO = [
    ("/v1/members/M-Q/status", "known_at", "1"),
    ("/v1/members/M-Q/status", "known_at", "99999999999"),
    ("/v1/members/M-Q/status", "as_of", "20250101"),
    ("/v1/members/M-Q/status", "as_of", "2025-06-01T00:00"),
    ("/v1/members/M-Q/events", "from", "0"),
    ("/v1/rules/bazhong-resident", "on", "1735689600"),
    ("/fhir/Coverage", "known_at", "5"),
]


@pytest.mark.parametrize(("path", "name", "value"), NOT_ISO)
def test_a_query_date_that_is_not_iso_text_is_refused_naming_it(
    client: TestClient, path: str, name: str, value: str
) -> None:
    client.post("/v1/events", json=[registration("M-Q")]).raise_for_status()
    fixed = {"patient": "M-Q"} if path.startswith("/fhir/") else {}
    answer = client.get(path, params={**fixed, name: value})
    assert answer.status_code == 422, answer.text
    if path.startswith("/fhir/"):
        assert answer.json()["resourceType"] == "OperationOutcome" and name in answer.text
    else:
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == [name]
        assert "must be written" in answer.json()["detail"]
    iso = {"known_at": "2025-06-01T00:00:00+08:00", "as_of": "2025-06-01", "from": "2025-01-01", "on": "2025-06-01"}
    assert client.get(path, params={**fixed, name: iso[name]}).status_code == 200


# ------------------------------------------------------------------------------------------- control characters in URLs

#: (method, path, query): each used to reach a PostgreSQL query with a NUL and fail there with a 500.
NUL_IN_URL = [
    ("GET", "/v1/audit/writes", {"key_id": "\x00"}),
    ("DELETE", "/v1/keys/a%00b", {}),
    ("GET", "/v1/replays/a%00b", {}),
    ("GET", "/v1/members/M-U/claims/C%00", {}),
    ("GET", "/v1/members/M-U/status", {"edition": "bazhong\x00"}),
    ("GET", "/console/members", {"q": "M\x00"}),
    ("GET", "/console/audit/diff", {"job": "\x00"}),
    ("GET", "/console/audit/diff.csv", {"job": "\x1b[2J"}),
    ("GET", "/fhir/ExplanationOfBenefit/a%00b", {}),
]


@pytest.mark.parametrize(("method", "path", "query"), NUL_IN_URL)
def test_a_control_character_in_the_url_is_a_400_naming_where(
    client: TestClient, method: str, path: str, query: dict[str, str]
) -> None:
    client.post("/v1/events", json=[registration("M-U")]).raise_for_status()
    client.cookies.set("ledger_api_key", client.headers["Authorization"].removeprefix("Bearer "))  # the console's
    answer = client.request(method, path, params=query)
    assert answer.status_code == 400, answer.text
    if path.startswith("/fhir/"):
        assert answer.headers["content-type"].startswith("application/fhir+json")
        assert answer.json()["resourceType"] == "OperationOutcome" and "control character" in answer.text
        return
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"] == "/problems/control-character"
    assert [e["field"] for e in problem["errors"]] == ([*query] or ["path"])


def test_a_value_the_database_refuses_is_a_422_problem_not_a_500(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net behind the URL guard: the database's DataError is the request's fault, said without
    the database's own message."""
    from sqlalchemy.exc import DataError

    import api.routes.keys as keys_route
    from api.app import create_app

    def refused(*_: Any, **__: Any) -> Any:
        raise DataError("SELECT …", {}, ValueError("text fields cannot contain NUL (0x00) bytes"))

    monkeypatch.setattr(keys_route, "write_trail", refused)
    app = create_app(settings)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as admin:
        answer = admin.get("/v1/audit/writes")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == "/problems/unstorable-value" and "NUL" not in answer.text


def test_a_claim_resubmitted_under_an_id_that_only_looks_the_same_is_refused(client: TestClient) -> None:
    """Before: "C-1" and "C-1\u200b" were two claims, each settled and paid by the fund."""
    client.post("/v1/events", json=[registration("M-Z"), make_event("ContributionPaid", member_id="M-Z")])
    first = client.post("/v1/claims", json=make_event("ClaimSubmitted", member_id="M-Z", label="z-1"))
    assert first.status_code == 201, first.text
    before = stored_notifications(client)
    for look_alike in ("C-1\u200b", "C-1\u2060", "Ｃ-1", "C-1 "):
        again = make_event("ClaimSubmitted", member_id="M-Z", label=f"z-{look_alike!r}", claim_id=look_alike)
        answer = client.post("/v1/claims", json=again)
        assert answer.status_code == 422, answer.text
        assert [e["field"] for e in answer.json()["errors"]] == ["data.claim_id"]
    assert stored_notifications(client) == before
    claims = [e for e in client.get("/v1/members/M-Z/events").json()["events"] if e["type"] == "ClaimSubmitted"]
    assert len(claims) == 1


@pytest.mark.parametrize("recorded_at", [1, 1735689600, 1.5, True])
def test_a_historical_recorded_at_given_as_a_number_is_refused(client: TestClient, recorded_at: Any) -> None:
    """Before: ``"recorded_at": 1`` was stored as recorded at 1970-01-01T00:00:01Z."""
    before = stored_notifications(client)
    event = registration("M-H") | {"recorded_at": recorded_at}
    answer = client.post("/v1/events", params={"historical_import": "true"}, json=[event])
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["recorded_at"]
    assert stored_notifications(client) == before
    event["recorded_at"] = "2025-01-01T00:00:00Z"
    assert client.post("/v1/events", params={"historical_import": "true"}, json=[event]).status_code == 200
