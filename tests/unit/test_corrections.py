"""Corrections (EventRetracted) in the one fold: bitemporal, by recorded time (reading ``retraction_time``).

The member is the resident of 002 ch.1 四十三 (Zhang San, 乡镇卫生院): policy-scope 4,200 yuan,
deductible 100, 90% → the basic pool pays (4,200 − 100) × 0.9 = 3,690 yuan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.contract import parse_event
from domain.entitlements.facts import retraction_marks
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.entitlements.status import RecordedFigures, status_document
from domain.member_stream import RecordedEvent, recorded_from_contract
from projections.rulebook import load_rulebook
from tests.support.events import make_event

RULEBOOK = load_rulebook()
MEMBER = "R-1"


def event_id(label: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"urn:corrections:{label}"))


def raw(label: str, event_type: str, occurred_on: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": event_id(label),
        "member_id": MEMBER,
        "type": event_type,
        "occurred_on": occurred_on,
        "source": "test",
        "data": data,
    }


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def stored(items: list[tuple[dict[str, Any], str]]) -> list[RecordedEvent]:
    return [
        recorded_from_contract(parse_event(item), recorded_at=at(moment), stream_position=position)
        for position, (item, moment) in enumerate(items)
    ]


REGISTERED = raw("reg", "MemberRegistered", "2024-12-01", {"region": "bazhong", "birth_date": "1980-05-06", "sex": "M"})
PAID_2025 = raw(
    "paid",
    "ContributionPaid",
    "2024-12-10",
    {
        "scheme": "resident",
        "region": "bazhong",
        "coverage_start": "2025-01-01",
        "coverage_end": "2025-12-31",
        "amount": "400.00",
        "kind": "regular",
    },
)
# The support module's valid inpatient claim, recorded without an application day (the fold's default).
CLAIM = raw("claim", "ClaimSubmitted", "2025-05-10", make_event("ClaimSubmitted", applied_on=None)["data"])


def retraction(label: str, target: dict[str, Any], occurred_on: str = "2025-06-01") -> dict[str, Any]:
    return raw(
        label,
        "EventRetracted",
        occurred_on,
        {"retracted_event_id": target["event_id"], "reason": "the payment belonged to another member"},
    )


BASE = [(REGISTERED, "2024-12-01T08:00:00"), (PAID_2025, "2024-12-10T08:00:00"), (CLAIM, "2025-05-10T08:00:00")]
RETRACTED_PAYMENT = [*BASE, (retraction("fix", PAID_2025), "2025-06-01T09:00:00")]


def fold(events: list[RecordedEvent], *, as_of: str, known_at: str) -> MemberLedger:
    return fold_member(
        events,
        member_id=MEMBER,
        as_of=date.fromisoformat(as_of),
        known_at=at(known_at),
        edition_for=edition_finder(RULEBOOK),
    )


def test_the_uncorrected_claim_pays_the_seed_figure() -> None:
    ledger = fold(stored(BASE), as_of="2025-07-01", known_at="2025-07-01T00:00:00")
    # 002 ch.1 四十三: (4,200 − 100) × 90% = 3,690 yuan from the basic pool.
    assert ledger.settlements["C-1"].layers_fen["basic_pool"] == 369_000


def test_as_known_before_the_retraction_the_event_still_counts() -> None:
    ledger = fold(stored(RETRACTED_PAYMENT), as_of="2025-07-01", known_at="2025-06-01T08:59:59")
    assert ledger.settlements["C-1"].status == "settled"
    assert ledger.settlements["C-1"].layers_fen["basic_pool"] == 369_000
    assert status_document(ledger)["corrections"] is None


def test_once_known_the_retraction_removes_the_event_from_every_as_of() -> None:
    events = stored(RETRACTED_PAYMENT)
    # as_of before the retraction's own date: the correction still applies (it is about what was known).
    for as_of in ("2025-05-15", "2025-07-01"):
        ledger = fold(events, as_of=as_of, known_at="2025-06-01T09:00:00")
        assert ledger.facts.payments == []
        document = status_document(ledger)
        assert document["covered"] is False
    ledger = fold(events, as_of="2025-07-01", known_at="2025-06-01T09:00:00")
    assert ledger.settlements["C-1"].status == "rejected"
    assert any("not covered" in reason for reason in ledger.settlements["C-1"].reasons)


def test_the_status_names_who_retracted_what_when_and_why() -> None:
    ledger = fold(stored(RETRACTED_PAYMENT), as_of="2025-07-01", known_at="2025-07-01T00:00:00")
    corrections = status_document(ledger)["corrections"]
    assert corrections["retracted"] == [
        {
            "event_id": PAID_2025["event_id"],
            "type": "ContributionPaid",
            "occurred_on": "2024-12-10",
            "retracted_by": event_id("fix"),
            "retracted_at": "2025-06-01T09:00:00Z",
            "retracted_by_source": "test",
            "reason": "the payment belonged to another member",
        }
    ]


def test_a_recorded_decision_stays_beside_its_recomputed_figure() -> None:
    ledger = fold(stored(RETRACTED_PAYMENT), as_of="2025-07-01", known_at="2025-07-01T00:00:00")
    decided = RecordedFigures(
        claim_id="C-1",
        claim_event_id=CLAIM["event_id"],
        status="settled",
        fund_total_fen=369_000,
        member_pays_fen=81_000,
        layers_fen={"basic_pool": 369_000},
        decided_at=at("2025-05-10T08:00:01"),
    )
    [revised] = status_document(ledger, {"C-1": decided})["corrections"]["revised_claims"]
    assert revised["recorded"]["fund_total"] == "3690.00"
    assert revised["recomputed"]["status"] == "rejected"
    assert revised["recomputed"]["fund_total"] == "0.00"
    # A decision made after known_at is not part of that view.
    early = fold(stored(RETRACTED_PAYMENT), as_of="2025-07-01", known_at="2025-06-01T09:00:00")
    late = RecordedFigures(**{**decided.__dict__, "decided_at": at("2025-06-02T00:00:00")})
    assert status_document(early, {"C-1": late})["corrections"]["revised_claims"] == []


def test_a_retracted_claim_is_no_longer_settled_and_its_decision_shows_none_recomputed() -> None:
    events = stored([*BASE, (retraction("undo-claim", CLAIM), "2025-05-11T08:00:00")])
    ledger = fold(events, as_of="2025-07-01", known_at="2025-07-01T00:00:00")
    assert "C-1" not in ledger.settlements
    decided = RecordedFigures(
        "C-1", CLAIM["event_id"], "settled", 369_000, 81_000, {"basic_pool": 369_000}, at("2025-05-10T08:00:01")
    )
    [revised] = status_document(ledger, {"C-1": decided})["corrections"]["revised_claims"]
    assert revised["recomputed"] is None


def test_a_corrected_fact_is_a_retraction_plus_a_new_event() -> None:
    corrected = raw(
        "claim-2",
        "ClaimSubmitted",
        "2025-05-10",
        {**CLAIM["data"], "total_amount": "2300.00", "policy_amount": "2000.00"},
    )
    events = stored(
        [*BASE, (retraction("undo-claim", CLAIM), "2025-05-11T08:00:00"), (corrected, "2025-05-11T08:00:00")]
    )
    ledger = fold(events, as_of="2025-07-01", known_at="2025-07-01T00:00:00")
    # (2,000 − 100) × 90% = 1,710 yuan on the corrected bill.
    assert ledger.settlements["C-1"].layers_fen["basic_pool"] == 171_000
    assert ledger.settlements["C-1"].event_id == corrected["event_id"]


def test_histories_mark_retracted_events() -> None:
    marks = retraction_marks(stored(RETRACTED_PAYMENT))
    assert set(marks) == {PAID_2025["event_id"]}
    assert marks[PAID_2025["event_id"]].mark_json()["reason"] == "the payment belonged to another member"
