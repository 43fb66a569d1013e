"""Retroactive assistance (依申请救助, 002 ch.6 五问 (三)) is the fold's own decision: absent before the
certification is known, the same whatever the arrival order, recomputed from the events alone, and only
where the rule set has it (Bazhong; Shenyang's seed gives no such rule)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from domain.policies import Edition
from domain.scenario import Scenario, run_scenario
from tests.support.events import make_event


def history(region: str) -> list[dict[str, Any]]:
    if region == "bazhong":
        paid = make_event("ContributionPaid", label="paid") | {"occurred_on": "2024-11-01"}
        # 张三's stay (002 ch.1 四十三): self-pay 4200 − 3690 = 510.
        stay = make_event("ClaimSubmitted", label="stay", flags=[])
    else:  # a Shenyang employee paid for the year, a level-1 stay
        paid = make_event("ContributionPaid", label="paid", region=region, scheme="employee", amount="3600.00") | {
            "occurred_on": "2024-12-20"
        }
        stay = make_event("ClaimSubmitted", label="stay", flags=[], facility_level="level1")
    certified = make_event(
        "CategoryCertified", label="cert", category="minimum_living", valid_from="2025-06-01", valid_to=None
    ) | {"occurred_on": "2025-06-01"}
    return [paid, stay, certified]


def ask(events: list[dict[str, Any]], rulebook: Mapping[str, Edition], as_of: str) -> list[dict[str, Any]]:
    scenario = Scenario.model_validate(
        {"events": events, "queries": [{"member_id": "M-0001", "as_of": as_of}, {"claim_id": "C-1", "as_of": as_of}]}
    )
    return run_scenario(scenario, rulebook)


def test_nothing_is_decided_before_the_certification_is_in_effect(rulebook: Mapping[str, Edition]) -> None:
    status, settlement = ask(history("bazhong"), rulebook, "2025-05-31")
    assert "retroactive_assistance" not in status and "retroactive_assistance" not in settlement


def test_the_decision_tops_up_the_earlier_claim_once_and_names_it(rulebook: Mapping[str, Edition]) -> None:
    status, settlement = ask(history("bazhong"), rulebook, "2025-12-31")
    [decision] = status["retroactive_assistance"]
    # 510 × 70 % (minimum_living routine ratio, deductible 0) = 357.00; the 153.00 left is far below the
    # 8,500 monitoring line, so no tilt assistance.
    assert decision["claims"] == [
        {
            "claim_id": "C-1",
            "self_pay": "510.00",
            "already_assisted": "0.00",
            "due": "357.00",
            "due_routine": "357.00",
            "due_tilt": "0.00",
            "amount": "357.00",
        }
    ]
    assert settlement["retroactive_assistance"][0]["decision_id"] == decision["decision_id"]
    assert "002 ch.6 五问 (三) 依申请救助" in json.dumps(decision["explanations"], ensure_ascii=False)


def test_the_decision_is_the_same_whatever_the_arrival_order(rulebook: Mapping[str, Edition]) -> None:
    forward = ask(history("bazhong"), rulebook, "2025-12-31")
    backward = ask(list(reversed(history("bazhong"))), rulebook, "2025-12-31")
    assert json.dumps(forward, sort_keys=True) == json.dumps(backward, sort_keys=True)


def test_a_rule_set_without_retroactive_assistance_decides_nothing(rulebook: Mapping[str, Edition]) -> None:
    status, settlement = ask(history("shenyang"), rulebook, "2025-12-31")
    assert settlement["status"] == "settled"
    assert "retroactive_assistance" not in status and "retroactive_assistance" not in settlement
