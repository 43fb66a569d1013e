"""The ``ledger`` command end to end (import, history, db upgrade) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import Settings, sqlalchemy_url
from projections.migrate import current_revision, head_revision
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

runner = CliRunner()

#: The file validated in this process (0) and by two worker processes, chunk by chunk.
WORKERS = pytest.mark.parametrize("workers", ["0", "2"])


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY}


def write_jsonl(path: Path, events: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


@WORKERS
def test_import_stores_once_and_rerun_stores_nothing_twice(workers: str, tmp_path: Path, env: dict[str, str]) -> None:
    events = [make_event("CoverageEnded", member_id=f"M-{n % 7}", label=f"imp-{n}") for n in range(25)]
    events[0] = events[0] | {"recorded_at": "2024-01-01T00:00:00Z"}
    file = write_jsonl(tmp_path / "events.jsonl", events)
    spills = set(Path(tempfile.gettempdir()).glob("ledger-import-*"))
    first = runner.invoke(app, ["import", str(file), "--batch-events", "10", "--workers", workers], env=env)
    assert first.exit_code == 0, first.output
    assert "25 stored, 0 duplicate" in first.output
    assert set(Path(tempfile.gettempdir()).glob("ledger-import-*")) == spills, "the spill is removed"
    again = runner.invoke(app, ["import", str(file), "--workers", workers], env=env)
    assert again.exit_code == 0, again.output
    assert "0 stored, 25 duplicate" in again.output
    shown = runner.invoke(app, ["history", "M-0", "--json"], env=env)
    assert shown.exit_code == 0
    assert len(json.loads(shown.stdout)["events"]) == 4


@WORKERS
def test_import_of_a_file_with_a_bad_line_stores_nothing_and_names_the_line(
    workers: str, tmp_path: Path, env: dict[str, str]
) -> None:
    bad = make_event("ContributionPaid", coverage_end="2024-12-31")
    file = write_jsonl(tmp_path / "events.jsonl", [make_event("MemberRegistered"), bad])
    with file.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = runner.invoke(app, ["import", str(file), "--workers", workers], env=env)
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert f"line 2 (event_id {bad['event_id']}): data.coverage_end" in result.output
    assert "line 3 is not JSON" in result.output
    assert "event #" not in result.output, "the line number only, never the event's index beside it"
    history = runner.invoke(app, ["history", "M-0001"], env=env)
    assert history.exit_code == 1 and "no events recorded" in history.output


@WORKERS
def test_import_validates_the_whole_file_before_storing_its_first_batch(
    workers: str, tmp_path: Path, env: dict[str, str]
) -> None:
    # Streamed in batches of 10: the bad event is in the third batch, yet the first two are not stored.
    events = [make_event("CoverageEnded", member_id=f"M-{n % 7}", label=f"late-{n}") for n in range(25)]
    events[22] = make_event("ContributionPaid", member_id="M-1", coverage_end="2024-12-31")
    file = write_jsonl(tmp_path / "events.jsonl", events)
    result = runner.invoke(app, ["import", str(file), "--batch-events", "10", "--workers", workers], env=env)
    assert result.exit_code == 1
    assert "1 problem(s); nothing was stored" in result.output
    assert f"line 23 (event_id {events[22]['event_id']}): data.coverage_end" in result.output
    history = runner.invoke(app, ["history", "M-0"], env=env)
    assert history.exit_code == 1 and "no events recorded" in history.output


@WORKERS
def test_import_refuses_a_region_move_between_batches_of_one_file(
    workers: str, tmp_path: Path, env: dict[str, str]
) -> None:
    # Streamed in batches of 10: M-X registers in Bazhong in the first batch and in Shenyang in the
    # second; the whole file is refused, naming the second registration, and nothing is stored.
    events = [make_event("CoverageEnded", member_id=f"M-{n % 7}", label=f"move-{n}") for n in range(25)]
    events[3] = make_event("MemberRegistered", member_id="M-X", label="move-bazhong")
    events[12] = make_event("MemberRegistered", member_id="M-X", label="move-shenyang", region="shenyang")
    file = write_jsonl(tmp_path / "events.jsonl", events)
    result = runner.invoke(app, ["import", str(file), "--batch-events", "10", "--workers", workers], env=env)
    assert result.exit_code == 1, result.output
    assert f"line 13 (event_id {events[12]['event_id']}): data.region" in result.output
    assert "registered in another region" in result.output
    history = runner.invoke(app, ["history", "M-X"], env=env)
    assert history.exit_code == 1 and "no events recorded" in history.output


def test_history_prints_a_table_in_effective_order(tmp_path: Path, env: dict[str, str]) -> None:
    file = write_jsonl(tmp_path / "e.jsonl", [make_event("ContributionPaid"), make_event("MemberRegistered")])
    runner.invoke(app, ["import", str(file)], env=env)
    result = runner.invoke(app, ["history", "M-0001", "--from", "2024-12-05"], env=env)
    assert result.exit_code == 0
    assert "ContributionPaid" in result.output and "MemberRegistered" not in result.output
    assert runner.invoke(app, ["history", "M-0001", "--from", "soon"], env=env).exit_code == 2


def test_history_marks_a_retracted_event_with_who_when_and_why(tmp_path: Path, env: dict[str, str]) -> None:
    paid = make_event("ContributionPaid")
    fix = make_event("EventRetracted", retracted_event_id=paid["event_id"], reason="paid for another member")
    file = write_jsonl(tmp_path / "e.jsonl", [make_event("MemberRegistered"), paid, fix | {"source": "desk-7"}])
    assert runner.invoke(app, ["import", str(file)], env=env).exit_code == 0
    shown = json.loads(runner.invoke(app, ["history", "M-0001", "--json"], env=env).stdout)["events"]
    marks = {e["event_id"]: e["retracted"] for e in shown}
    assert marks[paid["event_id"]]["retracted_by"] == fix["event_id"]
    assert marks[paid["event_id"]]["retracted_by_source"] == "desk-7"
    assert marks[fix["event_id"]] is None
    table = runner.invoke(app, ["history", "M-0001"], env=env | {"COLUMNS": "300"})
    assert table.exit_code == 0 and "paid for another member" in table.output and "desk-7" in table.output


def test_db_upgrade_brings_the_read_model_to_head(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert current_revision(sqlalchemy_url(env["LEDGER_DATABASE_URL"])) == head_revision()


def test_project_once_catches_the_read_model_up(tmp_path: Path, env: dict[str, str]) -> None:
    file = write_jsonl(tmp_path / "e.jsonl", [make_event("MemberRegistered"), make_event("ContributionPaid")])
    runner.invoke(app, ["import", str(file)], env=env)
    first = runner.invoke(app, ["project", "--once"], env=env)
    assert first.exit_code == 0, first.output
    assert "applied 5 notification(s), lag 0" in first.output  # stream opened, 2 events, 2 receipts
    again = runner.invoke(app, ["project", "--once"], env=env)
    assert "applied 0 notification(s), lag 0" in again.output
