"""The explanations of where care was taken and which table row paid it name the rule, the reading and the seed
section: a village clinic the facility registry does not list, a level without a row of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.scenario import run_scenario
from projections.rulebook import Rulebook

from .test_scenarios import SCENARIOS, expand


def answers(file: str, cites_start: str, rulebook: Rulebook) -> dict[str, Any]:
    path: Path = SCENARIOS / file
    raw = next(
        item for item in yaml.safe_load(path.read_text(encoding="utf-8")) if item["cites"].startswith(cites_start)
    )
    scenario, _ = expand(path, raw)
    return {answer["claim_id"]: answer for answer in run_scenario(scenario, rulebook) if "claim_id" in answer}


def basic_pool(answer: dict[str, Any]) -> dict[str, Any]:
    return next(item for item in answer["explanations"] if item["field"] == "layers.basic_pool")


def test_an_unlisted_village_clinic_says_so_and_names_the_reading(rulebook: Rulebook) -> None:
    by_claim = answers(
        "places_of_care.yaml", "001 门、急诊待遇 3 门诊统筹待遇 — a village clinic counts as chosen only", rulebook
    )
    fallback = basic_pool(by_claim["VR-3"])
    assert "SY-VIL-99 is not in the facility registry" in fallback["text"]
    assert "readings.unregistered_village_clinic, 001 门、急诊待遇 3 门诊统筹待遇" in fallback["text"]
    assert "readings.unregistered_village_clinic" in {parameter["name"] for parameter in fallback["parameters"]}
    listed = basic_pool(by_claim["VR-1"])
    assert "a village clinic of the chosen township SY-TOWN-1 (facility registry shenyang.yaml)" in listed["text"]
    assert "readings.unregistered_village_clinic" not in {parameter["name"] for parameter in listed["parameters"]}
    refused = by_claim["VR-2"]["reasons"][0]
    assert "SY-VIL-7 is a village clinic of the township SY-TOWN-2" in refused and "其辖区内的村卫生室" in refused


def test_a_level_paid_on_another_row_names_the_reading_and_section(rulebook: Rulebook) -> None:
    by_claim = answers("facility_levels.yaml", "001 市内住院待遇 1", rulebook)
    mapped = basic_pool(by_claim["RL-unrated"])
    assert "facility level unrated has no row of its own in inpatient.deductible: the level1 row" in mapped["text"]
    assert "readings.facility_level_row" in {parameter["name"] for parameter in mapped["parameters"]}
    own = basic_pool(by_claim["RL-level1"])
    assert "readings.facility_level_row" not in {parameter["name"] for parameter in own["parameters"]}
