"""Settlement after RetirementReached says why the member is settled as retired or in service (one decision)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.scenario import run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import SCENARIOS, expand

FILE = SCENARIOS / "retirement_settlement.yaml"


def settlements(number: int, rulebook: Rulebook) -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load(Path(FILE).read_text(encoding="utf-8"))[number]
    scenario, _ = expand(FILE, raw)
    return {a["claim_id"]: a for a in run_scenario(scenario, rulebook) if "claim_id" in a}


def retirement_explanation(settlement: dict[str, Any]) -> dict[str, Any]:
    found = [e for e in settlement["explanations"] if e["field"] == "retired"]
    assert len(found) == 1, settlement["explanations"]
    return found[0]


def test_a_retiree_by_retirement_reached_is_told_from_when(rulebook: Rulebook) -> None:
    claim = settlements(0, rulebook)["RR-1"]
    why = retirement_explanation(claim)
    assert why["text"] == "retired on 2025-05-20, retiree benefits from 2025-06-01: settled as retired on 2025-06-10"
    assert "retirement.minimum_years_total" in {p["name"] for p in why["parameters"]}
    assert "as retired" in next(e["text"] for e in claim["explanations"] if e["field"] == "layers.basic_pool")


def test_a_shortfall_keeps_the_member_in_service_and_says_so(rulebook: Rulebook) -> None:
    claims = settlements(3, rulebook)
    assert retirement_explanation(claims["RS-2"])["text"] == (
        "retired on 2025-05-20, retiree benefits only from the month after nothing is missing (2025-09-01): "
        "settled as in service on 2025-08-20"
    )
    assert "as in_service" in next(
        e["text"] for e in claims["RS-2"]["explanations"] if e["field"] == "layers.basic_pool"
    )
    assert retirement_explanation(claims["RS-3"])["text"].endswith("settled as retired on 2025-09-10")


def test_a_certified_retired_category_needs_no_retirement_explanation(rulebook: Rulebook) -> None:
    raw = yaml.safe_load((SCENARIOS / "second_layers.yaml").read_text(encoding="utf-8"))
    entry = next(r for r in raw if any(q.get("claim_id") == "RT-1" for q in r["queries"]))
    scenario, _ = expand(SCENARIOS / "second_layers.yaml", entry)
    claim = next(a for a in run_scenario(scenario, rulebook) if a.get("claim_id") == "RT-1")
    assert claim["layers"]["large_amount"] == "9095.00"
    assert all(e["field"] != "retired" for e in claim["explanations"])
