"""Resident contributions checked against the rules: deadline, amount and refund (缴费核对).

Three rules about a resident payment itself, each from the member's rule set:

* **Mid-year enrollment deadline** (001 缴费标准: "每年1月1日至12月20日办理当年中途参保业务"): a payment
  for the current year made after the end of ``coverage.mid_year_enrollment_window`` gives no
  coverage for that year.
* **Amount** (001 缴费标准; 002 ch.3 八问, 六问): each payment is compared with
  ``contribution.personal`` of its year for the member's row (student or minor / adult) and column
  (the certified category the table names, else ordinary; ``contribution.exempt_categories`` owe
  nothing). Repairs are priced at the payment year's standard; a student's prepayment of later
  school years owes nothing when the standard rises (002 ch.1 十八 "学制年度内，调整个人缴费标准的，个人
  不再补缴"). The seeds say nothing of the coverage of an underpaid year: the default reading
  ``readings.underpaid_contribution_coverage`` (``covered_with_difference_owed``) keeps the year
  covered and shows the difference owed.
* **Duplicate enrollment** (002 ch.1 二十三): a ``CoverageEnded(resident, duplicate)`` before the
  benefit period starts ends that coverage with the personal contribution refunded; once the benefit
  period began, "原则上个人缴费不再退回". A duplicate end before the year's coverage begins voids
  that year's payment: no coverage at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.contract import ContributionKind, CoverageEndReason
from domain.entitlements.facts import MemberFacts, Payment
from domain.entitlements.periods import CoveragePeriod, EditionFinder, has, read
from domain.messages import Message, joined, msg
from domain.money import format_yuan
from domain.policies import AnnualWindow, Edition, ParameterReading, Table

RESIDENT = "resident"
#: Categories that put a resident in the student-or-minor row of the contribution table.
STUDENT_OR_MINOR_CATEGORIES = ("student", "university_student", "minor", "newborn")
STUDENT_CATEGORIES = ("student", "university_student")
#: Below this age on the first day of the coverage year a resident pays as a minor (未成年).
ADULT_AGE = 18
COVERED_WITH_DIFFERENCE_OWED = "covered_with_difference_owed"


@dataclass
class ContributionCheck:
    """One resident payment as the rules see it."""

    payment: Payment
    edition: Edition
    standard_fen: int | None = None
    gives_coverage: bool = True
    refund_fen: int | None = None
    reasons: list[Message] = field(default_factory=list)
    readings: list[ParameterReading] = field(default_factory=list)

    @property
    def difference_fen(self) -> int | None:
        return None if self.standard_fen is None else self.payment.amount_fen - self.standard_fen

    @property
    def amount_status(self) -> str:
        difference = self.difference_fen
        if difference is None:
            return "unchecked"
        return "paid" if difference == 0 else ("underpaid" if difference < 0 else "overpaid")

    def as_json(self) -> dict[str, Any]:
        difference = self.difference_fen
        return {
            "event_id": self.payment.event_id,
            "scheme": RESIDENT,
            "paid_on": self.payment.paid_on.isoformat(),
            "year": self.payment.coverage_start.year,
            "period": str(self.payment.coverage_start.year),
            "kind": self.payment.kind.value,
            "amount": format_yuan(self.payment.amount_fen),
            "standard": None if self.standard_fen is None else format_yuan(self.standard_fen),
            "difference": None if difference is None else _signed_yuan(difference),
            "amount_status": self.amount_status,
            "gives_coverage": self.gives_coverage,
            "refund": None if self.refund_fen is None else format_yuan(self.refund_fen),
        }

    @property
    def text(self) -> Message:
        return joined(*self.reasons)


def _signed_yuan(amount_fen: int) -> str:
    return f"-{format_yuan(-amount_fen)}" if amount_fen < 0 else format_yuan(amount_fen)


def resident_payments(facts: MemberFacts) -> list[Payment]:
    return sorted(
        (p for p in facts.payments if p.scheme == RESIDENT and p.kind is not ContributionKind.TRANSFER_IN),
        key=lambda p: (p.paid_on, p.coverage_start, p.event_id),
    )


def contribution_checks(facts: MemberFacts, edition_for: EditionFinder) -> list[ContributionCheck]:
    """Deadline and amount of every resident payment (refunds come later, once periods are known)."""
    checks = []
    for payment in resident_payments(facts):
        edition = edition_for(payment.region, RESIDENT)
        check = ContributionCheck(payment, edition)
        _deadline(check, facts)
        _amount(check, facts)
        checks.append(check)
    return checks


def late_payment_ids(checks: Iterable[ContributionCheck]) -> set[str]:
    return {check.payment.event_id for check in checks if not check.gives_coverage}


def _deadline(check: ContributionCheck, facts: MemberFacts) -> None:
    payment, edition = check.payment, check.edition
    year = payment.coverage_start.year
    if payment.kind is not ContributionKind.REGULAR or payment.paid_on.year != year:
        return
    if facts.birth_on is not None and facts.birth_on.year == year:
        return  # newborns have their own limit from birth (001 医保待遇期 3), not the mid-year deadline
    if not has(edition, "coverage.mid_year_enrollment_window"):
        return
    window = read(edition, "coverage.mid_year_enrollment_window", date(year, 1, 1))
    assert isinstance(window.value, AnnualWindow)
    last_day = window.value.for_year(year)[1]
    check.readings.append(window)
    if payment.paid_on > last_day:
        check.gives_coverage = False
        check.reasons.append(msg("contribution.after_mid_year", paid_on=payment.paid_on, last_day=last_day, year=year))


def _amount(check: ContributionCheck, facts: MemberFacts) -> None:
    payment, edition = check.payment, check.edition
    if not has(edition, "contribution.personal"):
        return
    year = payment.coverage_start.year
    on, priced = date(year, 1, 1), msg("contribution.priced_year", year=year)
    prepaid_student = any(facts.has_category(c, payment.paid_on) for c in STUDENT_CATEGORIES) and (
        payment.paid_on < date(year - 1, 1, 1)
    )
    if payment.kind is ContributionKind.REPAIR:
        on, priced = (
            date(payment.paid_on.year, 1, 1),
            msg("contribution.priced_repair", year=payment.paid_on.year),
        )
    elif prepaid_student:
        on = date(payment.paid_on.year + 1, 1, 1)
        priced = msg("contribution.priced_student_prepaid", paid_on=payment.paid_on, year=on.year)
    category_on = max(payment.paid_on, date(year, 1, 1)) if payment.paid_on.year == year else date(year, 1, 1)
    exempt_names: tuple[str, ...] = ()
    if has(edition, "contribution.exempt_categories"):
        exempt = read(edition, "contribution.exempt_categories", on)
        assert isinstance(exempt.value, tuple)
        exempt_names = exempt.value
        check.readings.append(exempt)
    personal = read(edition, "contribution.personal", on)
    check.readings.append(personal)
    table = personal.value
    assert isinstance(table, Table)
    row = _row(facts, table, category_on, year)
    exempt_category = next((c for c in exempt_names if _certified(facts, c, category_on, payment.paid_on)), None)
    if exempt_category is not None:
        check.standard_fen = 0
        label = msg("contribution.exempt", category=exempt_category)
    else:
        column = next(
            (c for c in table.columns if c != "ordinary" and _certified(facts, c, category_on, payment.paid_on)),
            "ordinary",
        )
        cell = table.cell(row, column)
        assert isinstance(cell, int)
        check.standard_fen = cell
        label = msg("contribution.cell", row=row, column=column, amount=format_yuan(cell))
    difference = check.difference_fen
    assert difference is not None
    head = msg("contribution.paid", amount=format_yuan(payment.amount_fen), year=year, priced=priced, label=label)
    parts: list[Message] = [head]
    if difference < 0:
        coverage = read(edition, "readings.underpaid_contribution_coverage", on)
        check.readings.append(coverage)
        parts = [msg("contribution.underpaid", head=head, difference=format_yuan(-difference))]
        if coverage.value == COVERED_WITH_DIFFERENCE_OWED:
            parts.append(msg("contribution.difference_owed"))
    elif difference > 0:
        parts = [msg("contribution.overpaid", head=head, difference=format_yuan(difference))]
    check.reasons.append(joined(*parts))


def _certified(facts: MemberFacts, category: str, on: date, paid_on: date) -> bool:
    return facts.has_category(category, on) or facts.has_category(category, paid_on)


def _row(facts: MemberFacts, table: Table, on: date, year: int) -> str:
    axis = table.rows
    minor = "student_or_minor" if "student_or_minor" in axis else None
    if minor is not None:
        age = facts.age_on(date(year, 1, 1))
        if any(facts.has_category(c, on) for c in STUDENT_OR_MINOR_CATEGORIES) or (age is not None and age < ADULT_AGE):
            return minor
    return "adult" if "adult" in axis else axis[0]


def duplicate_refunds(checks: list[ContributionCheck], facts: MemberFacts, periods: list[CoveragePeriod]) -> set[str]:
    """Refunds for duplicate enrollment (002 ch.1 二十三); returns the payments voided (ended before the year)."""
    ends = sorted(
        ended_on
        for ended_on, ended in facts.coverage_ends
        if ended.scheme.value == RESIDENT and ended.reason is CoverageEndReason.DUPLICATE
    )
    voided: set[str] = set()
    for ended_on in ends:
        for check in checks:
            payment = check.payment
            year = payment.coverage_start.year
            if not check.gives_coverage or check.refund_fen is not None:
                continue
            if payment.paid_on > ended_on or date(year, 12, 31) < ended_on:
                continue
            period = next(
                (
                    p
                    for p in periods
                    if p.scheme == RESIDENT and p.covered_until > date(year, 1, 1) and p.covered_from.year == year
                ),
                None,
            )
            benefits_from = period.benefits_from if period is not None else date(year, 1, 1)
            if ended_on < benefits_from:
                check.refund_fen = payment.amount_fen
                check.reasons.append(
                    msg(
                        "contribution.duplicate_refunded",
                        ended_on=ended_on,
                        benefits_from=benefits_from,
                        amount=format_yuan(payment.amount_fen),
                    )
                )
                if ended_on < date(year, 1, 1):
                    check.gives_coverage = False
                    voided.add(payment.event_id)
            else:
                check.refund_fen = 0
                check.reasons.append(
                    msg("contribution.duplicate_not_refunded", ended_on=ended_on, benefits_from=benefits_from)
                )
    return voided
