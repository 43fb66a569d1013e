"""Invariants of the entitlement fold, over generated member histories (hypothesis).

Each property states the rule it guards: balances never negative, incentives and penalty
within their share of the base cap, the same answer whatever order events arrive in, no
benefits before payment except where a rule reaches back, and every settlement adding up.
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
from domain.entitlements.status import status_document
from domain.money import parse_yuan
from domain.scenario import recorded
from projections.rulebook import Rulebook, load_rulebook

RULEBOOK: Rulebook = load_rulebook()
YEARS = list(range(2025, 2033))
CATEGORIES = [
    "minimum_living",
    "extreme_poverty",
    "near_minimum",
    "monitored",
    "retired",
    "civil_servant",
    "student",
    "age_80_plus",
    "severe_disability",
]
CONDITIONS = [
    ("chronic", "hypertension"),
    ("chronic", "diabetes"),
    ("special", "dialysis"),
    ("two_diseases", "hypertension"),
    ("single_payment_drug", "drug-x"),
]
SETTINGS = [
    "inpatient",
    "inpatient",
    "inpatient",
    "outpatient_pooling",
    "emergency",
    "chronic",
    "special",
    "two_diseases",
    "maternity",
    "single_payment_drug",
]
LOCATIONS = [
    "local",
    "local",
    "local",
    "remote_long_term",
    "remote_temporary_referral",
    "remote_temporary_other",
    "remote_emergency",
]
FLAGS = ["cancer", "psychiatric", "childbirth", "big_city_level3", "non_designated", "family_doctor", "village_clinic"]
KNOWN_AT = datetime(2040, 1, 1, tzinfo=UTC)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """A resident of Bazhong or Shenyang: some paid years (early, in the window or late), repairs, claims."""
    region = draw(st.sampled_from(["bazhong", "shenyang"]))
    scheme = draw(st.sampled_from(["resident", "resident", "employee"]))
    birth = date(draw(st.integers(1950, 2026)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    raw: list[dict[str, Any]] = []

    def add(event_type: str, occurred_on: date, data: dict[str, Any]) -> None:
        label = f"{len(raw)}"
        raw.append(
            {
                "event_id": str(uuid5(NAMESPACE_URL, f"urn:prop:{label}")),
                "member_id": "P-1",
                "type": event_type,
                "occurred_on": occurred_on.isoformat(),
                "data": data,
            }
        )

    add("MemberRegistered", date(2024, 6, 1), {"region": region, "birth_date": birth.isoformat(), "sex": "F"})
    paid_years = draw(st.sets(st.sampled_from(YEARS), max_size=len(YEARS)))
    for year in sorted(paid_years):
        paid_on = date(year - 1, 11, 1) + timedelta(days=draw(st.integers(0, 400)))
        add(
            "ContributionPaid",
            paid_on,
            {
                "scheme": "resident",
                "region": region,
                "coverage_start": f"{year}-01-01",
                "coverage_end": f"{year}-12-31",
                "amount": "400.00",
                "kind": "regular",
            },
        )
    repairable = [y for y in YEARS if y not in paid_years] if scheme == "resident" else []
    for year in draw(st.sets(st.sampled_from(repairable or [2025]), max_size=3 if repairable else 0)):
        add(
            "ContributionPaid",
            date(year + 1, 11, 15),
            {
                "scheme": "resident",
                "region": region,
                "coverage_start": f"{year}-01-01",
                "coverage_end": f"{year}-12-31",
                "amount": "400.00",
                "kind": "repair",
            },
        )
    for number in range(draw(st.integers(0, 6))):
        admitted = date(draw(st.sampled_from(YEARS)), draw(st.integers(1, 12)), draw(st.integers(1, 20)))
        policy = draw(st.integers(0, 20_000_000))
        out_of_scope = draw(st.integers(0, 500_000))
        add(
            "ClaimSubmitted",
            admitted + timedelta(days=5),
            {
                "claim_id": f"C{number}",
                "setting": "inpatient",
                "admitted_on": admitted.isoformat(),
                "discharged_on": (admitted + timedelta(days=5)).isoformat(),
                "facility_level": draw(st.sampled_from(["community", "level1", "level2", "level3"])),
                "location": "local",
                "total_amount": _yuan(policy + out_of_scope),
                "policy_amount": _yuan(policy),
                "pre_self_pay": "0.00",
                "out_of_scope": _yuan(out_of_scope),
                "flags": [],
            },
        )
    return region, raw


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def fold(raw: list[dict[str, Any]], as_of: date) -> MemberLedger:
    events = [recorded(event, position) for position, event in enumerate(parse_batch(raw))]
    return fold_member(events, member_id="P-1", as_of=as_of, known_at=KNOWN_AT, edition_for=edition_finder(RULEBOOK))


@SETTINGS
@given(history=histories(), year=st.sampled_from(YEARS))
def test_balances_are_never_negative_and_the_basic_pool_cap_holds(history: tuple[str, list[Any]], year: int) -> None:
    _, raw = history
    ledger = fold(raw, date(year, 12, 31))
    document = status_document(ledger)
    for balance in document["caps"].values():
        assert parse_yuan(balance["remaining"]) >= 0
        assert parse_yuan(balance["used"]) <= parse_yuan(balance["cap"])
    for (layer, _year), used in ledger.used_fen.items():
        assert used >= 0, layer


@SETTINGS
@given(history=histories(), year=st.sampled_from(YEARS))
def test_incentives_and_penalty_stay_within_twenty_percent_of_the_base(
    history: tuple[str, list[Any]], year: int
) -> None:
    _, raw = history
    major = status_document(fold(raw, date(year, 6, 30)))["major_illness"]
    if major is None:
        return
    base = parse_yuan(major["base_cap"])
    raises = parse_yuan(major["continuity_bonus"]) + parse_yuan(major["zero_claim_bonus"])
    assert 0 <= raises <= base * Decimal("0.20")
    assert 0 <= parse_yuan(major["gap_penalty"]) <= base * Decimal("0.20")


@SETTINGS
@given(history=histories(), year=st.sampled_from(YEARS), seed=st.integers(0, 2**32 - 1))
def test_the_answer_does_not_depend_on_arrival_order(history: tuple[str, list[Any]], year: int, seed: int) -> None:
    _, raw = history
    shuffled = list(raw)
    random.Random(seed).shuffle(shuffled)
    as_of = date(year, 9, 30)
    first, second = fold(raw, as_of), fold(shuffled, as_of)
    assert status_document(first) == status_document(second)
    assert {k: s.as_json() for k, s in first.settlements.items()} == {
        k: s.as_json() for k, s in second.settlements.items()
    }


@SETTINGS
@given(history=histories())
def test_benefits_never_start_before_payment_except_for_newborns(history: tuple[str, list[Any]]) -> None:
    _, raw = history
    ledger = fold(raw, date(2033, 12, 31))
    birth = ledger.facts.birth_on
    payments = {p.coverage_start.year: p.paid_on for p in ledger.facts.payments if p.kind.value == "regular"}
    for period in ledger.periods:
        if period.scheme == "employee":
            continue  # employee back-pay within the limit reaches back by rule (002 ch.2 二十三问)
        paid_on = payments[period.covered_from.year]
        if birth is not None and period.benefits_from == birth:
            continue  # newborns paid in time are covered from birth (002 ch.3 七问; 001 医保待遇期 3)
        assert period.benefits_from >= paid_on, period.basis


@SETTINGS
@given(history=histories())
def test_every_settlement_adds_up(history: tuple[str, list[Any]]) -> None:
    _, raw = history
    ledger = fold(raw, date(2033, 12, 31))
    for settlement in ledger.settlements.values():
        assert settlement.fund_total_fen + settlement.member_pays_fen == settlement.total_fen
        assert all(amount >= 0 for amount in settlement.layers_fen.values())
        claim = next(c for c in ledger.facts.claims if c.data.claim_id == settlement.claim_id)
        assert settlement.fund_total_fen <= claim.data.policy_amount, "the funds pay only within policy scope"
