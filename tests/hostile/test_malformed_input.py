"""Hostile input: malformed events and claims are refused with a 4xx naming the field, and nothing
of their batch is stored; oversized bodies and batches are refused before they are parsed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from domain.contract import BATCH_EVENTS_MAX
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import VALID_DATA, make_event

#: Values no field of the contract accepts: an object or a list where none is expected, a float where only
#: decimal strings and integers are, an empty or overlong string (every text field has 1 to 200 characters).
HOSTILE_VALUES = st.sampled_from([{"$ne": None}, [1, 2], 1e308, "", "x" * 5000])
ENVELOPE_FIELDS = ("event_id", "member_id", "type", "occurred_on")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("hostile") / "ledger.db"
    settings = Settings(
        database_url=f"sqlite:///{database}", pseudonym_key=TEST_PSEUDONYM_KEY, request_body_bytes_max=2**20
    )
    app = create_app(settings)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as test_client:
        yield test_client


def stored_notifications(client: TestClient) -> int:
    return int(client.get("/healthz").json()["max_notification_id"])


@st.composite
def malformed(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid event of a random type with one field broken; returns it and the broken field's path."""
    event_type = draw(st.sampled_from(sorted(VALID_DATA)))
    serial = draw(st.integers(min_value=0, max_value=10**9))
    event = make_event(event_type, member_id=f"H-{serial}", label=f"hostile-{serial}")
    data_fields = sorted(event["data"])
    where = draw(st.sampled_from([*(f"data.{name}" for name in data_fields), *ENVELOPE_FIELDS, "extra"]))
    how = draw(st.sampled_from(["replace", "remove"]))
    if where == "extra":
        event["data"]["smuggled"] = draw(HOSTILE_VALUES)
        return event, "data.smuggled"
    container, name = (event["data"], where[5:]) if where.startswith("data.") else (event, where)
    if how == "remove" and (name in ENVELOPE_FIELDS or _required(event_type, name)):
        del container[name]
    else:
        container[name] = draw(HOSTILE_VALUES)
    return event, where


def _required(event_type: str, name: str) -> bool:
    import domain.contract

    data_model = getattr(domain.contract, event_type).model_fields["data"].annotation
    return bool(data_model.model_fields[name].is_required())  # type: ignore[union-attr]


@given(malformed(), st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_a_malformed_event_is_refused_naming_its_field_and_its_batch_is_not_stored(
    client: TestClient, broken: tuple[dict[str, Any], str], alone: bool
) -> None:
    event, field = broken
    companion = make_event("MemberRegistered", member_id="H-companion", label=f"companion-{event.get('event_id')}")
    batch = [event] if alone else [companion, event]
    before = stored_notifications(client)
    response = client.post("/v1/events", content=json.dumps(batch, allow_nan=True))
    assert 400 <= response.status_code < 500, (field, event, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    problems = response.json().get("errors", [])
    assert any(p["field"] == field or p["field"].startswith(field + ".") for p in problems), (field, problems)
    assert stored_notifications(client) == before, "nothing of the batch is stored"


@given(malformed())
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_a_malformed_claim_is_refused_naming_its_field(client: TestClient, broken: tuple[dict[str, Any], str]) -> None:
    event, field = broken
    if event.get("type") != "ClaimSubmitted" and field != "type":
        event["type"] = "ClaimSubmitted"  # a claim whose data is another event's: many fields are wrong
        field = "data"
    before = stored_notifications(client)
    response = client.post("/v1/claims", content=json.dumps(event, allow_nan=True))
    assert 400 <= response.status_code < 500, response.text
    problems = response.json().get("errors", [])
    assert any(p["field"].startswith(field) for p in problems), (field, problems)
    assert stored_notifications(client) == before


def test_bodies_and_batches_too_large_are_refused_before_parsing(client: TestClient, tmp_path: Path) -> None:
    limit = 2**20
    before = stored_notifications(client)
    declared = client.post("/v1/events", content=b"[" + b" " * limit + b"]")
    assert declared.status_code == 413 and "at most 1048576" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while streaming
        yield b"["
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    streamed = client.post("/v1/events", content=chunks())
    assert streamed.status_code == 413
    too_many = [make_event("MemberRegistered", member_id=f"B-{i}", label=f"b-{i}") for i in range(BATCH_EVENTS_MAX + 1)]
    big = TestClient(client.app, headers=dict(client.headers))
    big.app.state.settings.request_body_bytes_max = 64 * 2**20
    try:
        refused = big.post("/v1/events", json=too_many)
    finally:
        big.app.state.settings.request_body_bytes_max = limit
    assert refused.status_code == 422 and str(BATCH_EVENTS_MAX) in refused.json()["detail"]
    for hostile in (b"{", b"\xff\xfe", b"[[[[[[[[[[" * 1000, b'"just a string"', b"null", b"[]"):
        response = client.post("/v1/events", content=hostile)
        assert 400 <= response.status_code < 500, hostile[:20]
    assert stored_notifications(client) == before


SECTION = '"002 ch.3 十一问 (what-if)"'
#: Breakages of a user's what-if patch, and what the refusal must name.
PATCH_BREAKAGES = {
    "unknown parameter": (("inpatient.ratio:", "inpatient.ratioo:"), "inpatient.ratioo"),
    "ratio above 1": (('community: {adult: "0.95"', 'community: {adult: "1.95"'), "inpatient.ratio"),
    "no reference": (
        ('reference: {document: bz-handbook-2025, section: "002 ch.3 十一问 (what-if)"}', ""),
        "inpatient.ratio",
    ),
    "unknown document": (("document: bz-handbook-2025", "document: no-such-handbook"), "no-such-handbook"),
    "not a date": (("from: 2025-01-01", "from: someday"), "inpatient.ratio"),
    "unknown base": (("base: bazhong-resident", "base: atlantis-resident"), "atlantis-resident"),
    "not YAML": (("parameters:", "parameters: [\n"), "YAML"),
    "money as a float": (('"0.95", student_or_minor', "0.95, student_or_minor"), "inpatient.ratio"),
}


@pytest.mark.parametrize("breakage", sorted(PATCH_BREAKAGES))
def test_user_rule_patches_are_validated_like_rule_sets(breakage: str, tmp_path: Path) -> None:
    """A what-if patch from a user (``ledger replay|status|audit --edition FILE``) is refused like a broken rule set:
    a rule-set error naming the file and what is wrong, never another exception."""
    from typer.testing import CliRunner

    from api.cli.main import app as cli
    from domain.errors import LedgerError
    from projections.rulebook import load_rulebook
    from tests.support.editions import COMMUNITY_95_PATCH

    (old, new), named = PATCH_BREAKAGES[breakage]
    assert old in COMMUNITY_95_PATCH, breakage
    text = COMMUNITY_95_PATCH.replace(old, new)
    with pytest.raises(LedgerError) as refused:
        load_rulebook().alternative_from_text(text, file_name="what-if.yaml")
    assert named in str(refused.value) and "what-if.yaml" in str(refused.value), str(refused.value)

    patch = tmp_path / "what-if.yaml"
    patch.write_text(text)
    database = f"sqlite:///{tmp_path / 'ledger.db'}"
    result = CliRunner().invoke(
        cli,
        ["replay", "--edition", str(patch)],
        env={"LEDGER_DATABASE_URL": database, "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY},
    )
    assert result.exit_code != 0 and named in result.output, result.output
