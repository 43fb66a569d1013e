"""Coverage spells: an employee paid every month, on any day of that month, is one spell.

The invariant (docs/entitlements.md, "Coverage spells"): inside a spell of monthly payments
``covered`` and ``benefits_active`` never flicker with the day the employer pays — covered from
the first paid month on, benefits once begun never stop — and ``benefits_start`` is never null
while ``covered`` is true: it is the spell's first day with benefits, the same on every day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.contract import parse_batch
from domain.dates import add_months
from domain.entitlements.fold import edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.scenario import recorded
from projections.rulebook import Rulebook, load_rulebook
from tests.properties.test_fold_properties import fold, histories

RULEBOOK: Rulebook = load_rulebook()
KNOWN_AT = datetime(2040, 1, 1, tzinfo=UTC)


def _month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


@st.composite
def monthly_payers(draw: st.DrawFn, *, arrears: bool = False) -> tuple[list[dict[str, Any]], date, date]:
    """An employee whose employer pays each month on some day of that month (with ``arrears``: or of the
    following month), for 2 to 30 months."""
    region = draw(st.sampled_from(["shenyang", "bazhong"]))
    first = date(draw(st.integers(2025, 2026)), draw(st.integers(1, 12)), 1)
    months = draw(st.integers(2, 30))
    raw: list[dict[str, Any]] = [
        {
            "event_id": str(uuid5(NAMESPACE_URL, "urn:spell:reg")),
            "member_id": "S-1",
            "type": "MemberRegistered",
            "occurred_on": (first - timedelta(days=40)).isoformat(),
            "data": {"region": region, "birth_date": "1985-05-05", "sex": "M"},
        }
    ]
    for number in range(months):
        month = add_months(first, number)
        # The employer pays month M during M or, collected in arrears, during M+1 (000 待遇起始时间 2;
        # readings.employee_contribution_due in Shenyang; 002 ch.2 二十三问 in Bazhong).
        paid_in = add_months(month, draw(st.sampled_from([0, 1]) if arrears else st.just(0)))
        day = draw(st.integers(1, _month_end(paid_in).day))
        raw.append(
            {
                "event_id": str(uuid5(NAMESPACE_URL, f"urn:spell:{number}")),
                "member_id": "S-1",
                "type": "ContributionPaid",
                "occurred_on": paid_in.replace(day=day).isoformat(),
                "data": {
                    "scheme": "employee",
                    "region": region,
                    "coverage_start": month.isoformat(),
                    "coverage_end": _month_end(month).isoformat(),
                    "amount": "300.00",
                    "kind": "regular",
                },
            }
        )
    first_paid = min(date.fromisoformat(event["occurred_on"]) for event in raw[1:])
    last_month_end = _month_end(add_months(first, months - 1))
    return raw, first_paid, last_month_end


def _status(raw: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    events = [recorded(event, position) for position, event in enumerate(parse_batch(raw))]
    ledger = fold_member(events, member_id="S-1", as_of=as_of, known_at=KNOWN_AT, edition_for=edition_finder(RULEBOOK))
    return status_document(ledger)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=monthly_payers(), offsets=st.lists(st.integers(0, 1000), min_size=4, max_size=8))
def test_monthly_payments_on_any_day_never_flicker(history: tuple[list[Any], date, date], offsets: list[int]) -> None:
    _never_flickers(history, offsets)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=monthly_payers(arrears=True), offsets=st.lists(st.integers(0, 1000), min_size=4, max_size=8))
def test_payments_in_the_following_month_never_flicker(
    history: tuple[list[Any], date, date], offsets: list[int]
) -> None:
    """Month M paid on any day of M or of M+1 (contributions collected in arrears): still one unbroken spell."""
    _never_flickers(history, offsets)


def _never_flickers(history: tuple[list[Any], date, date], offsets: list[int]) -> None:
    raw, first_paid, last_day = history
    span = (last_day - first_paid).days
    days = sorted({first_paid + timedelta(days=offset % (span + 1)) for offset in offsets} | {first_paid, last_day})
    starts = set()
    active_seen = False
    for day in days:
        document = _status(raw, day)
        assert document["covered"] is True, (day, document["explanations"])
        assert document["benefits_start"] is not None, day
        assert document["spell"] is not None and document["spell"]["periods"] >= 1
        starts.add(document["benefits_start"])
        if active_seen:
            assert document["benefits_active"] is True, f"benefits stopped on {day} inside the spell"
        active_seen = active_seen or document["benefits_active"]
        if not document["benefits_active"]:
            assert document["waiting"] is not None and document["waiting"]["running"] is True, day
            assert day < date.fromisoformat(document["benefits_start"])
        assert document["suspended"] is False
        assert document["continuity"]["employee"]["continuous_months"] >= 1
    assert len(starts) == 1, f"benefits_start moved within one spell: {sorted(starts)}"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories(), day=st.dates(date(2025, 1, 1), date(2032, 12, 31)))
def test_benefits_start_is_never_null_while_covered(history: tuple[str, list[Any]], day: date) -> None:
    """Any scheme and region: a covered member always has a benefits_start; waiting, when shown, explains it."""
    _, raw = history
    document = status_document(fold(raw, day))
    if document["covered"]:
        assert document["benefits_start"] is not None and document["spell"] is not None
        start = date.fromisoformat(document["benefits_start"])
        if not document["benefits_active"] and not document["suspended"] and day < start:
            assert document["waiting"] is None or document["waiting"]["running"] is True
    else:
        assert document["benefits_active"] is False and document["spell"] is None
