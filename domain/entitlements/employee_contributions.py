"""Employee contributions checked against base × rate (缴费基数与费率).

Each employee payment (``ContributionPaid`` for the employee scheme, kinds ``regular`` and
``arrears``) is compared, month by month, with the contribution its months owe: the monthly
contribution base declared for the month (``ContributionBaseDeclared``, kind
``contribution_base``, the latest ``valid_from`` on or before the month's first day) times the
rates of the member's rule set on that day.

* Rates. Shenyang (000 缴费比例及缴费基数 1): employer ``contribution.employer_rate`` (8.6 %, basic
  medical and maternity insurance together) and employee ``contribution.employee_rate`` (2 %).
  Bazhong (002 ch.2 五问, 七问): employer 7 %, employee 2 % and the maternity insurance
  ``contribution.maternity_rate`` (0.6 %) collected with them (合并征缴); a certified flexible
  worker (灵活就业) pays ``contribution.flexible_rate`` (9 %) alone. A rule set without a flexible
  rate (000 states none) leaves a flexible worker's payment unchecked, and says so.
* What the amount holds (``readings.employee_contribution_components``, an assumption: the event
  contract does not say): the basic medical insurance contribution of employer and employee with
  the maternity insurance merged into it; not the large-amount premium (000 大额医疗保险费, 002 ch.2
  三十五问) nor the civil-servant subsidy (002 ch.2 三十二问), which are separate items, nor a
  flexible worker's optional maternity insurance (002 ch.2 十三问).
* Base limits. 000 clamps the base to 60 %–300 % of the prior year's city average wage (全口径平均
  工资) and 002 to 1–3 times the city's minimum base (a flexible worker's base is the minimum base),
  but neither seed states the wage or the minimum base: the declared base is taken as the clamped
  base, and the explanation names the limit parameters it could not apply.
* Rounding: each levy (employer, employee, maternity, flexible) of each month is rounded to the fen
  once (``domain.money.to_fen``, half up), then summed.

An underpaid payment keeps its months covered and shows the difference owed
(``readings.underpaid_contribution_coverage``; the seeds are silent), as for residents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.contract import AccountBaseKind, ContributionBaseDeclaredData, ContributionKind
from domain.entitlements.facts import MemberFacts, Payment
from domain.entitlements.periods import EditionFinder, has, month_index, month_start, ratio, read
from domain.errors import LedgerError
from domain.messages import Message, joined, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading

EMPLOYEE = "employee"
FLEXIBLE = "flexible"
#: The one value of ``readings.employee_contribution_components`` this module implements.
BASIC_WITH_MERGED_MATERNITY = "basic_with_merged_maternity"
COVERED_WITH_DIFFERENCE_OWED = "covered_with_difference_owed"
#: Payment kinds that are contributions for months (a transfer in moves a relation; repairs are residents').
CHECKED_KINDS = (ContributionKind.REGULAR, ContributionKind.ARREARS)
#: The levies of an employee in service, in the order the explanation names them.
EMPLOYEE_LEVIES = ("contribution.employer_rate", "contribution.employee_rate", "contribution.maternity_rate")


@dataclass
class EmployeeContributionCheck:
    """One employee payment against base × rate for each of its months."""

    payment: Payment
    edition: Edition
    standard_fen: int | None = None
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

    @property
    def period(self) -> str:
        first, last = self.payment.coverage_start, self.payment.coverage_end
        return (
            f"{first:%Y-%m}" if (first.year, first.month) == (last.year, last.month) else f"{first:%Y-%m}–{last:%Y-%m}"
        )

    def as_json(self) -> dict[str, Any]:
        difference = self.difference_fen
        return {
            "event_id": self.payment.event_id,
            "scheme": EMPLOYEE,
            "paid_on": self.payment.paid_on.isoformat(),
            "year": self.payment.coverage_start.year,
            "period": self.period,
            "kind": self.payment.kind.value,
            "amount": format_yuan(self.payment.amount_fen),
            "standard": None if self.standard_fen is None else format_yuan(self.standard_fen),
            "difference": None if difference is None else format_yuan(difference),
            "amount_status": self.amount_status,
            "gives_coverage": True,
            "refund": None,
        }

    @property
    def text(self) -> Message:
        return joined(*self.reasons)


def _declared_bases(facts: MemberFacts) -> list[tuple[date, int, int]]:
    """(valid_from, effective position, monthly base fen) of every declared contribution base."""
    found = []
    for position, event in enumerate(facts.account_events):
        data = event.data
        if isinstance(data, ContributionBaseDeclaredData) and data.kind is AccountBaseKind.CONTRIBUTION_BASE:
            found.append((data.valid_from, position, data.monthly_base))
    return sorted(found)


def _base_on(bases: list[tuple[date, int, int]], day: date) -> int | None:
    """The base in force on ``day``: the latest ``valid_from`` on or before it (later declarations win ties)."""
    chosen = None
    for valid_from, _, base in bases:
        if valid_from > day:
            break
        chosen = base
    return chosen


def employee_contribution_checks(facts: MemberFacts, edition_for: EditionFinder) -> list[EmployeeContributionCheck]:
    """Every employee payment of a region with a rule set, checked where the rules allow, in payment order."""
    bases = _declared_bases(facts)
    checks = []
    payments = sorted(
        (p for p in facts.payments if p.scheme == EMPLOYEE and p.kind in CHECKED_KINDS),
        key=lambda p: (p.paid_on, p.coverage_start, p.event_id),
    )
    for payment in payments:
        try:
            edition = edition_for(payment.region, EMPLOYEE)
        except LedgerError:
            continue  # no rule set for the region: its payments give coverage facts only (fold._ruled_facts)
        if not has(edition, "contribution.employee_rate"):
            continue
        check = EmployeeContributionCheck(payment, edition)
        _amount(check, facts, bases)
        checks.append(check)
    return checks


def _levies(
    check: EmployeeContributionCheck, facts: MemberFacts, on: date
) -> tuple[list[ParameterReading], Message | None]:
    """The rates a month owes (empty with the reason when the rule set cannot price it)."""
    edition = check.edition
    if facts.has_category(FLEXIBLE, on):
        if not has(edition, "contribution.flexible_rate"):
            return [], msg("contribution.employee.flexible_unchecked", on=on, edition=edition.name)
        return [read(edition, "contribution.flexible_rate", on)], None
    return [read(edition, name, on) for name in EMPLOYEE_LEVIES if has(edition, name)], None


def _amount(check: EmployeeContributionCheck, facts: MemberFacts, bases: list[tuple[date, int, int]]) -> None:
    payment, edition = check.payment, check.edition
    components = read(edition, "readings.employee_contribution_components", payment.coverage_start)
    assert components.value == BASIC_WITH_MERGED_MATERNITY, f"unknown {components.name} value {components.value!r}"
    check.readings.append(components)
    total = 0
    without: list[int] = []  # month indexes without a declared base
    used: dict[str, ParameterReading] = {}
    spans: list[tuple[date, date, str]] = []  # runs of months that owe the same: (first, last, arithmetic)
    for month in range(month_index(payment.coverage_start), month_index(payment.coverage_end) + 1):
        on = month_start(month)
        base = _base_on(bases, on)
        if base is None:
            without.append(month)
            continue
        levies, refused = _levies(check, facts, on)
        if refused is not None:
            check.reasons.append(
                msg(
                    "contribution.employee.refused",
                    amount=format_yuan(payment.amount_fen),
                    period=check.period,
                    refused=refused,
                )
            )
            return
        owed = sum(fen_times_ratio(base, ratio(levy)) for levy in levies)
        total += owed
        for levy in levies:
            used.setdefault(levy.name, levy)
        rates = " + ".join(str(ratio(levy)) for levy in levies)
        line = f"{format_yuan(base)} × ({rates}) = {format_yuan(owed)}"
        if spans and spans[-1][2] == line:
            spans[-1] = (spans[-1][0], on, line)
        else:
            spans.append((on, on, line))
    if without:
        check.reasons.append(
            msg(
                "contribution.employee.no_base",
                amount=format_yuan(payment.amount_fen),
                period=check.period,
                months=_months_text(without),
            )
        )
        return
    check.readings.extend(used.values())
    check.standard_fen = total
    limits = [
        read(edition, name, payment.coverage_start)
        for name in ("contribution.base_floor_factor", "contribution.base_ceiling_factor")
        if has(edition, name)
    ]
    check.readings.extend(limits)
    parts = [
        msg(
            "contribution.employee.standard",
            amount=format_yuan(payment.amount_fen),
            period=check.period,
            kind=payment.kind.value,
            spans=[_span_text(span) for span in spans],
            total=format_yuan(total),
        )
    ]
    difference = check.difference_fen
    assert difference is not None
    if difference < 0:
        coverage = read(edition, "readings.underpaid_contribution_coverage", payment.coverage_start)
        check.readings.append(coverage)
        parts.append(msg("contribution.employee.underpaid", difference=format_yuan(-difference)))
        if coverage.value == COVERED_WITH_DIFFERENCE_OWED:
            parts.append(msg("contribution.employee.covered_owed"))
    elif difference > 0:
        parts.append(msg("contribution.employee.overpaid", difference=format_yuan(difference)))
    if limits:
        factors = [str(limit.value) for limit in limits]
        said = (
            msg("contribution.employee.and", first=factors[0], second=factors[1]) if len(factors) == 2 else factors[0]
        )
        parts.append(msg("contribution.employee.base_taken", limits=said))
    check.reasons.append(msg("list.concat", parts=parts))


def _span_text(span: tuple[date, date, str]) -> Message:
    first, last, line = span
    if first == last:
        return msg("contribution.employee.span_month", month=f"{first:%Y-%m}", line=line)
    months = 1 + month_index(last) - month_index(first)
    return msg(
        "contribution.employee.span_months", first=f"{first:%Y-%m}", last=f"{last:%Y-%m}", months=months, line=line
    )


def _months_text(months: list[int]) -> list[str]:
    """Ascending month indexes as runs: "2024-01–2024-12, 2025-03"."""
    runs: list[list[int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    return [
        f"{month_start(first):%Y-%m}" if first == last else f"{month_start(first):%Y-%m}–{month_start(last):%Y-%m}"
        for first, last in runs
    ]
