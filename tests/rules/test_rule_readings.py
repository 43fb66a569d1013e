"""Decisions that rest on a default reading (rules-digest §8) name it in their explanation."""

from __future__ import annotations

from typing import Any

import yaml

from domain.scenario import run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import SCENARIOS, expand

CROSS_YEAR_FILE = SCENARIOS / "cross_year_stays.yaml"


def _answers(number: int, rulebook: Rulebook) -> list[Any]:
    raw = yaml.safe_load(CROSS_YEAR_FILE.read_text(encoding="utf-8"))[number]
    scenario, _ = expand(CROSS_YEAR_FILE, raw)
    return run_scenario(scenario, rulebook)


def _explanations_naming(document: dict[str, Any], parameter: str) -> list[dict[str, Any]]:
    return [e for e in document["explanations"] if any(p["name"] == parameter for p in e["parameters"])]


def test_cross_year_stay_names_its_reading(rulebook: Rulebook) -> None:
    """rules-digest §8 cross_year_stay_year: a stay across New Year says which year it counts in, and why."""
    within, across, _ = _answers(0, rulebook)  # XY-1 (2025 only), XY-2 (2025-12-28 .. 2026-01-05), XY-3
    named = _explanations_naming(across, "readings.cross_year_stay_year")
    assert len(named) == 1
    assert named[0]["field"] == "year"
    assert "readings.cross_year_stay_year" in named[0]["default_readings"]
    assert "counted in 2026" in named[0]["text"] and "admission day" in named[0]["text"]
    assert _explanations_naming(within, "readings.cross_year_stay_year") == []


def test_each_resident_rule_set_names_the_cross_year_reading(rulebook: Rulebook) -> None:
    for name in ("shenyang-employee", "shenyang-resident", "bazhong-employee", "bazhong-resident"):
        reading = (
            rulebook[name]
            .parameter("readings.cross_year_stay_year")
            .value_on(rulebook[name].parameter("readings.cross_year_stay_year").first_on)
        )
        assert reading.value == "admission_coverage_discharge_year"


# A what-if rise of the Bazhong personal contribution to 450 from 2027 (the seeds print no rise: the test patches one).
RISE_2027 = {
    "patch": "personal-contribution-450-from-2027",
    "base": "bazhong-resident",
    "description": "What if the personal contribution rose to 450 in 2027?",
    "parameters": {
        "contribution.personal": {
            "values": [
                {
                    "from": "2027-01-01",
                    "reference": {"document": "bz-handbook-2025", "section": "what-if"},
                    "value": {
                        "adult": {
                            "ordinary": "450",
                            "extreme_poverty": "0",
                            "orphan": "0",
                            "minimum_living": "100",
                            "monitored": "100",
                        },
                        "student_or_minor": {
                            "ordinary": "450",
                            "extreme_poverty": "0",
                            "orphan": "0",
                            "minimum_living": "100",
                            "monitored": "100",
                        },
                    },
                }
            ]
        }
    },
}


def _paid(day: str, year: int, amount: str, kind: str = "regular") -> dict[str, Any]:
    return {
        "type": "ContributionPaid",
        "day": day,
        "data": {
            "scheme": "resident",
            "region": "bazhong",
            "coverage_start": f"{year}-01-01",
            "coverage_end": f"{year}-12-31",
            "amount": amount,
            "kind": kind,
        },
    }


def test_prepaid_student_owes_no_rise_and_a_repair_is_priced_in_its_payment_year(rulebook: Rulebook) -> None:
    """002 ch.1 十八 (学制年度内，调整个人缴费标准的，个人不再补缴) and repairs at the payment year's standard."""
    rise = rulebook.alternative_from_source(RISE_2027, file_name="rise.yaml")
    student = {
        "events": [
            {
                "type": "MemberRegistered",
                "day": "2025-09-01",
                "data": {"region": "bazhong", "birth_date": "2007-03-01", "sex": "F"},
            },
            {
                "type": "CategoryCertified",
                "day": "2025-09-01",
                "data": {"category": "university_student", "valid_from": "2025-09-01"},
            },
            # 学制 prepayment in 2025 for 2026-2028 at 400: 2027 and 2028 are prepaid (paid before the year before them)
            _paid("2025-09-10", 2026, "400"),
            _paid("2025-09-10", 2027, "400"),
            _paid("2025-09-10", 2028, "400"),
        ],
        "queries": [{"as_of": "2028-06-01", "expect": {}}],
    }
    scenario, _ = expand(CROSS_YEAR_FILE, student)
    [status] = run_scenario(scenario, rulebook, override=rise)
    # 2026: 400 − 400 = 0; 2027 and 2028: priced at 2026's 400, not the 450 of the rise
    assert [(c["year"], c["standard"], c["amount_status"]) for c in status["contributions"]] == [
        (2026, "400.00", "paid"),
        (2027, "400.00", "paid"),
        (2028, "400.00", "paid"),
    ]
    adult = {
        "events": [
            {
                "type": "MemberRegistered",
                "day": "2026-09-01",
                "data": {"region": "bazhong", "birth_date": "1980-03-01", "sex": "M"},
            },
            # an ordinary adult paying 400 in the window for 2027 owes the 2027 standard 450: 50 short
            _paid("2026-11-01", 2027, "400"),
            # a 2026 gap year repaired in 2027: priced at 2027's 450
            _paid("2027-03-01", 2026, "450", kind="repair"),
        ],
        "queries": [{"as_of": "2027-06-01", "expect": {}}],
    }
    scenario, _ = expand(CROSS_YEAR_FILE, adult)
    [status] = run_scenario(scenario, rulebook, override=rise)
    by_year = {c["year"]: c for c in status["contributions"]}
    assert (by_year[2027]["standard"], by_year[2027]["difference"], by_year[2027]["amount_status"]) == (
        "450.00",
        "-50.00",
        "underpaid",
    )
    assert (by_year[2026]["kind"], by_year[2026]["standard"], by_year[2026]["amount_status"]) == (
        "repair",
        "450.00",
        "paid",
    )
