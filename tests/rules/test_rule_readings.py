"""Decisions that rest on a default reading (rules-digest §8) name it in their explanation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.scenario import run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import expand


def _answers(raw_yaml: str, rulebook: Rulebook) -> list[Any]:
    raw = yaml.safe_load(raw_yaml)
    scenario, _ = expand(Path("readings.yaml"), raw)
    return run_scenario(scenario, rulebook)


def _explanations_naming(document: dict[str, Any], parameter: str) -> list[dict[str, Any]]:
    return [e for e in document["explanations"] if any(p["name"] == parameter for p in e["parameters"])]


CROSS_YEAR = """
events:
  - {type: MemberRegistered, day: 2024-10-01, data: {region: bazhong, birth_date: 1980-01-01, sex: M}}
  - {type: ContributionPaid, day: 2024-11-01, data: {scheme: resident, region: bazhong, coverage_start: 2025-01-01, coverage_end: 2025-12-31, amount: "400", kind: regular}}
  - {type: ClaimSubmitted, day: 2026-01-04, data: {claim_id: XB-1, setting: inpatient, admitted_on: 2025-12-30, discharged_on: 2026-01-04, facility_level: level2, location: local, total_amount: "5000", policy_amount: "5000", pre_self_pay: "0", out_of_scope: "0", flags: []}}
  - {type: ClaimSubmitted, day: 2025-06-04, data: {claim_id: XB-0, setting: inpatient, admitted_on: 2025-06-01, discharged_on: 2025-06-04, facility_level: level2, location: local, total_amount: "5000", policy_amount: "5000", pre_self_pay: "0", out_of_scope: "0", flags: []}}
queries:
  - {claim_id: XB-1, expect: {}}
  - {claim_id: XB-0, expect: {}}
"""


def test_cross_year_stay_names_its_reading(rulebook: Rulebook) -> None:
    """rules-digest §8 cross_year_stay_year: a stay across New Year says which year it counts in, and why."""
    across, within = _answers(CROSS_YEAR, rulebook)
    named = _explanations_naming(across, "readings.cross_year_stay_year")
    assert len(named) == 1
    assert named[0]["field"] == "year"
    assert "readings.cross_year_stay_year" in named[0]["default_readings"]
    assert "counted in 2026" in named[0]["text"] and "admission day" in named[0]["text"]
    assert _explanations_naming(within, "readings.cross_year_stay_year") == []
