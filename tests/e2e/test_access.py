"""API keys with roles and regions, the write audit trail, identity numbers pseudonymised."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.app import create_app
from api.settings import Settings, sqlalchemy_url
from domain.identity import check_character, pseudonym
from projections.access import list_keys
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

IDENTITY_NUMBER = "11010519491231002X"  # the worked example of GB 11643-1999


def identity_number(serial: int) -> str:
    first = f"2101021990010{serial:04d}"
    return first + check_character(first)


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    return client


def new_key(admin: TestClient, role: str, regions: list[str] | None = None) -> dict[str, Any]:
    response = admin.post("/v1/keys", json={"role": role, "regions": regions, "label": f"{role} test"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def as_key(client: TestClient, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def registration(member_id: str, region: str) -> dict[str, Any]:
    event = make_event("MemberRegistered", member_id=member_id)
    event["data"]["region"] = region
    return event


def test_no_key_and_bad_keys_are_401_with_a_reason(admin: TestClient) -> None:
    anonymous = admin.get("/v1/rules", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert "no API key" in anonymous.json()["detail"]
    for bad in ("nonsense", "lk_bootstrap_wrong-secret", "lk_nosuchkey_abc"):
        response = admin.get("/v1/rules", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad
        assert "not valid" in response.json()["detail"]
    assert admin.get("/healthz", headers={"Authorization": ""}).status_code == 200, "health needs no key"


def test_each_role_reaches_only_its_routes(admin: TestClient) -> None:
    admin.post("/v1/events", json=[registration("M-1", "bazhong")]).raise_for_status()
    keys = {role: new_key(admin, role)["key"] for role in ("integration", "service", "auditor")}
    post = [registration("M-2", "bazhong")]
    expectations = {
        # (method, path, json): the roles that may
        ("POST", "/v1/events"): {"integration"},
        ("GET", "/v1/members/M-1/events"): {"service", "auditor"},
        ("GET", "/v1/members/M-1/status?as_of=2025-06-01"): {"service", "auditor"},
        ("GET", "/v1/rules"): {"integration", "service", "auditor"},
        ("GET", "/v1/keys"): set(),
        ("GET", "/v1/audit/writes"): {"auditor"},
    }
    for (method, path), allowed in expectations.items():
        for role, key in keys.items():
            response = admin.request(method, path, headers=as_key(admin, key), json=post if method == "POST" else None)
            if role in allowed:
                assert response.status_code < 400, (role, path, response.text)
            else:
                assert response.status_code == 403, (role, path, response.text)
                assert f"has role {role}" in response.json()["detail"]
                assert "admin" in response.json()["detail"], "the message says which roles may"


def test_an_integration_key_writes_only_for_its_regions(admin: TestClient) -> None:
    shenyang = new_key(admin, "integration", ["shenyang"])["key"]
    admin.post("/v1/events", json=[registration("M-BZ", "bazhong")]).raise_for_status()

    refused = admin.post("/v1/events", headers=as_key(admin, shenyang), json=[registration("M-NEW", "bazhong")])
    assert refused.status_code == 403
    trail = admin.get("/v1/audit/writes").json()
    assert [row["outcome"] for row in trail if row["action"] == "POST /v1/events"][-1:] == ["forbidden: region"]
    assert sum(row["subjects"].get("members") == ["M-NEW"] for row in trail) == 1, "recorded once"
    assert "may write only for members registered in its regions (shenyang)" in refused.json()["detail"]
    assert admin.get("/v1/members/M-NEW/events").status_code == 404, "nothing stored"

    # An event without a region of its own takes the member's stored region.
    gap = make_event("CoverageEnded", member_id="M-BZ")
    assert admin.post("/v1/events", headers=as_key(admin, shenyang), json=[gap]).status_code == 403
    unknown = make_event("CoverageEnded", member_id="M-NOBODY")
    response = admin.post("/v1/events", headers=as_key(admin, shenyang), json=[unknown])
    assert response.status_code == 403 and without_request_id(response.json()) == without_request_id(
        refused.json()
    ), "unknown and foreign alike"

    # Within its region it writes, even for events carrying no region once the member is known there.
    mine = [registration("M-SY", "shenyang"), make_event("CoverageEnded", member_id="M-SY")]
    assert admin.post("/v1/events", headers=as_key(admin, shenyang), json=mine).status_code == 200

    claim = make_event("ClaimSubmitted", member_id="M-BZ")
    assert admin.post("/v1/claims", headers=as_key(admin, shenyang), json=claim).status_code == 403


def test_keys_are_shown_once_stored_as_hashes_and_revocable(admin: TestClient, settings: Settings) -> None:
    created = new_key(admin, "service")
    key, key_id = created["key"], created["key_id"]
    assert key.startswith(f"lk_{key_id}_")
    listed = admin.get("/v1/keys").json()
    assert {k["key_id"] for k in listed} == {"bootstrap", key_id}
    assert all("key" not in k for k in listed), "the list never shows a key"
    engine = create_engine(sqlalchemy_url(settings.database_url))
    try:
        with engine.connect() as connection:
            stored = " ".join(str(v) for row in connection.execute(text("SELECT * FROM api_key")) for v in row)
        assert key.split("_", 2)[2] not in stored, "only the hash of the secret is stored"
        assert [k.key_id for k in list_keys(engine)] == ["bootstrap", key_id]
    finally:
        engine.dispose()
    assert admin.get("/v1/rules", headers=as_key(admin, key)).status_code == 200
    assert admin.delete(f"/v1/keys/{key_id}").json()["revoked_at"] is not None
    assert admin.get("/v1/rules", headers=as_key(admin, key)).status_code == 401
    assert admin.delete("/v1/keys/nosuchkey").status_code == 404
    bad = admin.post("/v1/keys", json={"role": "service", "regions": ["shenyang"]})
    assert bad.status_code == 422 and "only integration keys" in bad.json()["detail"]
    assert admin.post("/v1/keys", json={"role": "root"}).status_code == 422


def test_only_the_first_start_creates_an_admin_key(settings: Settings) -> None:
    first = create_app(settings)
    assert first.state.bootstrap_admin_key is not None
    assert create_app(settings).state.bootstrap_admin_key is None, "a second start creates nothing"


def test_every_write_is_in_the_audit_trail(admin: TestClient) -> None:
    integration = new_key(admin, "integration")
    auditor = new_key(admin, "auditor")
    batch = [registration("M-A", "shenyang"), make_event("ContributionPaid", member_id="M-A")]
    admin.post("/v1/events", headers=as_key(admin, integration["key"]), json=batch).raise_for_status()
    invalid = [dict(batch[0], occurred_on="soon")]
    assert admin.post("/v1/events", headers=as_key(admin, integration["key"]), json=invalid).status_code == 422
    assert admin.post("/v1/events", headers=as_key(admin, auditor["key"]), json=batch).status_code == 403

    trail = admin.get("/v1/audit/writes", headers=as_key(admin, auditor["key"])).json()
    by_outcome = {row["outcome"]: row for row in trail}
    stored = by_outcome["ok" if "ok" in by_outcome else ""]
    assert stored["action"] == "POST /v1/events"
    assert stored["key_id"] == integration["key_id"] and stored["role"] == "integration"
    assert stored["client"].startswith("testclient")
    assert stored["subjects"]["event_ids"] == [e["event_id"] for e in batch]
    assert stored["subjects"]["stored"] == 2 and len(stored["body_sha256"]) == 64
    assert by_outcome["refused: invalid_events"]["key_id"] == integration["key_id"]
    assert by_outcome["forbidden: role auditor"]["key_id"] == auditor["key_id"]
    replay = admin.post("/v1/replays", headers=as_key(admin, auditor["key"]), json={"edition": "shenyang-resident"})
    assert replay.status_code == 202
    trail = admin.get("/v1/audit/writes", headers=as_key(admin, auditor["key"])).json()
    started = [row for row in trail if row["action"] == "POST /v1/replays"]
    assert [(r["key_id"], r["subjects"]["job_id"]) for r in started] == [(auditor["key_id"], replay.json()["job_id"])]
    key_creations = [row for row in trail if row["action"] == "POST /v1/keys"]
    assert [row["subjects"]["key_id"] for row in key_creations] == [integration["key_id"], auditor["key_id"]]
    assert all(row["key_id"] == "bootstrap" for row in key_creations)
    page = admin.get("/v1/audit/writes", params={"after": trail[0]["audit_id"], "limit": 1}).json()
    assert [row["audit_id"] for row in page] == [trail[1]["audit_id"]]


def test_identity_numbers_are_pseudonymised_before_storage_and_found_by_number(
    admin: TestClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stored_as = pseudonym(IDENTITY_NUMBER, TEST_PSEUDONYM_KEY.encode())
    events = [registration(IDENTITY_NUMBER, "shenyang"), make_event("ContributionPaid", member_id=IDENTITY_NUMBER)]
    admin.post("/v1/events", json=events).raise_for_status()

    history = admin.get(f"/v1/members/{IDENTITY_NUMBER}/events")
    assert history.status_code == 200
    assert history.json()["member_id"] == stored_as
    lower_x = admin.get(f"/v1/members/{IDENTITY_NUMBER.lower()}/status", params={"as_of": "2025-06-01"})
    assert lower_x.status_code == 200 and lower_x.json()["member_id"] == stored_as
    assert admin.get(f"/v1/members/{stored_as}/events").json()["total"] == 2

    # An invalid check character is not an identity number: it is an ordinary (unknown) member id.
    assert admin.get(f"/v1/members/{IDENTITY_NUMBER[:17]}1/events").status_code == 404

    # A later error names the pseudonym, not the number.
    conflicting = [dict(events[0], occurred_on="2024-12-02")]
    conflict = admin.post("/v1/events", json=conflicting)
    assert conflict.status_code == 409 and IDENTITY_NUMBER not in conflict.text

    engine = create_engine(sqlalchemy_url(settings.database_url))
    try:
        with engine.connect() as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type='table'"
                        if engine.dialect.name == "sqlite"
                        else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
                    )
                )
            ]
            for table in tables:
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    flat = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row)
                    assert IDENTITY_NUMBER not in flat, f"the number is stored in {table}"
    finally:
        engine.dispose()
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]  # httpx: the client's
    assert not [line for line in server_side if IDENTITY_NUMBER in line.upper()]


def test_identity_numbers_in_other_member_fields_are_pseudonymised_too() -> None:
    from domain.identity import pseudonymise_payload

    key = TEST_PSEUDONYM_KEY.encode()
    other = identity_number(7)
    raw = {"member_id": "M-1", "data": {"relative_member_id": other, "note": other, "nested": [{"member_id": other}]}}
    done = pseudonymise_payload(raw, key)
    assert done["data"]["relative_member_id"] == pseudonym(other, key)
    assert done["data"]["nested"][0]["member_id"] == pseudonym(other, key)
    assert done["data"]["note"] == other, "only member-id fields are member ids"
    assert raw["data"]["relative_member_id"] == other, "the input is not changed"


@pytest.fixture
def embedded(tmp_path: Any) -> Iterator[Settings]:
    yield Settings(database_url=f"sqlite:///{tmp_path / 'ledger.db'}")


def test_the_embedded_default_creates_its_pseudonym_key_beside_the_database(embedded: Settings, tmp_path: Any) -> None:
    first = create_app(embedded)
    key_file = tmp_path / "ledger.db.pseudonym-key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app(embedded).state.pseudonym_key == first.state.pseudonym_key, "stable across starts"


def test_postgresql_without_a_pseudonym_key_refuses_to_start(postgres_url: str) -> None:
    from api.identity import PseudonymKeyMissing

    with pytest.raises(PseudonymKeyMissing, match="LEDGER_PSEUDONYM_KEY"):
        create_app(Settings(database_url=postgres_url))


def without_request_id(problem: dict[str, Any]) -> dict[str, Any]:
    """A problem body without the id of the request that produced it (every answer has its own)."""
    return {key: value for key, value in problem.items() if key != "request_id"}
