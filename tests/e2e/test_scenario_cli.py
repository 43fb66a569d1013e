"""``ledger scenario`` runs in memory and ``ledger status`` reads the store: both use the same fold."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app
from tests.support.events import make_event

runner = CliRunner()


def scenario_file(tmp_path: Path) -> Path:
    events = [
        make_event("MemberRegistered"),
        make_event("ContributionPaid") | {"occurred_on": "2024-11-01"},
        make_event("ClaimSubmitted"),
    ]
    body = {"events": events, "queries": [{"member_id": "M-0001", "as_of": "2025-06-30"}, {"claim_id": "C-1"}]}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_scenario_prints_one_document_per_query(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", str(scenario_file(tmp_path))])
    assert result.exit_code == 0, result.output
    status, settlement = json.loads(result.stdout)
    assert status["benefits_active"] is True and status["caps"]["basic_pool"]["used"] == "3690.00"
    assert settlement["layers"]["basic_pool"] == "3690.00"  # 张三, 002 ch.1 四十三
    again = runner.invoke(app, ["scenario", str(scenario_file(tmp_path))])
    assert again.stdout == result.stdout, "byte-identical output for the same scenario"


def test_scenario_with_a_bad_event_names_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "events": [make_event("ContributionPaid", amount="1.234")],
                "queries": [{"member_id": "M-0001", "as_of": "2025-01-01"}],
            }
        )
    )
    result = runner.invoke(app, ["scenario", str(path)])
    assert result.exit_code == 1
    assert "data.amount" in result.output


def test_status_from_the_store_equals_the_scenario(tmp_path: Path, sqlite_url: str) -> None:
    env = {"LEDGER_DATABASE_URL": sqlite_url}
    source = scenario_file(tmp_path)
    events = json.loads(source.read_text())["events"]
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text("".join(json.dumps(e) + "\n" for e in events))
    assert runner.invoke(app, ["import", str(jsonl)], env=env).exit_code == 0
    stored = runner.invoke(
        app, ["status", "M-0001", "--as-of", "2025-06-30", "--known-at", "2030-01-01T00:00:00Z", "--json"], env=env
    )
    assert stored.exit_code == 0, stored.output
    in_memory = json.loads(runner.invoke(app, ["scenario", str(source)]).stdout)[0]
    from_store = json.loads(stored.stdout)
    for key in ("covered", "benefits_active", "benefits_start", "waiting", "continuity", "major_illness", "caps"):
        assert from_store[key] == in_memory[key], key
    human = runner.invoke(app, ["status", "M-0001", "--as-of", "2025-06-30"], env=env)
    assert human.exit_code == 0 and "benefits_start" in human.output
