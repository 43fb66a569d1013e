"""Moves between pooling regions (MemberTransferred) in the one fold.

002 ch.2 二十一问: 基本医疗保险关系随本人转移，只转移参保关系和个人账户，缴费年限累计计算。…中断缴费3个月
（含3个月）以内的，缴费当月即可享受待遇；中断缴费3个月以上的，待遇享受等待期为6个月。
The member paid Shenyang employee contributions for January–June 2025 and moved to Bazhong on 2025-07-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.contract import parse_event
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.member_stream import RecordedEvent, recorded_from_contract
from projections.rulebook import load_rulebook

RULEBOOK = load_rulebook()
MEMBER = "T-1"


def raw(label: str, event_type: str, occurred_on: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": str(uuid5(NAMESPACE_URL, f"urn:transfers:{label}")),
        "member_id": MEMBER,
        "type": event_type,
        "occurred_on": occurred_on,
        "data": data,
    }


def paid(label: str, region: str, paid_on: str, start: str, end: str) -> dict[str, Any]:
    return raw(
        label,
        "ContributionPaid",
        paid_on,
        {
            "scheme": "employee",
            "region": region,
            "coverage_start": start,
            "coverage_end": end,
            "amount": "600.00",
            "kind": "regular",
        },
    )


def claim(label: str, admitted: str, discharged: str) -> dict[str, Any]:
    return raw(
        label,
        "ClaimSubmitted",
        discharged,
        {
            "claim_id": label,
            "setting": "inpatient",
            "admitted_on": admitted,
            "discharged_on": discharged,
            "facility_level": "level2",
            "location": "local",
            "total_amount": "10000.00",
            "policy_amount": "10000.00",
            "pre_self_pay": "0.00",
            "out_of_scope": "0.00",
            "flags": [],
        },
    )


def moved(to_region: str = "bazhong", balance: str | None = "1000.00") -> dict[str, Any]:
    data: dict[str, Any] = {
        "from_region": "shenyang",
        "to_region": to_region,
        "scheme": "employee",
        "transferred_on": "2025-07-01",
    }
    if balance is not None:
        data["account_balance"] = balance
    return raw(f"move-{to_region}", "MemberTransferred", "2025-07-01", data)


ORIGIN = [
    raw("reg", "MemberRegistered", "2024-12-01", {"region": "shenyang", "birth_date": "1980-05-06", "sex": "M"}),
    raw(
        "base",
        "ContributionBaseDeclared",
        "2025-01-01",
        {"kind": "contribution_base", "monthly_base": "6000.00", "valid_from": "2025-01-01"},
    ),
    paid("sy", "shenyang", "2024-12-20", "2025-01-01", "2025-06-30"),
]


def stored_events(items: list[dict[str, Any]]) -> list[RecordedEvent]:
    return [
        recorded_from_contract(
            parse_event(item),
            recorded_at=datetime.fromisoformat(item["occurred_on"]).replace(tzinfo=UTC),
            stream_position=position,
        )
        for position, item in enumerate(items)
    ]


def fold(items: list[dict[str, Any]], as_of: str) -> MemberLedger:
    return fold_member(
        stored_events(items),
        member_id=MEMBER,
        as_of=date.fromisoformat(as_of),
        known_at=datetime(2030, 1, 1, tzinfo=UTC),
        edition_for=edition_finder(RULEBOOK),
    )


def test_from_the_transfer_date_the_region_is_the_destinations_and_the_origin_no_longer_covers() -> None:
    before = status_document(fold([*ORIGIN, moved()], "2025-06-15"))
    assert before["region"] == "shenyang" and before["covered"] is True
    after = status_document(fold([*ORIGIN, moved()], "2025-07-15"))
    assert after["region"] == "bazhong"
    assert after["covered"] is False, "Shenyang's coverage ends on the transfer date; Bazhong is not paid yet"
    assert after["transfers"]["moves"][0]["to_region"] == "bazhong"
    assert after["transfers"]["not_computable"] == []


def test_a_gap_of_three_months_or_less_gives_benefits_in_the_payment_month() -> None:
    # July unpaid anywhere: a 1-month gap (≤ 3, 002 ch.2 二十一问) → benefits from 2025-08-01, the payment month.
    ledger = fold([*ORIGIN, moved(), paid("bz", "bazhong", "2025-08-05", "2025-08-01", "2025-12-31")], "2025-09-01")
    period = ledger.period_on(date(2025, 9, 1))
    assert period is not None and period.region == "bazhong"
    assert period.benefits_from == date(2025, 8, 1)
    assert {r.name for r in period.readings} >= {"readings.transfer_gap_months", "transfer.max_gap_months"}
    document = status_document(ledger)
    assert document["edition"]["name"] == "bazhong-employee" and document["benefits_active"] is True


def test_a_longer_gap_waits_six_months() -> None:
    # July–October unpaid: 4 months > 3 → 待遇享受等待期为6个月 from the payment day 2025-11-03 → 2026-05-03.
    ledger = fold([*ORIGIN, moved(), paid("bz", "bazhong", "2025-11-03", "2025-11-01", "2026-06-30")], "2026-01-01")
    period = ledger.period_on(date(2026, 1, 1))
    assert period is not None and period.benefits_from == date(2026, 5, 3)
    assert period.waiting is not None and period.waiting.reason == "transfer_gap"


def test_claims_settle_under_the_rules_of_the_region_on_their_date() -> None:
    items = [
        *ORIGIN,
        moved(),
        paid("bz", "bazhong", "2025-08-05", "2025-08-01", "2025-12-31"),
        claim("C-before", "2025-05-01", "2025-05-10"),
        claim("C-after", "2025-09-01", "2025-09-10"),
    ]
    ledger = fold(items, "2025-12-31")
    before, after = ledger.settlements["C-before"], ledger.settlements["C-after"]
    assert before.status == "settled" and before.edition is not None and before.edition.name == "shenyang-employee"
    assert after.status == "settled" and after.edition is not None and after.edition.name == "bazhong-employee"


def test_contribution_years_count_in_both_as_the_destination_counts_them() -> None:
    ledger = fold([*ORIGIN, moved(), paid("bz", "bazhong", "2025-08-05", "2025-08-01", "2025-12-31")], "2025-12-31")
    years = ledger.contribution_years
    assert years is not None
    document = years.as_json()
    # 缴费年限累计计算: Jan–Jun in Shenyang are months paid outside Bazhong, Aug–Dec local.
    assert document["region"] == "bazhong"
    assert document["local_months"] == 5 and document["outside_months"] == 6


def test_the_personal_account_moves_as_a_movement_on_both_sides() -> None:
    ledger = fold([*ORIGIN, moved(balance="1000.00")], "2025-07-15")
    account = ledger.personal_account
    assert account is not None
    kinds = [m.kind for m in account.movements if m.on == date(2025, 7, 1)]
    assert kinds == ["transfer_out", "transfer_in"]
    out, arrived = (m for m in account.movements if m.kind in ("transfer_out", "transfer_in"))
    assert out.balance_after_fen == 0 and arrived.amount_fen == 100_000
    assert account.balance_fen == 100_000, "the stated amount is what arrives, counted once"
    assert "readings.transfer_account_balance" in {r.name for r in arrived.readings}


def test_without_a_stated_amount_the_computed_balance_moves() -> None:
    ledger = fold([*ORIGIN, moved(balance=None)], "2025-07-15")
    account = ledger.personal_account
    assert account is not None
    out = next(m for m in account.movements if m.kind == "transfer_out")
    arrived = next(m for m in account.movements if m.kind == "transfer_in")
    assert out.amount_fen == arrived.amount_fen and account.balance_fen == arrived.amount_fen


def test_a_move_to_a_region_without_a_rule_set_is_kept_and_says_what_cannot_be_computed() -> None:
    items = [
        *ORIGIN,
        moved(to_region="anshan"),
        paid("as", "anshan", "2025-08-05", "2025-08-01", "2025-12-31"),
        claim("C-before", "2025-05-01", "2025-05-10"),
        claim("C-after", "2025-09-01", "2025-09-10"),
    ]
    ledger = fold(items, "2025-12-31")
    document = status_document(ledger)
    assert document["region"] == "anshan"
    [text] = document["transfers"]["not_computable"]
    assert "no rule set anshan-employee" in text and "1 payment(s) there set aside" in text
    assert ledger.settlements["C-before"].status == "settled"
    # After the move the claim is one of a member beyond the rule book (docs/settlement.md): nothing computed.
    after = ledger.settlements["C-after"]
    assert after.status == "rejected" and after.fund_total_fen == 0
    assert "no rule set anshan-employee" in after.reasons[0]
    # Moved there without a payment there yet: the claim says the same, from the move.
    unpaid = fold(
        [
            i
            for i in items
            if i["event_id"] != paid("as", "anshan", "2025-08-05", "2025-08-01", "2025-12-31")["event_id"]
        ],
        "2025-12-31",
    )
    assert unpaid.settlements["C-after"].reasons[0].startswith("cannot be computed: no rule set anshan-employee")


def test_a_move_recorded_by_mistake_is_retracted_like_any_event() -> None:
    mistake = moved()
    retraction = raw(
        "undo-move",
        "EventRetracted",
        "2025-08-01",
        {"retracted_event_id": mistake["event_id"], "reason": "the transfer was filed for the wrong person"},
    )
    ledger = fold([*ORIGIN, mistake, retraction], "2025-07-15")
    document = status_document(ledger)
    assert document["region"] == "shenyang" and document["transfers"] is None


def test_the_region_of_a_write_follows_the_member_on_the_events_date() -> None:
    from projections.access import member_region

    history = stored_events([*ORIGIN, moved()])
    assert member_region(history, on=date(2025, 6, 30)) == "shenyang"
    assert member_region(history, on=date(2025, 7, 1)) == "bazhong"
    assert member_region(history) == "bazhong"
    undo = raw("undo", "EventRetracted", "2025-08-01", {"retracted_event_id": moved()["event_id"], "reason": "wrong"})
    assert member_region(stored_events([*ORIGIN, moved(), undo]), on=date(2025, 9, 1)) == "shenyang"


ONLY_LOCAL_YEARS = """
patch: continuity-local-only
base: bazhong-resident
description: What if only years insured in Bazhong counted for continuity?
parameters:
  readings.continuity_any_region:
    values:
      - from: 2025-01-01
        value: false
        reference: {document: bz-handbook-2025, section: "002 ch.3 十问(一) (other reading)"}
"""


def resident_paid(year: int, region: str) -> dict[str, Any]:
    return raw(
        f"res-{year}-{region}",
        "ContributionPaid",
        f"{year - 1}-12-10",
        {
            "scheme": "resident",
            "region": region,
            "coverage_start": f"{year}-01-01",
            "coverage_end": f"{year}-12-31",
            "amount": "400.00",
            "kind": "regular",
        },
    )


def test_continuity_counts_a_year_insured_in_any_region_and_names_the_reading(tmp_path: Any) -> None:
    """002 ch.3 十问(一): 断保 is a year 没有参加医保 — a resident year paid in Shenyang before moving is no gap."""
    move = raw(
        "res-move",
        "MemberTransferred",
        "2026-01-01",
        {"from_region": "shenyang", "to_region": "bazhong", "scheme": "resident", "transferred_on": "2026-01-01"},
    )
    items = [
        ORIGIN[0],
        resident_paid(2025, "shenyang"),
        move,
        resident_paid(2026, "bazhong"),
        resident_paid(2027, "bazhong"),
    ]
    document = status_document(fold(items, "2027-06-30"))
    assert document["region"] == "bazhong" and document["edition"]["name"] == "bazhong-resident"
    assert (document["continuity"]["consecutive_years"], document["continuity"]["gap_years"]) == (3, 0)
    continuity = next(e for e in document["explanations"] if e["field"] == "continuity")
    assert "readings.continuity_any_region" in {p["name"] for p in continuity["parameters"]}
    # Under the other reading the Shenyang year is a gap year: 2 consecutive years, 1 gap since 2025.
    patch = tmp_path / "local-only.yaml"
    patch.write_text(ONLY_LOCAL_YEARS, encoding="utf-8")
    local_only = RULEBOOK.load_alternative(patch)
    ledger = fold_member(
        stored_events(items),
        member_id=MEMBER,
        as_of=date(2027, 6, 30),
        known_at=datetime(2030, 1, 1, tzinfo=UTC),
        edition_for=edition_finder(RULEBOOK, local_only),
    )
    other = status_document(ledger)["continuity"]
    assert (other["consecutive_years"], other["gap_years"]) == (2, 1)
