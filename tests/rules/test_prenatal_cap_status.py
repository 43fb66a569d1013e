"""The status shows the prenatal cap of the current pregnancy (001 生育保险待遇 2.1 一个孕期内限额1500元,
readings.prenatal_cap_period = per_pregnancy), the balance the claim settlement draws on, with its bounds."""

from __future__ import annotations

from pathlib import Path

import yaml

from domain.scenario import Scenario, run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import SCENARIOS, expand

PREGNANCY_CAP = "maternity:prenatal_examination"


def status_on(as_of: str, rulebook: Rulebook) -> dict[str, object]:
    file: Path = SCENARIOS / "prenatal_per_pregnancy.yaml"
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))[0]
    scenario, _ = expand(file, raw)
    asked = Scenario.model_validate({"events": scenario.events, "queries": [{"member_id": "M-1", "as_of": as_of}]})
    [status] = run_scenario(asked, rulebook)
    return status


def test_the_status_shows_one_pregnancy_balance_not_yearly_keys(rulebook: Rulebook) -> None:
    status = status_on("2026-02-01", rulebook)
    caps = status["caps"]
    assert isinstance(caps, dict)
    assert [key for key in caps if key.startswith(PREGNANCY_CAP)] == [PREGNANCY_CAP]
    # 600 paid in 2025 and 900 in 2026 on one pregnancy: the calendar year alone would show 900 used.
    assert caps[PREGNANCY_CAP] == {"cap": "1500.00", "used": "1500.00", "remaining": "0.00"}


def test_the_explanation_bounds_the_pregnancy(rulebook: Rulebook) -> None:
    before_birth = status_on("2026-02-01", rulebook)
    after_birth = status_on("2026-12-31", rulebook)
    [early] = [e for e in before_birth["explanations"] if e["field"] == f"caps.{PREGNANCY_CAP}"]  # type: ignore[attr-defined]
    [late] = [e for e in after_birth["explanations"] if e["field"] == f"caps.{PREGNANCY_CAP}"]  # type: ignore[attr-defined]
    assert "from the start of the history" in early["text"]
    assert "after the maternity event of 2026-03-01" in late["text"]
    assert "readings.prenatal_cap_period" in {p["name"] for p in late["parameters"]}
