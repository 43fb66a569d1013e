"""Contribution years (缴费年限) and the shortfall at retirement, per region.

Sources (seeds):

* Shenyang (000 缴费年限 1, 2): at least 25 years in all, men retiring from 2024 one more a year to
  30 in 2028 (``retirement.minimum_years_total`` by sex, read on the retirement day); at least 10
  actual years for those retiring from 2022 (``retirement.minimum_years_actual``); years paid
  outside Shenyang are deemed (视同), never actual
  (``contribution_years.outside_region_counts_for_actual`` false); pre-2003 service is deemed.
  Missing years are bought once at 6 % of the prior year's average wage
  (``contribution.retirement_top_up_rate``), all into the pooling fund; retiree benefits follow
  from the month after (``retirement.benefits_start``), or the member keeps paying monthly until
  the years are complete.
* Bazhong (002 ch.2 十九问 – 二十二问): 20 years in all and 10 in Bazhong in 2025, rising to 30 (men)
  / 25 (women) and 15 within the province by 2035; transferred years add up; military service is
  deemed local (``contribution_years.local_deemed_bases``); missing years at 7 % of the minimum
  base of the payment year, not credited to the personal account.

Months are counted: a month counts once it has begun (by the day asked about) and a visible
payment covers it; months paid twice count once. The years only grow with ``as_of`` and
``known_at`` (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from domain.contract import (
    ContributionKind,
    ContributionYearsDeemedData,
    RetirementReachedData,
    ShortfallSettledData,
)
from domain.dates import first_of_next_month
from domain.entitlements.facts import AccountEvent, MemberFacts, Payment
from domain.entitlements.periods import (
    EditionFinder,
    has,
    integer,
    month_index,
    month_start,
    older_history_note,
    ratio,
    read,
)
from domain.errors import LedgerError
from domain.messages import Message, concat, joined, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading, Table

EMPLOYEE = "employee"
SEXES = {"M": "male", "F": "female"}


def employee_payments(facts: MemberFacts) -> list[Payment]:
    """The member's employee payments (repairs are a resident notion and never count), in payment order."""
    return sorted(
        (p for p in facts.payments if p.scheme == EMPLOYEE and p.kind is not ContributionKind.REPAIR),
        key=lambda p: (p.paid_on, p.coverage_start, p.event_id),
    )


def months_of(payment: Payment) -> range:
    return range(month_index(payment.coverage_start), month_index(payment.coverage_end) + 1)


def employee_region(facts: MemberFacts, on: date) -> str | None:
    """The region of the member's latest employee payment made by ``on``, else the registered region; after a
    move (``MemberTransferred``) the destination's, which counts the origin's months as paid outside."""
    if any(t.on <= on and t.scheme == EMPLOYEE for t in facts.transfers):
        return facts.region_on(on)
    paid = [p for p in employee_payments(facts) if p.paid_on <= on]
    return paid[-1].region if paid else facts.region


def employee_edition(facts: MemberFacts, edition_for: EditionFinder, on: date) -> Edition | None:
    region = employee_region(facts, on)
    if region is None:
        return None
    try:
        return edition_for(region, EMPLOYEE)
    except LedgerError:
        return None


def years_text(months: int) -> str:
    """Months as years with two decimals, rounded down ("25.50" for 306 months)."""
    return str((Decimal(months) / 12).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


@dataclass(frozen=True)
class ShortfallPayment:
    """A one-off payment for missing months and whether it was enough."""

    event_id: str
    on: date
    months: int
    reference_fen: int
    due_fen: int
    paid_fen: int
    accepted: bool
    text: Message
    readings: tuple[ParameterReading, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "date": self.on.isoformat(),
            "months": self.months,
            "reference_monthly_base": format_yuan(self.reference_fen),
            "due": format_yuan(self.due_fen),
            "paid": format_yuan(self.paid_fen),
            "accepted": self.accepted,
        }


@dataclass(frozen=True)
class YearCount:
    """Months counted on one day."""

    local_months: int
    outside_months: int
    deemed_months: dict[str, int]
    settled_months: int
    counted_actual_months: int

    @property
    def total_months(self) -> int:
        return self.local_months + self.outside_months + sum(self.deemed_months.values()) + self.settled_months


@dataclass
class ContributionYears:
    """The member's contribution years on ``as_of``, the minimum that applies and the shortfall."""

    region: str
    edition: Edition
    count: YearCount
    retired_on: date | None
    required_total_months: int | None
    required_actual_months: int | None
    shortfall_at_retirement_months: int | None
    shortfall_months: int | None
    completed_on: date | None
    retiree_benefits_from: date | None
    settlements: list[ShortfallPayment] = field(default_factory=list)
    text: Message = field(default_factory=lambda: joined())
    readings: tuple[ParameterReading, ...] = ()
    #: Retired by a certified ``retired`` category alone (no ``RetirementReached``): the certification is the
    #: retirement fact, and the retiree benefits it certifies start on its first day.
    certified_retirement: bool = False

    def retired_on_day(self, day: date) -> bool:
        """Whether retiree benefits (and the retiree account credit) apply on ``day``."""
        return self.retiree_benefits_from is not None and day >= self.retiree_benefits_from

    def as_json(self) -> dict[str, Any]:
        count = self.count
        return {
            "region": self.region,
            "local_months": count.local_months,
            "outside_months": count.outside_months,
            "deemed_months": dict(sorted(count.deemed_months.items())),
            "settled_months": count.settled_months,
            "total_months": count.total_months,
            "total_years": years_text(count.total_months),
            "actual_months": count.counted_actual_months,
            "actual_years": years_text(count.counted_actual_months),
            "required_total_years": None
            if self.required_total_months is None
            else years_text(self.required_total_months),
            "required_actual_years": None
            if self.required_actual_months is None
            else years_text(self.required_actual_months),
            "retired_on": None if self.retired_on is None else self.retired_on.isoformat(),
            "shortfall_at_retirement_months": self.shortfall_at_retirement_months,
            "shortfall_months": self.shortfall_months,
            "shortfall_years": None if self.shortfall_months is None else years_text(self.shortfall_months),
            "completed_on": None if self.completed_on is None else self.completed_on.isoformat(),
            "retiree_benefits_from": None
            if self.retiree_benefits_from is None
            else self.retiree_benefits_from.isoformat(),
            "shortfall_payments": [s.as_json() for s in self.settlements],
        }


def retired_on(facts: MemberFacts, years: ContributionYears | None, day: date) -> bool:
    """Whether the member counts as retired on ``day`` — the one decision settlement and the status share.

    Retired: a certified ``retired`` category covering ``day`` (CategoryCertified), or a
    ``RetirementReached`` from the day retiree benefits start as :func:`contribution_years` worked
    them out (``retirement.benefits_start``: the month after nothing is missing any more, so a
    shortfall delays it; ``ContributionYears.retiree_benefits_from``). The status document shows that
    day as ``contribution_years.retiree_benefits_from``; the personal account credits retirees from it.
    """
    return facts.has_category("retired", day) or (years is not None and years.retired_on_day(day))


def _events(facts: MemberFacts, data_type: type) -> list[AccountEvent]:
    return [e for e in facts.account_events if isinstance(e.data, data_type)]


def _settlement(event: AccountEvent, edition: Edition) -> ShortfallPayment:
    data = event.data
    assert isinstance(data, ShortfallSettledData)
    rate = read(edition, "contribution.retirement_top_up_rate", event.occurred_on)
    due = fen_times_ratio(data.reference_monthly_base * data.months, ratio(rate))
    accepted = data.amount >= due
    parts = [
        msg(
            "years.shortfall_payment",
            months=data.months,
            base=format_yuan(data.reference_monthly_base),
            rate=ratio(rate),
            due=format_yuan(due),
            paid=format_yuan(data.amount),
            outcome=msg("years.shortfall_accepted" if accepted else "years.shortfall_refused"),
        )
    ]
    readings: list[ParameterReading] = [rate]
    if has(edition, "retirement.top_up_credits_account"):
        credits = read(edition, "retirement.top_up_credits_account", event.occurred_on)
        readings.append(credits)
        if credits.value is False:
            parts.append(msg("years.not_credited"))
    return ShortfallPayment(
        event.event_id,
        event.occurred_on,
        data.months,
        data.reference_monthly_base,
        due,
        data.amount,
        accepted,
        concat(joined(*parts), older_history_note([rate], event.occurred_on)),
        tuple(readings),
    )


def _count(
    payments: Iterable[Payment],
    deemed: Iterable[AccountEvent],
    settled: Iterable[ShortfallPayment],
    *,
    region: str,
    day: date,
    local_deemed: tuple[str, ...],
    outside_counts: bool,
) -> YearCount:
    last = month_index(day)
    local: set[int] = set()
    outside: set[int] = set()
    for payment in payments:
        if payment.paid_on > day:
            continue
        months = {m for m in months_of(payment) if m <= last}
        if payment.kind is ContributionKind.TRANSFER_IN or payment.region != region:
            outside |= months
        else:
            local |= months
    outside -= local
    deemed_months: dict[str, int] = {}
    for event in deemed:
        if event.occurred_on <= day:
            data = event.data
            assert isinstance(data, ContributionYearsDeemedData)
            deemed_months[data.basis.value] = deemed_months.get(data.basis.value, 0) + data.months
    settled_months = sum(s.months for s in settled if s.accepted and s.on <= day)
    counted = len(local) + settled_months + sum(v for k, v in deemed_months.items() if k in local_deemed)
    if outside_counts:
        counted += len(outside)
    return YearCount(len(local), len(outside), deemed_months, settled_months, counted)


def contribution_years(facts: MemberFacts, edition_for: EditionFinder) -> ContributionYears | None:
    """The member's years on ``facts.as_of``; None for members with no employee history or rule set."""
    payments = employee_payments(facts)
    retirements = _events(facts, RetirementReachedData)
    deemed = _events(facts, ContributionYearsDeemedData)
    settled_events = _events(facts, ShortfallSettledData)
    certified = next(
        (
            span
            for span in sorted(facts.category_spans("retired"), key=lambda s: s.valid_from)
            if span.valid_from <= facts.as_of
        ),
        None,
    )
    if certified is not None and not payments and any(p.scheme == "resident" for p in facts.payments):
        certified = None  # a resident's certification is no employee retirement: 退休 is the employee column
    if not payments and not retirements and not deemed and not settled_events and certified is None:
        return None
    as_of = facts.as_of
    retirement = retirements[0] if retirements else None
    if retirement is not None:
        assert isinstance(retirement.data, RetirementReachedData)
        region: str | None = retirement.data.region.value
    else:
        region = employee_region(facts, as_of)
    if region is None:
        return None
    try:
        edition = edition_for(region, EMPLOYEE)
    except LedgerError:
        return None
    if not has(edition, "retirement.minimum_years_total"):
        return None
    settled = [_settlement(e, edition) for e in settled_events]
    local_deemed: tuple[str, ...] = ()
    readings: list[ParameterReading] = []
    rule_day = retirement.occurred_on if retirement is not None else as_of
    if has(edition, "contribution_years.local_deemed_bases"):
        reading = read(edition, "contribution_years.local_deemed_bases", rule_day)
        assert isinstance(reading.value, tuple)
        local_deemed = reading.value
        readings.append(reading)
    outside_counts = False
    if has(edition, "contribution_years.outside_region_counts_for_actual"):
        reading = read(edition, "contribution_years.outside_region_counts_for_actual", rule_day)
        outside_counts = reading.value is True
        readings.append(reading)

    def count_on(day: date) -> YearCount:
        return _count(
            payments, deemed, settled, region=region, day=day, local_deemed=local_deemed, outside_counts=outside_counts
        )

    count = count_on(as_of)
    total_reading = read(edition, "retirement.minimum_years_total", rule_day)
    readings.append(total_reading)
    required_total: int | None = None
    sex = SEXES.get(facts.sex or "")
    if sex is not None and isinstance(total_reading.value, Table):
        cell = total_reading.value.cell(sex)
        assert isinstance(cell, int)
        required_total = cell * 12
    required_actual: int | None = None
    actual_note: Message | None = None
    if has(edition, "retirement.minimum_years_actual"):
        # The actual / local minimum applies to those retiring from its first date on (000 缴费年限 1:
        # "2022年1月1日（含）以后达到...退休年龄的...最低实际缴费年限调整为10年"), never to earlier retirements.
        first_on = edition.parameter("retirement.minimum_years_actual").first_on
        if rule_day >= first_on:
            actual_reading = read(edition, "retirement.minimum_years_actual", rule_day)
            readings.append(actual_reading)
            required_actual = integer(actual_reading) * 12
        else:
            actual_note = msg("years.no_actual_minimum", first_on=first_on)

    def shortfall(of: YearCount) -> int | None:
        if required_total is None:
            return None
        return max(0, required_total - of.total_months, (required_actual or 0) - of.counted_actual_months)

    parts: list[Message] = [
        msg(
            "years.count",
            total=years_text(count.total_months),
            local=count.local_months,
            region=region,
            outside=count.outside_months,
            deemed=sum(count.deemed_months.values()),
            settled=count.settled_months,
            actual=years_text(count.counted_actual_months),
        )
    ]
    if actual_note is not None:
        parts.append(actual_note)
    if sex is None:
        parts.append(msg("years.sex_unknown"))
    years = ContributionYears(
        region=region,
        edition=edition,
        count=count,
        retired_on=None,
        required_total_months=required_total,
        required_actual_months=required_actual,
        shortfall_at_retirement_months=None,
        shortfall_months=shortfall(count),
        completed_on=None,
        retiree_benefits_from=None,
        settlements=settled,
    )
    if retirement is None and certified is not None:
        # Where a certified retired category is all the ledger has, it is the retirement fact (settlement
        # already settles such a member as retired): the certification grants the retiree benefits it names.
        years.retired_on = certified.valid_from
        years.shortfall_at_retirement_months = shortfall(count_on(certified.valid_from))
        years.retiree_benefits_from = certified.valid_from
        years.certified_retirement = True
        parts.append(msg("years.certified_retired", since=certified.valid_from))
    elif retirement is None:
        parts.append(msg("years.minimum_if_retiring", as_of=as_of, months=years.shortfall_months))
    else:
        retired_on = retirement.occurred_on
        years.retired_on = retired_on
        years.shortfall_at_retirement_months = shortfall(count_on(retired_on))
        completed = _completed_on(payments, deemed, settled, retired_on, as_of, lambda d: shortfall(count_on(d)))
        if completed is not None:
            start = (
                read(edition, "retirement.benefits_start", completed)
                if has(edition, "retirement.benefits_start")
                else None
            )
            if start is not None:
                readings.append(start)
                assert start.value == "month_after_completion", f"unknown {start.name} value {start.value!r}"
            years.completed_on = completed
            years.retiree_benefits_from = first_of_next_month(completed)
            parts.append(
                msg(
                    "years.retired_short_completed",
                    retired_on=retired_on,
                    months=years.shortfall_at_retirement_months,
                    completed=completed,
                    start=years.retiree_benefits_from,
                )
            )
        else:
            parts.append(
                msg(
                    "years.retired_short_missing",
                    retired_on=retired_on,
                    months=years.shortfall_at_retirement_months,
                    missing=years.shortfall_months,
                    as_of=as_of,
                )
            )
    years.text = concat(joined(*parts), older_history_note(readings, rule_day))
    years.readings = tuple(readings)
    return years


def _completed_on(
    payments: list[Payment],
    deemed: list[AccountEvent],
    settled: list[ShortfallPayment],
    retired_on: date,
    as_of: date,
    shortfall_on: Any,
) -> date | None:
    """The first day from retirement on which nothing is missing (a payment, a month begun, a one-off payment)."""
    candidates = {retired_on}
    for payment in payments:
        if payment.paid_on > as_of:
            continue
        candidates.add(max(payment.paid_on, retired_on))
        for month in months_of(payment):
            start = month_start(month)
            if retired_on <= start <= as_of:
                candidates.add(max(start, payment.paid_on))
    candidates |= {e.occurred_on for e in deemed if retired_on <= e.occurred_on <= as_of}
    candidates |= {s.on for s in settled if s.accepted and retired_on <= s.on <= as_of}
    for day in sorted(d for d in candidates if d <= as_of):
        if shortfall_on(day) == 0:
            return day
    return None
