"""Maternity allowance (生育津贴): qualification, days, daily rate and payment, per ``MaternityOccurred``.

* Qualification. Shenyang employees (000 待遇起始时间 3; 生育保险待遇 2 生育待遇 1, 2): at least
  ``maternity.allowance_min_paid_months`` (10) consecutive paid months at the event — back-payment
  (``arrears``) does not count — and continued payment through the leave. Bazhong employees: the
  seed names no minimum; the event month must be paid (an assumption stated in the text). Bazhong
  flexible workers and the unemployed (002 ch.2 十五问, 十六问): 12 consecutive maternity months at
  the event (``maternity.flexible_allowance_min_paid_months``, counted from
  ``maternity_insured_from``); in 2025 (``maternity.flexible_deferred_qualification``) a member with
  12 consecutive basic-insurance months may claim once maternity reaches 12 months — 十六问's
  example: joined 2025-01, birth 2025-01, 98 days payable from 2026-01. Shenyang members drawing
  unemployment benefit (000 生育待遇 9) qualify on the employees' conditions
  (``maternity.allowance_employee_conditions_for``); their base is their own prior-year average
  contribution base (an assumption flagged in the rule set), less the benefit.
* Days (000 生育津贴计发标准一览表; ``maternity.allowance_days``): by kind, +``each_extra_baby`` per
  extra baby; out of plan: the shorter days for babies born from
  ``maternity.out_of_plan_allowance_from`` (2021-06-01), none before; the father's 20 days from
  ``maternity.male_nursing_leave_from``.
* Rate: the monthly base (``maternity.allowance_base``: the employer's prior-year average monthly
  wage from the event, or the member's prior-year average contribution base) ÷
  ``maternity.allowance_days_per_month`` × days, one rounding; less unemployment benefit where
  ``maternity.allowance_net_of_unemployment_benefit`` (Shenyang from 2025).
* Payment (``maternity.allowance_payment`` on the event day): Shenyang from 2025-07 monthly to the
  member (each calendar month of the leave, payable the 1st of the next month, withheld while that
  month is unpaid); otherwise one sum after the leave, withheld while a begun month of the leave is
  unpaid (continued payment: 000 生育待遇 1; 002 ch.2 十五问 三).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.contract import AccountBaseKind, ContributionKind, InsuredAs, MaternityKind, MaternityOccurredData
from domain.dates import first_of_next_month
from domain.entitlements.contribution_years import ContributionYears, employee_edition, employee_payments, months_of
from domain.entitlements.facts import AccountEvent, MemberFacts
from domain.entitlements.periods import EditionFinder, has, integer, month_index, month_start, read
from domain.entitlements.personal_account import _bases, base_on
from domain.messages import Message, msg
from domain.money import fen_divided_by_ratio, format_yuan
from domain.policies import Edition, ParameterReading, Table

ROWS = {
    MaternityKind.NATURAL: "natural_single",
    MaternityKind.CAESAREAN_OR_DIFFICULT: "caesarean_or_difficult_single",
    MaternityKind.MISCARRIAGE_UNDER_4_MONTHS: "miscarriage_under_4_months",
    MaternityKind.TERMINATION_4_MONTHS_PLUS: "termination_4_months_plus",
    MaternityKind.STILLBIRTH_28_WEEKS_PLUS: "stillbirth_28_weeks_plus",
    MaternityKind.MALE_NURSING_LEAVE: "male_nursing_leave",
}
BIRTHS = (MaternityKind.NATURAL, MaternityKind.CAESAREAN_OR_DIFFICULT)


@dataclass
class Allowance:
    """The allowance of one maternity event, as of the fold's date."""

    event_id: str
    on: date
    kind: str
    insured_as: str
    edition: Edition | None
    status: str = "not_qualified"  # qualified | pending | not_qualified
    reasons: list[Message] = field(default_factory=list)
    consecutive_months: int = 0
    required_months: int | None = None
    days: int = 0
    monthly_base_fen: int | None = None
    gross_fen: int = 0
    deducted_fen: int = 0
    payment: str | None = None
    payable_from: date | None = None
    instalments: list[dict[str, Any]] = field(default_factory=list)
    readings: list[ParameterReading] = field(default_factory=list)

    @property
    def net_fen(self) -> int:
        return max(0, self.gross_fen - self.deducted_fen)

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "date": self.on.isoformat(),
            "kind": self.kind,
            "insured_as": self.insured_as,
            "status": self.status,
            "reasons": [reason.render() for reason in self.reasons],
            "reason_messages": [reason.as_json() for reason in self.reasons],
            "consecutive_paid_months": self.consecutive_months,
            "required_months": self.required_months,
            "days": self.days,
            "monthly_base": None if self.monthly_base_fen is None else format_yuan(self.monthly_base_fen),
            "gross": format_yuan(self.gross_fen),
            "unemployment_benefit_deducted": format_yuan(self.deducted_fen),
            "net": format_yuan(self.net_fen if self.status != "not_qualified" else 0),
            "payment": self.payment,
            "payable_from": None if self.payable_from is None else self.payable_from.isoformat(),
            "instalments": list(self.instalments),
        }


@dataclass
class Maternity:
    consecutive_paid_months: int
    required_months: int | None
    allowances: list[Allowance]
    edition: Edition | None
    readings: tuple[ParameterReading, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "consecutive_paid_months": self.consecutive_paid_months,
            "required_months": self.required_months,
            "allowances": [a.as_json() for a in self.allowances],
        }


def _paid_months(facts: MemberFacts, *, arrears_count: bool) -> set[int]:
    months: set[int] = set()
    for payment in employee_payments(facts):
        if payment.kind is ContributionKind.ARREARS and not arrears_count:
            continue
        months |= set(months_of(payment))
    return months


def _run_back(months: set[int], last: int, *, since: int | None = None) -> int:
    """Consecutive months in ``months`` ending with ``last`` (not before ``since``)."""
    count = 0
    while last - count in months and (since is None or last - count >= since):
        count += 1
    return count


def maternity(facts: MemberFacts, edition_for: EditionFinder, years: ContributionYears | None) -> Maternity | None:
    """Maternity qualification on ``facts.as_of`` and the allowance of every visible maternity event."""
    events = [e for e in facts.account_events if isinstance(e.data, MaternityOccurredData)]
    payments = employee_payments(facts)
    if not payments and not events:
        return None
    edition = employee_edition(facts, edition_for, facts.as_of)
    paid = _paid_months(facts, arrears_count=False)
    required: int | None = None
    readings: tuple[ParameterReading, ...] = ()
    if edition is not None and has(edition, "maternity.allowance_min_paid_months"):
        reading = read(edition, "maternity.allowance_min_paid_months", facts.as_of)
        required, readings = integer(reading), (reading,)
    state = Maternity(_run_back(paid, month_index(facts.as_of)), required, [], edition, readings)
    for event in events:
        state.allowances.append(_allowance(facts, edition_for, years, event))
    return state


def _allowance(
    facts: MemberFacts, edition_for: EditionFinder, years: ContributionYears | None, event: AccountEvent
) -> Allowance:
    data = event.data
    assert isinstance(data, MaternityOccurredData)
    on = event.occurred_on
    edition = employee_edition(facts, edition_for, on)
    allowance = Allowance(event.event_id, on, data.kind.value, data.insured_as.value, edition)
    if edition is None:
        allowance.reasons.append(msg("allowance.no_rule_set"))
        return allowance
    if has(edition, "maternity.allowance_excludes_retirees") and years is not None and years.retired_on is not None:
        excluded = read(edition, "maternity.allowance_excludes_retirees", on)
        if excluded.value is True and years.retired_on <= on:
            allowance.readings.append(excluded)
            allowance.reasons.append(msg("allowance.retired", retired_on=years.retired_on))
            return allowance
    _qualify(allowance, facts, edition, data)
    if allowance.status == "not_qualified":
        return allowance
    _days(allowance, edition, data)
    _amount(allowance, facts, edition, data)
    if allowance.status != "not_qualified":
        _payment(allowance, facts, edition)
    return allowance


def _qualify(allowance: Allowance, facts: MemberFacts, edition: Edition, data: MaternityOccurredData) -> None:
    on, event_month = allowance.on, month_index(allowance.on)
    paid = _paid_months(facts, arrears_count=False)
    as_employee = data.insured_as is InsuredAs.EMPLOYEE
    if not as_employee and has(edition, "maternity.allowance_employee_conditions_for"):
        kinds = read(edition, "maternity.allowance_employee_conditions_for", on)
        if isinstance(kinds.value, tuple) and data.insured_as.value in kinds.value:
            allowance.readings.append(kinds)
            allowance.reasons.append(msg("allowance.as_employee", insured_as=data.insured_as.value))
            as_employee = True
    if as_employee:
        allowance.consecutive_months = _run_back(paid, event_month)
        if has(edition, "maternity.allowance_min_paid_months"):
            reading = read(edition, "maternity.allowance_min_paid_months", on)
            allowance.readings.append(reading)
            allowance.required_months = integer(reading)
            if allowance.consecutive_months < integer(reading):
                allowance.reasons.append(
                    msg("allowance.months_short", months=allowance.consecutive_months, needed=integer(reading))
                )
                return
        elif event_month not in paid:
            allowance.reasons.append(msg("allowance.event_month_unpaid", month=f"{on:%Y-%m}"))
            return
        else:
            allowance.reasons.append(msg("allowance.no_minimum"))
        allowance.status = "qualified"
        return
    if not has(edition, "maternity.flexible_allowance_min_paid_months"):
        allowance.reasons.append(msg("allowance.not_for_insured_as", insured_as=data.insured_as.value))
        return
    minimum = read(edition, "maternity.flexible_allowance_min_paid_months", on)
    allowance.readings.append(minimum)
    need = integer(minimum)
    allowance.required_months = need
    since = month_index(data.maternity_insured_from) if data.maternity_insured_from else None
    maternity_run = _run_back(paid, event_month, since=since)
    allowance.consecutive_months = maternity_run
    if maternity_run >= need:
        allowance.status = "qualified"
        allowance.reasons.append(msg("allowance.maternity_months", months=maternity_run))
        return
    deferred = (
        read(edition, "maternity.flexible_deferred_qualification", on)
        if has(edition, "maternity.flexible_deferred_qualification")
        else None
    )
    basic_run = _run_back(paid, event_month)
    if deferred is None or deferred.value is not True or basic_run < need:
        if deferred is not None:
            allowance.readings.append(deferred)
        allowance.reasons.append(
            msg(
                "allowance.maternity_months_short",
                months=maternity_run,
                needed=need,
                basic=msg("allowance.basic_months", months=basic_run) if deferred is not None else "",
            )
        )
        return
    allowance.readings.append(deferred)
    run_start = event_month - maternity_run + 1 if maternity_run else event_month
    last_needed = run_start + need - 1
    reached = all(m in paid for m in range(run_start, last_needed + 1)) and month_start(last_needed) <= facts.as_of
    allowance.payable_from = first_of_next_month(month_start(last_needed))
    if reached:
        allowance.status = "qualified"
        allowance.reasons.append(
            msg(
                "allowance.deferred_reached",
                basic=basic_run,
                needed=need,
                month=f"{month_start(last_needed):%Y-%m}",
                payable_from=allowance.payable_from,
            )
        )
    else:
        allowance.status = "pending"
        allowance.reasons.append(
            msg(
                "allowance.deferred_pending",
                basic=basic_run,
                needed=need,
                month=f"{month_start(last_needed):%Y-%m}",
                payable_from=allowance.payable_from,
            )
        )


def _days(allowance: Allowance, edition: Edition, data: MaternityOccurredData) -> None:
    on = allowance.on
    if not has(edition, "maternity.allowance_days"):
        allowance.status = "not_qualified"
        allowance.reasons.append(msg("allowance.no_days"))
        return
    reading = read(edition, "maternity.allowance_days", on)
    allowance.readings.append(reading)
    table = reading.value
    assert isinstance(table, Table)
    row = ROWS[data.kind]
    if not data.in_plan and data.kind in BIRTHS:
        if not has(edition, "maternity.out_of_plan_allowance_from"):
            allowance.status = "not_qualified"
            allowance.reasons.append(msg("allowance.no_out_of_plan_days"))
            return
        since = read(edition, "maternity.out_of_plan_allowance_from", on)
        allowance.readings.append(since)
        assert isinstance(since.value, date)
        if on < since.value:
            allowance.status = "not_qualified"
            allowance.reasons.append(msg("allowance.out_of_plan_before", since=since.value))
            return
        row += "_out_of_plan"
    if data.kind is MaternityKind.MALE_NURSING_LEAVE and has(edition, "maternity.male_nursing_leave_from"):
        since = read(edition, "maternity.male_nursing_leave_from", on)
        allowance.readings.append(since)
        assert isinstance(since.value, date)
        if on < since.value:
            allowance.status = "not_qualified"
            allowance.reasons.append(msg("allowance.nursing_leave_from", since=since.value))
            return
    if row not in table.rows:
        allowance.status = "not_qualified"
        allowance.reasons.append(msg("allowance.no_days_for", row=row))
        return
    days = table.cell(row)
    assert isinstance(days, int)
    extra = data.babies - 1 if data.kind in BIRTHS else 0
    if extra and "each_extra_baby" in table.rows:
        per_baby = table.cell("each_extra_baby")
        assert isinstance(per_baby, int)
        days += per_baby * extra
    allowance.days = days
    allowance.reasons.append(
        msg("allowance.days", row=row, days=days, extra=msg("allowance.extra_babies", count=extra) if extra else "")
    )


def _prior_year_base(facts: MemberFacts, on: date) -> int | None:
    """The member's average monthly contribution base over the paid months of the year before the event."""
    bases = _bases(facts, AccountBaseKind.CONTRIBUTION_BASE)
    paid = _paid_months(facts, arrears_count=True)
    year = on.year - 1
    values = [base_on(bases, month_start(m)) for m in sorted(paid) if month_start(m).year == year]
    known = [v for v in values if v is not None]
    if not known:
        return base_on(bases, on)
    return fen_divided_by_ratio(sum(known), Decimal(len(known)))


def _amount(allowance: Allowance, facts: MemberFacts, edition: Edition, data: MaternityOccurredData) -> None:
    on = allowance.on
    base_reading = read(edition, "maternity.allowance_base", on)
    divisor = read(edition, "maternity.allowance_days_per_month", on)
    allowance.readings += [base_reading, divisor]
    table = base_reading.value
    assert isinstance(table, Table)
    if data.insured_as.value not in table.rows:
        allowance.status = "not_qualified"
        allowance.reasons.append(msg("allowance.no_base", insured_as=data.insured_as.value))
        return
    basis = table.cell(data.insured_as.value)
    if basis == "employer_average_monthly_wage":
        base = data.employer_average_monthly_wage
        what = msg("allowance.employer_wage")
    else:
        assert basis == "prior_year_average_contribution_base", f"unknown allowance base {basis!r}"
        base = _prior_year_base(facts, on)
        what = msg("allowance.member_base")
    if base is None:
        allowance.status = "pending"
        allowance.reasons.append(msg("allowance.base_missing", what=what))
        return
    allowance.monthly_base_fen = base
    allowance.gross_fen = fen_divided_by_ratio(base * allowance.days, Decimal(integer(divisor)))
    allowance.reasons.append(
        msg(
            "allowance.amount",
            what=what,
            base=format_yuan(base),
            divisor=integer(divisor),
            days=allowance.days,
            gross=format_yuan(allowance.gross_fen),
        )
    )
    if data.unemployment_benefit and has(edition, "maternity.allowance_net_of_unemployment_benefit"):
        net_rule = read(edition, "maternity.allowance_net_of_unemployment_benefit", on)
        allowance.readings.append(net_rule)
        if net_rule.value is True:
            allowance.deducted_fen = min(allowance.gross_fen, data.unemployment_benefit)
            allowance.reasons.append(msg("allowance.less_unemployment", amount=format_yuan(data.unemployment_benefit)))


def _payment(allowance: Allowance, facts: MemberFacts, edition: Edition) -> None:
    on, as_of = allowance.on, facts.as_of
    reading = read(edition, "maternity.allowance_payment", on)
    allowance.readings.append(reading)
    allowance.payment = str(reading.value)
    last_day = on + timedelta(days=max(allowance.days, 1) - 1)
    paid = _paid_months(facts, arrears_count=True)
    unpaid = [m for m in range(month_index(on), month_index(min(last_day, as_of)) + 1) if m not in paid]
    if allowance.payment != "monthly_to_member":
        payable = max(last_day + timedelta(days=1), allowance.payable_from or on)
        allowance.payable_from = payable
        status = "payable" if allowance.status == "qualified" and payable <= as_of else "due"
        if unpaid:
            status = "withheld"  # 继续缴费 (000 生育待遇 1) / 产假期间正常参保缴费 (002 ch.2 十五问)
        allowance.instalments = [
            {
                "month": None,
                "days": allowance.days,
                "amount": format_yuan(allowance.net_fen),
                "payable_on": payable.isoformat(),
                "status": status,
            }
        ]
        if unpaid:
            allowance.reasons.append(msg("allowance.leave_unpaid", months=[f"{month_start(m):%Y-%m}" for m in unpaid]))
        return
    allowance.payable_from = first_of_next_month(on)
    day, cumulative, paid_so_far = on, 0, 0
    while day <= last_day:
        month = month_index(day)
        month_end = first_of_next_month(day) - timedelta(days=1)
        days = (min(month_end, last_day) - day).days + 1
        cumulative += days
        due = fen_divided_by_ratio(allowance.net_fen * cumulative, Decimal(allowance.days))
        amount, paid_so_far = due - paid_so_far, due
        payable_on = first_of_next_month(day)
        if month in unpaid:
            status = "withheld"
        elif payable_on <= as_of and allowance.status == "qualified":
            status = "payable"
        else:
            status = "due"
        allowance.instalments.append(
            {
                "month": f"{day:%Y-%m}",
                "days": days,
                "amount": format_yuan(amount),
                "payable_on": payable_on.isoformat(),
                "status": status,
            }
        )
        day = month_end + timedelta(days=1)
    if unpaid:
        allowance.reasons.append(
            msg("allowance.instalments_withheld", months=[f"{month_start(m):%Y-%m}" for m in unpaid])
        )
