"""Retroactive assistance (依申请救助, 002 ch.6 五问 (三)) is the fold's own decision: absent before the
certification is known, the same whatever the arrival order, recomputed from the events alone, and only
where the rule set has it (Bazhong; Shenyang's seed gives no such rule)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from domain.audit import AuditTotals, compare_retroactive_assistance
from domain.contract import parse_event
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.policies import Edition
from domain.scenario import Scenario, recorded, run_scenario
from projections.rulebook import Rulebook
from tests.support.editions import MINIMUM_LIVING_80_PATCH
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


def fold_under(events: list[dict[str, Any]], editions: Mapping[str, Edition], override: Edition | None) -> MemberLedger:
    recorded_events = [recorded(parse_event(raw), position) for position, raw in enumerate(events)]
    return fold_member(
        recorded_events,
        member_id="M-0001",
        as_of=date(2025, 12, 31),
        known_at=datetime(2026, 1, 1, tzinfo=UTC),
        edition_for=edition_finder(editions, override),
    )


def test_an_audit_under_another_edition_sees_the_decision_and_its_claims_change(rulebook: Rulebook) -> None:
    patched = rulebook.alternative_from_text(MINIMUM_LIVING_80_PATCH, file_name="patch.yaml")
    events = history("bazhong")
    side_a = fold_under(events, rulebook, patched)
    side_b = fold_under(events, rulebook, None)
    differences = {(d.kind, d.claim_id, d.field): d for d in compare_retroactive_assistance(side_a, side_b)}
    # 510 × 80 % = 408.00 under the patch against 510 × 70 % = 357.00: the decision's total and the claim's top-up.
    total = differences[("entitlement", None, "retroactive_assistance[2025-06-01 minimum_living].total")]
    assert (total.value_a, total.value_b, total.year) == (40_800, 35_700, 2025)
    assert "依申请救助" in total.explanation_a[0]["text"]
    top_up = differences[("payment", "C-1", "retroactive_assistance")]
    assert (top_up.value_a, top_up.value_b, top_up.delta_fen) == (40_800, 35_700, 5_100)
    assert "topped up 408.00" in top_up.explanation_a[0]["text"]
    assert len(differences) == 2, "the claims named are the same on both sides"
    totals = AuditTotals()
    totals.add(list(differences.values()))
    assert totals.rows() == [
        {
            "region": "bazhong",
            "scheme": "resident",
            "layer": "retroactive_assistance",
            "year": 2025,
            "claims": 1,
            "delta": "51.00",
        }
    ]


def test_an_audit_sees_a_decision_taken_on_one_side_only(rulebook: Rulebook) -> None:
    with_certification = fold_under(history("bazhong"), rulebook, None)
    without = fold_under(history("bazhong")[:2], rulebook, None)
    differences = {
        (d.kind, d.claim_id, d.field): d for d in compare_retroactive_assistance(with_certification, without)
    }
    named = "retroactive_assistance[2025-06-01 minimum_living]"
    total = differences[("entitlement", None, f"{named}.total")]
    claims = differences[("entitlement", None, f"{named}.claims")]
    assert (total.value_a, total.value_b) == (35_700, None)
    assert (claims.value_a, claims.value_b) == ("C-1", None)
    assert differences[("payment", "C-1", "retroactive_assistance")].delta_fen == 35_700


def test_the_same_edition_on_both_sides_shows_no_difference(rulebook: Rulebook) -> None:
    events = history("bazhong")
    assert compare_retroactive_assistance(fold_under(events, rulebook, None), fold_under(events, rulebook, None)) == []


def _texts(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in document["explanations"] if item["field"] == "retroactive_assistance"]


def test_the_major_illness_layer_before_a_low_income_certification_stays_as_settled(
    rulebook: Mapping[str, Edition],
) -> None:
    """002 ch.3 二十四问 (the low-income threshold and ratios) is settled on discharge for a member certified on the
    admission day; 以认定时间为节点 … 追溯救助 (002 ch.6 五问 (三)) reaches back for medical assistance only."""
    _, before = ask(history("bazhong"), rulebook, "2025-05-31")
    status, after = ask(history("bazhong"), rulebook, "2025-12-31")
    assert after["layers"]["major_illness"] == before["layers"]["major_illness"]
    [topped, major_illness] = _texts(after)
    assert "topped up 357.00" in topped["text"]
    assert "major-illness layer of the claims before 2025-06-01 stays as settled" in major_illness["text"]
    assert "002 ch.3 二十四问" in major_illness["text"] and "002 ch.6 五问 (三)" in major_illness["text"]
    assert [p["name"] for p in major_illness["parameters"]] == ["major_illness.low_income_categories"]
    assert major_illness["parameters"][0]["reference"]["section"] == "002 ch.3 二十四问"
    [decision] = status["retroactive_assistance"]
    assert any("stays as settled" in item["text"] for item in decision["explanations"])


def test_a_category_without_the_major_illness_tilt_says_nothing_of_it(rulebook: Mapping[str, Edition]) -> None:
    events = history("bazhong")
    events[2] = make_event(
        "CategoryCertified", label="cert", category="illness_poverty", valid_from="2025-06-01", valid_to=None
    ) | {"occurred_on": "2025-06-01"}
    status, settlement = ask(events, rulebook, "2025-12-31")
    # 因病致贫重病患者: deductible 25 % × 28896 = 7224 > the 510 self-pay: nothing due, no decision.
    assert "retroactive_assistance" not in status
    events[1] = make_event("ClaimSubmitted", label="stay", flags=[], policy_amount="90000", total_amount="90300")
    status, settlement = ask(events, rulebook, "2025-12-31")
    # Basic (90000 − 100) × 90 % = 80910; self-pay 9090 (below the 14,448 major-illness threshold: 0);
    # routine (9090 − 7224) × 50 % = 933.00; the 8157 left is below the 8,500 line: no tilt.
    [decision] = status["retroactive_assistance"]
    assert (decision["category"], decision["total"]) == ("illness_poverty", "933.00")
    assert not any("stays as settled" in item["text"] for item in decision["explanations"])
    assert not any("stays as settled" in item["text"] for item in _texts(settlement))


def test_a_stay_before_the_node_settled_late_is_named_in_the_one_decision_with_what_came_first(
    rulebook: Mapping[str, Edition],
) -> None:
    """Monitored from 1 June: a stay after the node bears 510 of the 1444.80 deductible before a stay of March,
    discharged in July, is settled; the one decision (the same id) names the March stay and says what came first."""
    paid, _, _ = history("bazhong")
    certified = make_event(
        "CategoryCertified", label="cert", category="monitored", valid_from="2025-06-01", valid_to=None
    ) | {"occurred_on": "2025-06-01"}
    after = make_event(
        "ClaimSubmitted",
        label="after",
        flags=[],
        claim_id="C-2",
        admitted_on="2025-06-05",
        discharged_on="2025-06-15",
        applied_on="2025-06-15",
    ) | {"occurred_on": "2025-06-15"}
    late = make_event(
        "ClaimSubmitted",
        label="late",
        flags=[],
        admitted_on="2025-03-01",
        discharged_on="2025-07-20",
        applied_on="2025-07-20",
        policy_amount="20000",
        out_of_scope="0",
        total_amount="20000",
    ) | {"occurred_on": "2025-07-20"}
    status, settlement = ask([paid, certified, after, late], rulebook, "2025-12-31")
    [decision] = status["retroactive_assistance"]
    # (2090 − (1444.80 − 510)) × 65 % = 1155.20 × 0.65 = 750.88.
    assert [(c["claim_id"], c["amount"]) for c in decision["claims"]] == [("C-1", "750.88")]
    [text] = [item["text"] for item in decision["explanations"] if "drew first" in item["text"]]
    assert "deductible 510.00, routine 0.00, tilt 0.00, 510.00 counted towards the monitoring line" in text
    assert settlement["retroactive_assistance"][0]["decision_id"] == decision["decision_id"]
    # Before the March stay is settled, nothing before the node is known: no decision.
    scenario = Scenario.model_validate(
        {"events": [paid, certified, after, late], "queries": [{"member_id": "M-0001", "as_of": "2025-07-19"}]}
    )
    [earlier] = run_scenario(scenario, rulebook)
    assert "retroactive_assistance" not in earlier
