"""Employee payments are priced month by month at the rates in force on each month's first day, and the
check names the default reading of what the amount holds (rules-digest §8 style)."""

from __future__ import annotations

from typing import Any

from domain.scenario import run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import SCENARIOS, expand

# A what-if rise of the Shenyang employee rate to 3 % from March 2025 (the seed prints none: the test patches one).
EMPLOYEE_RATE_3_FROM_MARCH = {
    "patch": "employee-rate-3-from-2025-03",
    "base": "shenyang-employee",
    "description": "What if the employee rate rose to 3 % in March 2025?",
    "parameters": {
        "contribution.employee_rate": {
            "values": [
                {"from": "2025-03-01", "value": "0.03", "reference": {"document": "syyb-2024-28", "section": "what-if"}}
            ]
        }
    },
}


def _member(amount: str) -> dict[str, Any]:
    return {
        "events": [
            {
                "type": "MemberRegistered",
                "day": "2025-01-01",
                "data": {"region": "shenyang", "birth_date": "1985-03-01", "sex": "F"},
            },
            {
                "type": "ContributionBaseDeclared",
                "day": "2025-01-01",
                "data": {"kind": "contribution_base", "monthly_base": "6000", "valid_from": "2025-01-01"},
            },
            {
                "type": "ContributionPaid",
                "day": "2025-01-10",
                "data": {
                    "scheme": "employee",
                    "region": "shenyang",
                    "coverage_start": "2025-01-01",
                    "coverage_end": "2025-04-30",
                    "amount": amount,
                    "kind": "regular",
                },
            },
        ],
        "queries": [{"as_of": "2025-06-30", "expect": {}}],
    }


def test_each_month_is_priced_at_the_rates_of_its_own_first_day(rulebook: Rulebook) -> None:
    # Jan, Feb: 6000 × 8.6 % = 516 + 6000 × 2 % = 120 → 636; Mar, Apr: 516 + 6000 × 3 % = 180 → 696;
    # 2 × 636 + 2 × 696 = 2664.
    rise = rulebook.alternative_from_source(EMPLOYEE_RATE_3_FROM_MARCH, file_name="rise.yaml")
    scenario, _ = expand(SCENARIOS / "employee_contributions.yaml", _member("2664"))
    [status] = run_scenario(scenario, rulebook, override=rise)
    [check] = status["contributions"]
    assert (check["standard"], check["difference"], check["amount_status"]) == ("2664.00", "0.00", "paid")
    [why] = [e for e in status["explanations"] if e["field"] == "contributions[0]"]
    assert "2025-01–2025-02 (2 months): 6000.00 × (0.086 + 0.02) = 636.00 a month" in why["text"]
    assert "2025-03–2025-04 (2 months): 6000.00 × (0.086 + 0.03) = 696.00 a month" in why["text"]
    # Under the seed's own rates the same payment is 2664 − 4 × 636 = 120 over.
    scenario, _ = expand(SCENARIOS / "employee_contributions.yaml", _member("2664"))
    [plain] = run_scenario(scenario, rulebook)
    assert (plain["contributions"][0]["standard"], plain["contributions"][0]["difference"]) == ("2544.00", "120.00")


def test_the_check_names_what_the_amount_is_read_to_hold(rulebook: Rulebook) -> None:
    scenario, _ = expand(SCENARIOS / "employee_contributions.yaml", _member("2000"))
    [status] = run_scenario(scenario, rulebook)
    [why] = [e for e in status["explanations"] if e["field"] == "contributions[0]"]
    assert "readings.employee_contribution_components" in why["default_readings"]
    assert "readings.underpaid_contribution_coverage" in why["default_readings"]  # 2000 < 2544
    assert "underpaid by 544.00" in why["text"]


def test_what_cannot_be_priced_is_left_unchecked_and_says_why(rulebook: Rulebook) -> None:
    """No declared base for a month, or a Shenyang flexible worker (000 states no flexible rate)."""
    no_base = _member("2000")
    no_base["events"] = [e for e in no_base["events"] if e["type"] != "ContributionBaseDeclared"]
    scenario, _ = expand(SCENARIOS / "employee_contributions.yaml", no_base)
    [status] = run_scenario(scenario, rulebook)
    [why] = [e for e in status["explanations"] if e["field"] == "contributions[0]"]
    assert status["contributions"][0]["amount_status"] == "unchecked"
    assert "no contribution base declared for 2025-01–2025-04" in why["text"]

    flexible = _member("2000")
    flexible["events"].insert(
        1,
        {
            "type": "CategoryCertified",
            "day": "2025-01-01",
            "data": {"category": "flexible", "valid_from": "2025-01-01"},
        },
    )
    scenario, _ = expand(SCENARIOS / "employee_contributions.yaml", flexible)
    [status] = run_scenario(scenario, rulebook)
    [why] = [e for e in status["explanations"] if e["field"] == "contributions[0]"]
    assert status["contributions"][0]["standard"] is None
    assert "shenyang-employee states no flexible rate" in why["text"]
