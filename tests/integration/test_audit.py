"""Audits over the store: a patched edition against the rulebook and against recorded decisions."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.app import open_ledger
from api.cli.main import app
from api.settings import Settings, sqlalchemy_url
from domain.audit import RECORDED
from domain.contract import parse_batch
from projections.audit import (
    AuditError,
    audit_job_results,
    audit_members,
    audit_progress,
    create_audit_job,
    member_ids,
    run_audit_partition,
    summarise,
)
from projections.claims import submit_claim
from projections.migrate import upgrade_to_head
from projections.replay import edition_source
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.editions import COMMUNITY_95_PATCH
from tests.support.events import make_event
from tests.support.servers import redis_server

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


def test_an_audit_shows_what_a_correction_changed(
    ledger: LedgerApplication, settings: Settings, tmp_path: Path
) -> None:
    """A-1's payment was posted by mistake: against its recorded decision and against the ledger as known before
    the correction, the claim no longer pays and the coverage is gone."""
    payment = make_event("ContributionPaid", member_id="A-1")
    fix = make_event("EventRetracted", member_id="A-1", retracted_event_id=payment["event_id"], reason="not A-1's")
    corrected_at = datetime(2026, 6, 2, tzinfo=UTC)
    ledger.record_events(parse_batch([fix]), now=corrected_at)
    rulebook = load_rulebook()
    arguments = {"members": ["A-1", "A-2"], "as_of": date(2026, 6, 1), "known_at": corrected_at}
    _, recorded = summarise(audit_members(ledger, rulebook, edition_a=None, against=RECORDED, **arguments))
    # The recorded 3,690.00 (002 ch.1 四十三) against 0 now: the claim is rejected on the corrected facts.
    assert [(d.member_id, d.claim_id, d.field, d.value_a, d.value_b) for d in recorded] == [
        ("A-1", "C-1", "basic_pool", 0, 369_000)
    ]
    before = "known-at:2026-06-01T12:00:00Z"
    _, changed = summarise(audit_members(ledger, rulebook, edition_a=None, against=before, **arguments))
    assert {(d.member_id, d.kind, d.field, d.value_a, d.value_b) for d in changed} >= {
        ("A-1", "entitlement", "benefits_start", None, "2025-01-01"),
        ("A-1", "payment", "basic_pool", 0, 369_000),
    }
    assert {d.member_id for d in changed} == {"A-1"}
    out_csv = tmp_path / "changed.csv"
    result = CliRunner().invoke(
        app,
        ["audit", "--against", before, "--as-of", "2026-06-01", "--csv", str(out_csv), "--in-process"],
        env={"LEDGER_DATABASE_URL": settings.database_url},
    )
    assert result.exit_code == 0, result.output
    assert "1 of 2 members differ" in result.output
    bad = CliRunner().invoke(app, ["audit", "--against", "known-at:2026-06-01T12:00:00", "--in-process"])
    assert bad.exit_code == 2 and "zone" in bad.output


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
    assert "patch.yaml" in " ".join(result.output.split()), "the header names the patch file it audits"
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


#: Longest the test waits for a `ledger worker` process to start or stop (s).
WORKER_PROCESS_WAIT_S = 60


def more_members(ledger: LedgerApplication, count: int) -> None:
    """Members B-0 … with a payment and an unsettled claim (so a patched edition changes every one)."""
    for number in range(count):
        member = f"B-{number}"
        payment = make_event("ContributionPaid", member_id=member) | {"occurred_on": "2024-11-01"}
        claim = make_event("ClaimSubmitted", member_id=member)
        ledger.record_events(parse_batch([make_event("MemberRegistered", member_id=member), payment, claim]), now=NOW)


def test_audit_partitions_merge_to_the_in_process_results(
    ledger: LedgerApplication, settings: Settings, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    more_members(ledger, 7)
    rulebook = load_rulebook()
    patch_file = tmp_path / "patch.yaml"
    patch_file.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    patched = rulebook.load_alternative(patch_file)
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    engine = create_engine(url)
    try:
        job = create_audit_job(
            engine,
            ledger,
            side_a_source=edition_source(patched, file=patch_file),
            side_b_source="rulebook",
            partitions=3,
            as_of=date(2026, 6, 1),
            known_at=NOW,
        )
        assert not audit_progress(engine, job).done
        with pytest.raises(AuditError, match="partition 0 is pending"):
            list(audit_job_results(engine, job))
        for partition in (2, 0, 1, 0):  # any order; partition 0 delivered twice
            run_audit_partition(engine, ledger, rulebook, job_id=job, partition=partition)
        progress = audit_progress(engine, job)
        assert progress.done and progress.members_done == progress.members_total == 9
        merged = list(audit_job_results(engine, job))
    finally:
        engine.dispose()
    direct = list(
        audit_members(
            ledger,
            rulebook,
            edition_a=patched,
            against=None,
            members=member_ids(ledger),
            as_of=date(2026, 6, 1),
            known_at=NOW,
        )
    )
    assert merged == direct
    assert len(direct) == 9 and all(differences for _member, differences in direct)


def audit_files(settings: Settings, tmp_path: Path, name: str, *options: str, redis_url: str = "") -> tuple[str, str]:
    """Run ``ledger audit`` of the 95 % patch against the rulebook; return its CSV and JSON text."""
    patch_file = tmp_path / "patch.yaml"
    patch_file.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    out_csv, out_json = tmp_path / f"{name}.csv", tmp_path / f"{name}.json"
    arguments = ["audit", "--edition", str(patch_file), "--against", "rulebook", "--as-of", "2026-06-01"]
    result = CliRunner().invoke(
        app,
        [*arguments, "--csv", str(out_csv), "--json", str(out_json), *options],
        env={"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_REDIS_URL": redis_url},
    )
    assert result.exit_code == 0, result.output
    assert "9 of 9 members differ" in result.output
    return out_csv.read_text(encoding="utf-8"), out_json.read_text(encoding="utf-8")


def test_ledger_audit_through_in_process_workers_writes_what_one_process_writes(
    ledger: LedgerApplication, settings: Settings, tmp_path: Path
) -> None:
    more_members(ledger, 7)
    alone = audit_files(settings, tmp_path, "alone", "--in-process")
    assert alone == audit_files(settings, tmp_path, "workers", "--workers", "3")
    assert alone[0].count("\n") == 10 and json.loads(alone[1])["totals"][0]["claims"] == 9


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_ledger_audit_through_redis_and_a_ledger_worker_process(
    ledger: LedgerApplication, settings: Settings, tmp_path: Path
) -> None:
    more_members(ledger, 7)
    alone = audit_files(settings, tmp_path, "alone", "--in-process")
    executable = Path(sys.executable).parent / "ledger"
    with redis_server() as redis_url:
        environment = os.environ | {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_REDIS_URL": redis_url}
        worker = subprocess.Popen(
            [str(executable), "worker", "--threads", "2"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            # No worker runs in this process with Redis: the `ledger worker` process does the partitions.
            through_redis = audit_files(settings, tmp_path, "redis", "--workers", "3", redis_url=redis_url)
        finally:
            worker.terminate()
            _, stderr = worker.communicate(timeout=WORKER_PROCESS_WAIT_S)
            from workers.broker import install_broker

            install_broker(None)
    assert through_redis == alone, stderr.decode(errors="replace")
    # The worker logs JSON lines (docs/operations.md): every line parses, each partition starts and ends.
    records = [json.loads(line) for line in stderr.decode().splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    partitions = [r for r in records if r["logger"] == "ledger.worker" and r.get("job_kind") == "audit"]
    started = {(r["job_id"], r["partition"]) for r in partitions if r["message"].endswith("started")}
    done = {(r["job_id"], r["partition"]) for r in partitions if ": done in " in r["message"]}
    assert started and started == done and len({job for job, _ in done}) == 1, partitions
