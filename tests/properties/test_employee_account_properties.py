"""Invariants of the employee entitlements, over generated employee histories (hypothesis).

The personal-account balance never goes negative and every movement adds up; every family-aid
transfer that moved money had a close relative bound at that moment; contribution years never
decrease as the date asked about moves on; the answer does not depend on arrival order.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.contract import DATE_MAX, parse_batch
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.money import parse_yuan
from domain.scenario import recorded
from projections.entitlements import cap_usage_rows, coverage_rows, retroactive_rows, settlement_rows
from projections.rulebook import Rulebook, load_rulebook

RULEBOOK: Rulebook = load_rulebook()
KNOWN_AT = datetime(2040, 1, 1, tzinfo=UTC)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RELATIVES = ["R-1", "R-2", "R-3"]
RELATIONSHIPS = ["spouse", "parent", "child", "sibling", "grandparent", "maternal_grandchild"]
START = date(2024, 1, 1)


def _day(draw: st.DrawFn, first: date = START, days: int = 5 * 365) -> date:
    return first + timedelta(days=draw(st.integers(0, days)))


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """An employee of Shenyang or Bazhong: payments, bases, bindings, aid, spending, retirement, maternity."""
    region = draw(st.sampled_from(["bazhong", "shenyang"]))
    raw: list[dict[str, Any]] = []

    def add(event_type: str, occurred_on: date, data: dict[str, Any]) -> None:
        raw.append(
            {
                "event_id": str(uuid5(NAMESPACE_URL, f"urn:prop-account:{len(raw)}")),
                "member_id": "P-1",
                "type": event_type,
                "occurred_on": occurred_on.isoformat(),
                "data": data,
            }
        )

    sex = draw(st.sampled_from(["M", "F"]))
    add("MemberRegistered", date(2023, 12, 1), {"region": region, "birth_date": "1966-04-10", "sex": sex})
    for _ in range(draw(st.integers(0, 3))):
        valid_from = _day(draw).replace(day=1)
        add(
            "ContributionBaseDeclared",
            _day(draw),
            {
                "kind": draw(st.sampled_from(["contribution_base", "contribution_base", "average_pension_2022"])),
                "monthly_base": _yuan(draw(st.integers(0, 2_000_000))),
                "valid_from": valid_from.isoformat(),
            },
        )
    if draw(st.booleans()):
        add(
            "ContributionPaid",
            date(2023, 12, 20),
            {
                "scheme": "employee",
                "region": region,
                "coverage_start": f"{draw(st.integers(1990, 2010))}-01-01",
                "coverage_end": "2023-12-31",
                "amount": "0.00",
                "kind": draw(st.sampled_from(["regular", "transfer_in"])),
            },
        )
    for _ in range(draw(st.integers(0, 6))):
        year, month = draw(st.integers(2024, 2028)), draw(st.integers(1, 12))
        months = draw(st.integers(1, 12))
        end_index = year * 12 + month - 1 + months - 1
        add(
            "ContributionPaid",
            date(year, month, 1) + timedelta(days=draw(st.integers(-40, 60))),
            {
                "scheme": "employee",
                "region": region,
                "coverage_start": date(year, month, 1).isoformat(),
                "coverage_end": _month_end(end_index // 12, end_index % 12 + 1).isoformat(),
                "amount": _yuan(months * 30_000),
                "kind": draw(st.sampled_from(["regular", "regular", "arrears"])),
            },
        )
    for _ in range(draw(st.integers(0, 4))):
        relative = draw(st.sampled_from(RELATIVES))
        if draw(st.integers(0, 3)) == 0:
            add("RelativeUnbound", _day(draw), {"relative_member_id": relative})
        else:
            add(
                "RelativeBound",
                _day(draw),
                {"relative_member_id": relative, "relationship": draw(st.sampled_from(RELATIONSHIPS))},
            )
    for _ in range(draw(st.integers(0, 6))):
        purpose = draw(st.sampled_from(["resident_contribution", "medical_costs", "wallet_transfer"]))
        add(
            "FamilyAidTransferred",
            _day(draw),
            {
                "relative_member_id": draw(st.sampled_from(RELATIVES)),
                "amount": _yuan(draw(st.integers(0, 200_000))),
                "purpose": purpose,
                "channel": "wallet" if purpose == "wallet_transfer" else draw(st.sampled_from(["account", "wallet"])),
                "cross_province": draw(st.booleans()),
            },
        )
    for _ in range(draw(st.integers(0, 4))):
        add(
            "PersonalAccountSpent",
            _day(draw),
            {"purpose": "pharmacy", "amount": _yuan(draw(st.integers(0, 200_000)))},
        )
    if draw(st.booleans()):
        add("ContributionYearsDeemed", _day(draw), {"basis": "military_service", "months": draw(st.integers(1, 60))})
    if draw(st.booleans()):
        retired_on = _day(draw)
        add("RetirementReached", retired_on, {"region": region})
        if draw(st.booleans()):
            months = draw(st.integers(1, 120))
            add(
                "ShortfallSettled",
                retired_on + timedelta(days=draw(st.integers(0, 90))),
                {
                    "region": region,
                    "months": months,
                    "reference_monthly_base": "5000.00",
                    "amount": _yuan(draw(st.integers(0, months * 50_000))),
                },
            )
    if draw(st.integers(0, 4)) == 0:
        add("PersonalAccountPaidOut", _day(draw), {"reason": draw(st.sampled_from(["death", "voluntary_termination"]))})
    if draw(st.booleans()):
        add(
            "MaternityOccurred",
            _day(draw),
            {
                "kind": draw(st.sampled_from(["natural", "caesarean_or_difficult", "male_nursing_leave"])),
                "babies": draw(st.integers(1, 3)),
                "insured_as": draw(st.sampled_from(["employee", "flexible"])),
                "employer_average_monthly_wage": "7000.00",
            },
        )
    return raw


def fold(raw: list[dict[str, Any]], as_of: date, known_at: datetime = KNOWN_AT) -> MemberLedger:
    events = [recorded(event, position) for position, event in enumerate(parse_batch(raw))]
    return fold_member(events, member_id="P-1", as_of=as_of, known_at=known_at, edition_for=edition_finder(RULEBOOK))


AS_OF = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))


@SETTINGS
@given(raw=histories(), as_of=AS_OF)
def test_the_balance_never_goes_negative_and_every_movement_adds_up(raw: list[Any], as_of: date) -> None:
    document = status_document(fold(raw, as_of))
    account = document["personal_account"]
    if account is None:
        return
    balance = 0
    for movement in account["movements"]:
        amount = parse_yuan(movement["amount"])
        balance += amount if movement["direction"] == "credit" else -amount
        assert parse_yuan(movement["balance_after"]) == balance >= 0, movement
    assert parse_yuan(account["balance"]) == balance >= 0
    fields = {e["field"] for e in document["explanations"]}
    assert all(f"personal_account.movements[{i}]" in fields for i in range(len(account["movements"])))
    assert all(f"personal_account.refused[{i}]" in fields for i in range(len(account["refused"])))


@SETTINGS
@given(raw=histories(), as_of=AS_OF)
def test_every_transfer_has_a_matching_close_relative_binding(raw: list[Any], as_of: date) -> None:
    ledger = fold(raw, as_of)
    account = ledger.personal_account
    if account is None:
        return
    close = {"spouse", "parent", "child", "sibling", "grandparent", "maternal_grandparent", "grandchild"}
    close.add("maternal_grandchild")
    events = ledger.facts.account_events
    for movement in account.movements:
        if movement.kind != "family_aid":
            continue
        position = next(i for i, e in enumerate(events) if e.event_id == movement.event_id)
        bound: str | None = None
        for earlier in events[:position]:
            if getattr(earlier.data, "relative_member_id", None) != movement.relative_member_id:
                continue
            if earlier.type == "RelativeBound":
                bound = earlier.data.relationship.value
            elif earlier.type == "RelativeUnbound":
                bound = None
        assert bound is not None and bound in close, movement
        assert bound == movement.relationship


@SETTINGS
@given(raw=histories(), first=AS_OF, later_days=st.integers(0, 2000))
def test_contribution_years_never_decrease(raw: list[Any], first: date, later_days: int) -> None:
    earlier = fold(raw, first).contribution_years
    later = fold(raw, first + timedelta(days=later_days)).contribution_years
    if earlier is None:
        return
    assert later is not None
    for name in ("local_months", "outside_months", "settled_months", "counted_actual_months", "total_months"):
        assert getattr(later.count, name) >= getattr(earlier.count, name), name


@SETTINGS
@given(raw=histories(), as_of=AS_OF, cut=st.integers(0, 5 * 365))
def test_contribution_years_never_decrease_as_more_becomes_known(raw: list[Any], as_of: date, cut: int) -> None:
    known_earlier = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=cut)
    earlier = fold(raw, as_of, known_earlier).contribution_years
    later = fold(raw, as_of).contribution_years
    if earlier is None:
        return
    assert later is not None and later.count.total_months >= earlier.count.total_months


@SETTINGS
@given(raw=histories(), as_of=AS_OF, seed=st.integers(0, 2**32 - 1))
def test_the_accounts_do_not_depend_on_arrival_order(raw: list[Any], as_of: date, seed: int) -> None:
    shuffled = list(raw)
    random.Random(seed).shuffle(shuffled)
    first, second = status_document(fold(raw, as_of)), status_document(fold(shuffled, as_of))
    assert first == second


#: The read model's fold of every event whatever its date (the live projection, promotable replays).
ALL_OF_TIME = date(9999, 12, 31)


def _rows(ledger: MemberLedger) -> list[list[dict[str, Any]]]:
    return [rows(ledger) for rows in (coverage_rows, settlement_rows, cap_usage_rows, retroactive_rows)]


@SETTINGS
@given(raw=histories())
def test_the_fold_of_all_of_time_runs_what_time_drives_to_the_last_event(raw: list[Any]) -> None:
    """As of 9999-12-31 a retiree's monthly credits and the yearly interest stop on the last visible event's day:
    the account as of that day begins the account of all of time, and all that follows are months paid ahead. The
    read model's rows are those of a fold as of the last date the contract accepts."""
    everything = fold(raw, ALL_OF_TIME)
    last = everything.facts.last_event_on
    assert last is not None and everything.facts.series_end == last
    assert _rows(everything) == _rows(fold(raw, DATE_MAX))
    account = status_document(everything)["personal_account"]
    until_last = status_document(fold(raw, last))["personal_account"]
    if account is None:
        assert until_last is None
        return
    movements, first = account["movements"], until_last["movements"]
    assert movements[: len(first)] == first
    later = movements[len(first) :]
    assert all(m["kind"] == "contribution_accrual" and m["date"] > last.isoformat() for m in later), later
