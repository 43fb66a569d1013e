"""Retroactive assistance (依申请救助, 002 ch.6 五问 (三)) does not depend on when its claims arrive (hypothesis).

The top-up covers the year's compliant self-pay of care before the certification node. A claim is settled on
its discharge day, so a stay begun before the node can be settled after stays begun after it, after the
certification is known, in any recorded order. The invariant: the same stays and certifications give the same
figures — every layer of every claim, what the member pays, each top-up, every decision (its id, claims, totals
and explanations) and the year's balances — whether each stay is settled early or late and whatever order the
events were recorded in.

The histories are chosen so that nothing but the certification could make the order matter: a Bazhong resident's
township-hospital stays whose co-pays stay below the low-income major-illness threshold (at most four stays of at
most 15,000 policy-scope: 4 × (100 + 10 % × 14,900) = 6,360 < 7,224), certified as categories without an assistance
deductible (特困人员, 孤儿, 低保对象: 0), far from the yearly limits and the 8,500 monitoring line. The explanations
that narrate the year's running totals (the major-illness cumulative, the balances after each claim) follow the
settlement order by design and are not compared; the decisions' explanations are.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.contract import parse_batch
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.money import fen_times_ratio
from domain.policies import Table
from domain.scenario import recorded
from projections.rulebook import Rulebook, load_rulebook

RULEBOOK: Rulebook = load_rulebook()
YEAR = 2025
AS_OF = date(YEAR, 12, 31)
KNOWN_AT = datetime(2030, 1, 1, tzinfo=UTC)
#: Categories whose routine assistance has no deductible (002 ch.6 五问 (一)), all low-income for major illness.
CATEGORIES = ["extreme_poverty", "orphan", "minimum_living"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def stays_and_certifications(draw: st.DrawFn) -> dict[str, Any]:
    """Stays (admission, two possible lengths, amounts) and certifications (node, two possible event days), in the
    first half of the year, so that a stay begun before a node is often settled after one begun after it."""
    stays = []
    for number in range(draw(st.integers(1, 4))):
        admitted = date(YEAR, 1, 1) + timedelta(days=draw(st.integers(0, 150)))
        room = (date(YEAR, 12, 31) - admitted).days
        stays.append(
            {
                "claim_id": f"S{number}",
                "admitted_on": admitted,
                # The two worlds: settled soon after admission, or any time up to the year's end (a long stay).
                "days": (
                    draw(st.integers(0, min(room, 10))),
                    draw(st.one_of(st.integers(0, min(room, 10)), st.integers(0, room), st.just(room))),
                ),
                "policy_fen": draw(st.integers(100_000, 1_500_000)),
                "out_of_scope_fen": draw(st.integers(0, 50_000)),
            }
        )
    certifications = []
    for category in draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True)):
        node = date(YEAR, 1, 2) + timedelta(days=draw(st.integers(0, 150)))
        room = (date(YEAR, 12, 31) - node).days
        certifications.append(
            {
                "category": category,
                "valid_from": node,
                "delays": (draw(st.integers(0, min(room, 5))), draw(st.integers(0, min(room, 60)))),
            }
        )
    return {"stays": stays, "certifications": certifications, "order_seed": draw(st.integers(0, 2**32 - 1))}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def events(history: dict[str, Any], world: int) -> list[dict[str, Any]]:
    """The history as world 0 (stays settled early, certifications known at once, recorded in date order) or
    world 1 (later discharges and certification days, recorded in a shuffled order)."""
    raw: list[dict[str, Any]] = []

    def add(label: str, event_type: str, occurred_on: date, data: dict[str, Any]) -> None:
        event_id = str(uuid5(NAMESPACE_URL, f"urn:prop:retro:{label}"))
        raw.append(
            {"event_id": event_id, "member_id": "P-1", "type": event_type, "occurred_on": occurred_on, "data": data}
        )

    add(
        "paid",
        "ContributionPaid",
        date(YEAR - 1, 11, 1),
        {
            "scheme": "resident",
            "region": "bazhong",
            "coverage_start": f"{YEAR}-01-01",
            "coverage_end": f"{YEAR}-12-31",
            "amount": "400.00",
            "kind": "regular",
        },
    )
    for stay in history["stays"]:
        discharged = stay["admitted_on"] + timedelta(days=stay["days"][world])
        add(
            stay["claim_id"],
            "ClaimSubmitted",
            discharged,
            {
                "claim_id": stay["claim_id"],
                "setting": "inpatient",
                "admitted_on": stay["admitted_on"].isoformat(),
                "discharged_on": discharged.isoformat(),
                "facility_level": "community",
                "location": "local",
                "total_amount": _yuan(stay["policy_fen"] + stay["out_of_scope_fen"]),
                "policy_amount": _yuan(stay["policy_fen"]),
                "pre_self_pay": "0.00",
                "out_of_scope": _yuan(stay["out_of_scope_fen"]),
                "flags": [],
            },
        )
    for certification in history["certifications"]:
        node = certification["valid_from"]
        add(
            certification["category"],
            "CategoryCertified",
            node + timedelta(days=certification["delays"][world]),
            {"category": certification["category"], "valid_from": node.isoformat(), "valid_to": None},
        )
    if world == 0:
        raw.sort(key=lambda event: event["occurred_on"])
    else:
        random.Random(history["order_seed"]).shuffle(raw)
    # Recorded in list order, one minute apart, after every effective date: the arrival order.
    for position, event in enumerate(raw):
        event["recorded_at"] = (datetime(YEAR + 1, 1, 2, tzinfo=UTC) + timedelta(minutes=position)).isoformat()
        event["occurred_on"] = event["occurred_on"].isoformat()
    return raw


def fold(raw: list[dict[str, Any]]) -> MemberLedger:
    recorded_events = [recorded(event, position) for position, event in enumerate(parse_batch(raw))]
    return fold_member(
        recorded_events, member_id="P-1", as_of=AS_OF, known_at=KNOWN_AT, edition_for=edition_finder(RULEBOOK)
    )


def figures(ledger: MemberLedger) -> dict[str, Any]:
    """Every figure of the member's year: each claim's status, layers, member share and top-ups; the decisions."""
    claims = {}
    for claim_id, settlement in sorted(ledger.settlements.items()):
        document = settlement.as_json()
        claims[claim_id] = {
            key: document.get(key)
            for key in ("status", "layers", "deductible", "fund_total", "member_pays", "retroactive_assistance")
        }
    return {
        "claims": claims,
        "decisions": [decision.as_json() for decision in ledger.retroactive_assistance],
        "balances": sorted(ledger.used_fen.items()),
    }


@SETTINGS
@given(history=stays_and_certifications())
def test_care_before_the_node_is_assisted_the_same_whenever_its_claim_arrives(history: dict[str, Any]) -> None:
    early, late = fold(events(history, 0)), fold(events(history, 1))
    assert figures(early) == figures(late)


@SETTINGS
@given(history=stays_and_certifications())
def test_every_stay_before_the_first_node_is_named_at_the_standard(history: dict[str, Any]) -> None:
    """However late it is settled, a stay of care before the first node is named by that node's one decision with
    its self-pay times the category's routine ratio (no deductible; limits and the monitoring line far away)."""
    ledger = fold(events(history, 1))
    node = min(certification["valid_from"] for certification in history["certifications"])
    before = [stay["claim_id"] for stay in history["stays"] if stay["admitted_on"] < node]
    decisions = [decision for decision in ledger.retroactive_assistance if decision.certified_on == node]
    if not before:
        assert decisions == []
        return
    [decision] = decisions
    ratios = decision.edition.reading("assistance.regular.ratio", node).value
    assert isinstance(ratios, Table)
    ratio = ratios.cell(decision.category)
    assert isinstance(ratio, Decimal)
    top_ups = {top_up.claim_id: top_up for top_up in decision.top_ups}
    assert sorted(top_ups) == sorted(before)
    for claim_id in before:
        settlement = ledger.settlements[claim_id]
        self_pay = settlement.total_fen - settlement.fund_total_fen - settlement_out_of_scope(history, claim_id)
        assert top_ups[claim_id].self_pay_fen == self_pay
        assert top_ups[claim_id].amount_fen == fen_times_ratio(self_pay, ratio)


def settlement_out_of_scope(history: dict[str, Any], claim_id: str) -> int:
    return next(int(stay["out_of_scope_fen"]) for stay in history["stays"] if stay["claim_id"] == claim_id)
