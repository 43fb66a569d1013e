"""``ledger project`` and ``ledger worker`` log JSON lines like ``ledger serve`` (docs/operations.md).

The commands run as real processes on a small SQLite store, so what is checked is what an operator's
log shipper reads: every line of stdout and stderr is one JSON object with the time (UTC), level,
logger and message, plus the fields of the line (position, lag, job_id …).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.observability import json_logs
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event
from workers.actors import logged_partition

REPOSITORY = Path(__file__).resolve().parents[2]
#: Longest one command may take here (start-up imports, migrations, a catch-up of a few events).
COMMAND_TIMEOUT_S = 300


def ledger(*arguments: str, database_url: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``ledger ARGUMENTS`` as its own process, with this worktree's code first on the path."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPOSITORY),
        "LEDGER_DATABASE_URL": database_url,
        "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
        "LEDGER_REDIS_URL": "",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-c", "from api.cli.main import main; main()", *arguments],
        env=env,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )


def json_lines(output: str) -> list[dict[str, Any]]:
    """Every non-empty line of ``output`` parsed as a JSON object with the common fields (fails on any other line)."""
    records = []
    for line in output.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)  # a plain-text line fails here
        assert isinstance(record, dict), line
        assert {"time", "level", "logger", "message"} <= set(record), line
        logged = datetime.strptime(record["time"], "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC)
        assert abs(datetime.now(UTC) - logged) < timedelta(minutes=10), f"time is UTC: {record['time']}"
        records.append(record)
    return records


@pytest.fixture
def store_with_events(tmp_path: Path, sqlite_url: str) -> str:
    """A SQLite store holding two members' registrations and payments (not yet projected)."""
    events = [
        make_event("MemberRegistered"),
        make_event("ContributionPaid"),
        make_event("MemberRegistered", member_id="M-0002"),
        make_event("ContributionPaid", member_id="M-0002"),
    ]
    file = tmp_path / "events.jsonl"
    file.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    imported = ledger("import", str(file), database_url=sqlite_url)
    assert imported.returncode == 0, imported.stderr
    return sqlite_url


def test_project_once_writes_only_json_lines_with_the_position_it_reached(store_with_events: str) -> None:
    first = ledger("project", "--once", database_url=store_with_events)
    assert first.returncode == 0, first.stderr
    records = json_lines(first.stdout) + json_lines(first.stderr)
    assert records, "the runner says what it did"
    summary = [r for r in records if r["logger"] == "ledger.projection" and "applied" in r]
    assert len(summary) == 1, records
    line = summary[0]
    # 2 member streams opened, 4 events, 4 receipts: 10 notifications (as `ledger project` counts them).
    assert (line["level"], line["applied"], line["lag"], line["position"]) == ("INFO", 10, 0, 10)
    assert line["projection"] == "entitlements" and line["message"].startswith("entitlements: applied 10")
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")], records

    again = ledger("project", "--once", database_url=store_with_events)
    assert again.returncode == 0, again.stderr
    repeat = [r for r in json_lines(again.stdout) + json_lines(again.stderr) if "applied" in r]
    assert [(r["applied"], r["lag"], r["position"]) for r in repeat] == [(0, 0, 10)], "nothing new, same position"


def test_project_with_text_logs_writes_the_plain_lines(store_with_events: str) -> None:
    plain = ledger("project", "--once", "--log-format", "text", database_url=store_with_events)
    assert plain.returncode == 0, plain.stderr
    assert "entitlements: applied 10 notification(s), lag 0, outbox: " in plain.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(plain.stdout.splitlines()[0])
    refused = ledger("project", "--once", "--log-format", "xml", database_url=store_with_events)
    assert refused.returncode == 2 and "--log-format" in refused.stderr


def test_worker_without_redis_says_so_in_a_json_line(sqlite_url: str) -> None:
    result = ledger("worker", database_url=sqlite_url)
    assert result.returncode == 2
    records = json_lines(result.stdout) + json_lines(result.stderr)
    refusal = [r for r in records if r["logger"] == "ledger.worker"]
    assert [r["level"] for r in refusal] == ["ERROR"] and "LEDGER_REDIS_URL is not set" in refusal[0]["message"]


def test_a_worker_partition_logs_its_job_id_partition_and_duration(capsys: pytest.CaptureFixture[str]) -> None:
    """The lines replay and audit partitions write in `ledger worker` (the actors run inside logged_partition)."""
    with json_logs():
        with logged_partition("replay", "job-7", 3):
            pass
        with pytest.raises(RuntimeError), logged_partition("audit", "job-8", 0):
            raise RuntimeError("the partition's own error: dramatiq logs it and retries")
    records = json_lines(capsys.readouterr().err)
    fields = [(r["level"], r["job_kind"], r["job_id"], r["partition"], r["message"].split(": ")[1]) for r in records]
    assert [f[:4] for f in fields] == [
        ("INFO", "replay", "job-7", 3),
        ("INFO", "replay", "job-7", 3),
        ("INFO", "audit", "job-8", 0),
        ("WARNING", "audit", "job-8", 0),
    ]
    assert [f[4].split(" ")[0] for f in fields] == ["started", "done", "started", "failed"]
    assert all(isinstance(r["duration_ms"], float) for r in records if "duration_ms" in r)
    assert len([r for r in records if "duration_ms" in r]) == 2
    assert logging.getLogger().handlers == [] or not any(
        getattr(h, "formatter", None).__class__.__name__ == "JsonFormatter" for h in logging.getLogger().handlers
    ), "the root logger is restored after the command"
