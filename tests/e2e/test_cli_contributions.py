"""``ledger status`` shows the contributions table (缴费核对) with the figures of the status document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event

runner = CliRunner()
MEMBER = "M-CON"
KNOWN_AT = "2099-01-01T00:00:00Z"  # after the import, whenever the test runs


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, "COLUMNS": "100"}


def contribution_events() -> list[dict[str, Any]]:
    """A Shenyang employee on a 6,000 base (000 缴费比例及缴费基数 1: 8.6 % + 2 %): January paid in full
    (6000 × 8.6 % = 516 + 6000 × 2 % = 120 → 636), February–March 72 short (2 × 636 = 1272, paid 1200)."""

    def paid(label: str, start: str, end: str, amount: str, on: str) -> dict[str, Any]:
        event = make_event(
            "ContributionPaid",
            member_id=MEMBER,
            label=label,
            scheme="employee",
            region="shenyang",
            coverage_start=start,
            coverage_end=end,
            amount=amount,
        )
        return event | {"occurred_on": on}

    return [
        make_event("MemberRegistered", member_id=MEMBER, region="shenyang", birth_date="1985-03-01", sex="F"),
        make_event("ContributionBaseDeclared", member_id=MEMBER),
        paid("january", "2025-01-01", "2025-01-31", "636.00", "2025-02-10"),
        paid("february-march", "2025-02-01", "2025-03-31", "1200.00", "2025-03-10"),
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_status_prints_each_payment_against_its_standard(tmp_path: Path, env: dict[str, str]) -> None:
    file = tmp_path / "contributions.jsonl"
    file.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in contribution_events()), encoding="utf-8")
    imported = runner.invoke(app, ["import", str(file)], env=env)
    assert imported.exit_code == 0, imported.output
    arguments = ["status", MEMBER, "--as-of", "2025-06-30", "--known-at", KNOWN_AT]
    as_json = runner.invoke(app, [*arguments, "--json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    contributions = json.loads(as_json.stdout)["contributions"]
    assert [(c["period"], c["standard"], c["difference"], c["amount_status"]) for c in contributions] == [
        ("2025-01", "636.00", "0.00", "paid"),
        ("2025-02–2025-03", "1272.00", "-72.00", "underpaid"),
    ]
    shown = runner.invoke(app, arguments, env=env)
    assert shown.exit_code == 0, shown.output
    out = flat(shown.output)
    assert "contributions (缴费核对)" in out
    assert "│ 2025-01 │ employee │ 636.00 │ 636.00 │ 0.00 │ paid │" in out
    assert "│ 2025-02–2025-03 │ employee │ 1200.00 │ 1272.00 │ -72.00 │ underpaid │" in out
    # The arithmetic is printed with the explanation of each row.
    assert "contributions[1]: 1200.00 paid for 2025-02–2025-03" in out and "underpaid by 72.00" in out
