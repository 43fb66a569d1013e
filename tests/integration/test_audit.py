"""Audits over the store: a patched edition against the rulebook and against recorded decisions."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.app import open_ledger
from api.cli.main import app
from api.settings import Settings
from domain.audit import RECORDED
from domain.contract import parse_batch
from projections.audit import audit_members, member_ids, summarise
from projections.claims import submit_claim
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.editions import COMMUNITY_95_PATCH
from tests.support.events import make_event

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    application = open_ledger(settings)
    for member in ("A-1", "A-2"):
        payment = make_event("ContributionPaid", member_id=member) | {"occurred_on": "2024-11-01"}

        application.record_events(parse_batch([make_event("MemberRegistered", member_id=member), payment]), now=NOW)
        submit_claim(
            application,
            load_rulebook(),
            make_event("ClaimSubmitted", member_id=member),
            now=NOW,
            today=date(2026, 6, 1),
        )
    yield application
    application.close()


def test_members_are_listed_from_the_notification_log(ledger: LedgerApplication) -> None:
    assert list(member_ids(ledger)) == ["A-1", "A-2"]


def test_a_patched_edition_changes_exactly_the_patched_figures(ledger: LedgerApplication, tmp_path: Path) -> None:
    rulebook = load_rulebook()
    patch_file = tmp_path / "patch.yaml"
    patch_file.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    patched = rulebook.load_alternative(patch_file)
    results = audit_members(
        ledger,
        rulebook,
        edition_a=patched,
        against=None,
        members=member_ids(ledger),
        as_of=date(2026, 6, 1),
        known_at=NOW,
    )
    totals, differences = summarise(results)
    # 张三 (002 ch.1 四十三): (4200 − 100) × 95 % = 3895 instead of 3690: +205.00 each
    assert [(d.member_id, d.claim_id, d.field, d.value_a, d.value_b) for d in differences] == [
        ("A-1", "C-1", "basic_pool", 389_500, 369_000),
        ("A-2", "C-1", "basic_pool", 389_500, 369_000),
    ]
    assert totals.rows() == [
        {"region": "bazhong", "scheme": "resident", "layer": "basic_pool", "year": 2025, "claims": 2, "delta": "410.00"}
    ]
    assert differences[0].explanation_a and differences[0].explanation_b


def test_the_rulebook_against_recorded_decisions_finds_nothing(ledger: LedgerApplication) -> None:
    rulebook = load_rulebook()
    totals, differences = summarise(
        audit_members(
            ledger,
            rulebook,
            edition_a=None,
            against=RECORDED,
            members=member_ids(ledger),
            as_of=date(2026, 6, 1),
            known_at=NOW,
        )
    )
    assert differences == [] and totals.members_compared == 2


def test_ledger_audit_writes_csv_and_json(ledger: LedgerApplication, settings: Settings, tmp_path: Path) -> None:
    patch_file = tmp_path / "patch.yaml"
    patch_file.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    out_csv, out_json = tmp_path / "audit.csv", tmp_path / "audit.json"
    result = CliRunner().invoke(
        app,
        [
            "audit",
            "--edition",
            str(patch_file),
            "--against",
            "recorded",
            "--as-of",
            "2026-06-01",
            "--csv",
            str(out_csv),
            "--json",
            str(out_json),
        ],
        env={"LEDGER_DATABASE_URL": settings.database_url},
    )
    assert result.exit_code == 0, result.output
    assert "2 of 2 members differ" in result.output
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert [(r["member_id"], r["field"], r["value_a"], r["value_b"], r["delta"]) for r in rows] == [
        ("A-1", "basic_pool", "3895.00", "3690.00", "205.00"),
        ("A-2", "basic_pool", "3895.00", "3690.00", "205.00"),
    ]
    document = json.loads(out_json.read_text(encoding="utf-8"))
    assert document["side_a"] == "bazhong-resident" and document["side_b"] == "recorded"
    assert document["totals"][0]["delta"] == "410.00"


def test_entitlement_differences_carry_both_explanations(ledger: LedgerApplication, tmp_path: Path) -> None:
    """A what-if gap penalty of 5,000 instead of 4,000 changes the 2027 cap of a member with 2025–2026 gaps."""
    patch = tmp_path / "penalty.yaml"
    patch.write_text(
        """
patch: penalty-5000
base: bazhong-resident
parameters:
  readings.gap_penalty_per_year:
    values:
      - from: 2025-01-01
        value: "5000"
        reference: {document: bz-handbook-2025, section: "002 ch.3 十问 (一) (what-if)"}
""",
        encoding="utf-8",
    )
    late = make_event("ContributionPaid", member_id="G-1", label="g-2027") | {"occurred_on": "2026-11-01"}
    late["data"] |= {"coverage_start": "2027-01-01", "coverage_end": "2027-12-31"}
    ledger.record_events(parse_batch([make_event("MemberRegistered", member_id="G-1"), late]), now=NOW)
    rulebook = load_rulebook()
    _, differences = summarise(
        audit_members(
            ledger,
            rulebook,
            edition_a=rulebook.load_alternative(patch),
            against=None,
            members=["G-1"],
            as_of=date(2027, 6, 1),
            known_at=NOW,
        )
    )
    by_field = {d.field: d for d in differences}
    assert (
        by_field["major_illness.gap_penalty"].value_a == 1_000_000
        and by_field["major_illness.gap_penalty"].value_b == 800_000
    )
    assert by_field["major_illness.cap"].value_a == 29_000_000 and by_field["major_illness.cap"].value_b == 29_200_000
    assert "gap year" in by_field["major_illness.cap"].explanation_a[0]["text"]
