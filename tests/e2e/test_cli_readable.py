"""The ``ledger`` command as people read it at 80 columns: no Python reprs, settlements in the history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

runner = CliRunner()


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, "COLUMNS": "80"}


def decided_claim(client: TestClient) -> dict[str, object]:
    """A Bazhong resident paid for 2025; 张三's inpatient claim decided by POST /v1/claims (002 ch.1 四十三)."""
    events = [make_event("MemberRegistered"), make_event("ContributionPaid") | {"occurred_on": "2024-11-01"}]
    assert client.post("/v1/events", json=events).status_code == 200
    decided = client.post("/v1/claims", json=make_event("ClaimSubmitted"))
    assert decided.status_code == 201, decided.text
    return decided.json()


def test_status_is_tables_without_python_reprs(client: TestClient, env: dict[str, str]) -> None:
    decided_claim(client)
    shown = runner.invoke(app, ["status", "M-0001", "--as-of", "2025-06-01"], env=env)
    assert shown.exit_code == 0, shown.output
    for repr_word in ("True", "False", "None", "{'", '{"'):
        assert repr_word not in shown.output, f"{repr_word!r} is a Python or JSON repr, not for people"
    assert "benefits active │ yes" in shown.output
    assert "106310.00 left of 110000.00 (3690.00 used)" in shown.output  # 110000.00 − 3690.00
    assert "1 consecutive year(s), 0 gap year(s)" in shown.output
    assert max(len(line) for line in shown.output.splitlines() if "│" in line) <= 80, "tables fit 80 columns"


def test_history_shows_every_field_and_the_recorded_settlement_at_80_columns(
    client: TestClient, env: dict[str, str]
) -> None:
    decided = decided_claim(client)
    shown = runner.invoke(app, ["history", "M-0001"], env=env)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    for field in ("total_amount: 4500.00", "policy_amount: 4200.00", "coverage_end: 2025-12-31", "claim_id: C-1"):
        assert field in text, f"{field} shown whole, not squeezed"
    flat = " ".join(part.strip("│ ") for part in lines)
    assert f"funds pay {decided['fund_total']}" in flat and f"member pays {decided['member_pays']}" in flat
    assert "settled" in flat


def test_date_errors_say_the_expected_format(env: dict[str, str]) -> None:
    for args in (["status", "M-1", "--as-of", "01/06/2025"], ["history", "M-1", "--from", "2025-13-01"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2
        assert "expected YYYY-MM-DD" in result.output
    moment = runner.invoke(app, ["status", "M-1", "--as-of", "2025-06-01", "--known-at", "yesterday"], env=env)
    assert moment.exit_code == 2 and "expected ISO 8601 with a zone" in moment.output


def test_synth_help_reads_as_one_command() -> None:
    result = runner.invoke(app, ["synth", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "synth [OPTIONS]" in " ".join(result.output.split())
    assert "COMMAND [ARGS]" not in result.output


def test_an_event_id_conflict_in_an_import_names_the_line(tmp_path: Path, env: dict[str, str]) -> None:
    first = make_event("MemberRegistered")
    file = tmp_path / "a.jsonl"
    file.write_text(json.dumps(first) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(file)], env=env).exit_code == 0
    changed = dict(first, data={**first["data"], "birth_date": "1980-05-07"})
    other = tmp_path / "b.jsonl"
    other.write_text(json.dumps(make_event("ContributionPaid")) + "\n" + json.dumps(changed) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(other)], env=env)
    assert result.exit_code == 1
    assert f"line 2 (event_id {first['event_id']}): event_id:" in result.output
    assert "event #" not in result.output
