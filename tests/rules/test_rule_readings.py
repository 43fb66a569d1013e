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
