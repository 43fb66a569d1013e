"""``ledger status`` without ``--json`` shows the employee blocks with the figures of the status document."""

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
MEMBER = "M-EMP"
KNOWN_AT = "2099-01-01T00:00:00Z"  # after the import, whenever the test runs


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    # Wide enough that rich keeps each table row on one line.
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, "COLUMNS": "250"}


def employee_events() -> list[dict[str, Any]]:
    """A Bazhong employee: two years paid ahead, military service deemed, a relative bound and helped, an aid
    to an unbound relative (refused), a birth."""
    paid = make_event(
        "ContributionPaid",
        member_id=MEMBER,
        scheme="employee",
        coverage_start="2024-01-01",
        coverage_end="2025-12-31",
        amount="7200.00",
    )
    return [
        make_event("MemberRegistered", member_id=MEMBER, birth_date="1985-03-01", sex="F"),
        make_event("ContributionBaseDeclared", member_id=MEMBER),
        paid | {"occurred_on": "2024-01-10"},
        make_event("RelativeBound", member_id=MEMBER),
        make_event("FamilyAidTransferred", member_id=MEMBER),
        make_event(
            "FamilyAidTransferred", member_id=MEMBER, label="unbound-aid", relative_member_id="M-0009", amount="50.00"
        ),
        make_event("ContributionYearsDeemed", member_id=MEMBER),
        make_event("MaternityOccurred", member_id=MEMBER),
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_status_prints_the_personal_account_years_and_maternity_of_the_status_document(
    tmp_path: Path, env: dict[str, str]
) -> None:
    file = tmp_path / "employee.jsonl"
    file.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in employee_events()), encoding="utf-8")
    imported = runner.invoke(app, ["import", str(file)], env=env)
    assert imported.exit_code == 0, imported.output
    as_json = runner.invoke(app, ["status", MEMBER, "--as-of", "2025-10-01", "--known-at", KNOWN_AT, "--json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    shown = runner.invoke(app, ["status", MEMBER, "--as-of", "2025-10-01", "--known-at", KNOWN_AT], env=env)
    assert shown.exit_code == 0, shown.output
    out = flat(shown.output)

    account = document["personal_account"]
    assert account["balance"] == "1000.00"  # ten months of 2 % × 6000 in 2025, less 200 of family aid
    assert f"personal account (个人账户) on 2025-10-01, as known at {account['known_at']}" in out
    assert f"│ balance │ {account['balance']} │" in out
    assert f"│ family mutual aid (家庭共济) │ {account['family_aid']} │" in out
    assert f"last 5 of {len(account['movements'])} movement(s)" in out
    for movement in account["movements"][-5:]:
        assert (
            f"│ {movement['date']} │ {movement['kind']} │ +{movement['amount']} │ {movement['balance_after']} │" in out
        )
    first = account["movements"][0]
    assert f"│ {first['date']} │ {first['kind']}" not in out  # only the last few are listed
    assert len(account["refused"]) == 1
    refusal = account["refused"][0]
    assert "1 refused movement(s): no money moved" in out
    assert f"│ {refusal['date']} │ family_aid │ {refusal['amount']} │ {refusal['reason']} │" in out
    assert "is not bound as a close relative on 2025-03-01" in refusal["reason"]

    years = document["contribution_years"]
    assert (years["total_years"], years["actual_years"], years["shortfall_months"]) == ("4.83", "4.83", 182)
    assert "contribution years (缴费年限) in bazhong" in out
    assert f"│ total │ {years['total_years']} year(s) ({years['total_months']} month(s)) │" in out
    assert f"│ actual (实际缴费) │ {years['actual_years']} year(s) ({years['actual_months']} month(s)) │" in out
    assert "│ deemed (视同缴费) │ military_service 36 month(s) │" in out
    assert (
        f"│ minimum │ {years['required_total_years']} year(s) in all, {years['required_actual_years']} actual │" in out
    )
    assert f"│ shortfall │ {years['shortfall_years']} year(s) ({years['shortfall_months']} month(s)) │" in out

    allowance = document["maternity"]["allowances"][0]
    assert (allowance["status"], allowance["days"], allowance["net"]) == ("qualified", 98, "29400.00")
    assert "maternity allowance (生育津贴)" in out
    assert (
        f"│ natural on 2025-08-10 │ qualified, 98 day(s) at {allowance['monthly_base']} a month: "
        f"{allowance['gross']} gross, 0.00 unemployment benefit deducted, {allowance['net']} net" in out
    )
    assert f"│ consecutive paid months │ {document['maternity']['consecutive_paid_months']} │" in out
    # Each figure keeps its explanation, with the parameters it read.
    assert "contribution_years: 4.83 year(s) in all" in out
    assert "maternity.allowances[0]: " in out and "maternity.allowance_days" in out
    assert "personal_account.movements[0]:" not in out and "personal_account.refused[0]:" in out


def test_status_of_a_resident_prints_no_employee_blocks(tmp_path: Path, env: dict[str, str]) -> None:
    file = tmp_path / "resident.jsonl"
    events = [make_event("MemberRegistered"), make_event("ContributionPaid")]
    file.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    assert runner.invoke(app, ["import", str(file)], env=env).exit_code == 0
    shown = runner.invoke(app, ["status", "M-0001", "--as-of", "2025-06-01"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "个人账户" not in shown.output and "缴费年限" not in shown.output and "生育津贴" not in shown.output
    assert "cap " in shown.output
