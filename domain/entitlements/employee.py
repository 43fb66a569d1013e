"""Employee coverage (职工医保): benefit start, waits, transfers in and arrears, per payment.

Sources via rules-digest §3.3 and §3.4:

* Shenyang (000 待遇起始时间): benefits from the month after contribution (次月); from 2026 a
  first-ever contribution in the region gives benefits from the day it arrives
  (``coverage.first_contribution_same_day``); benefits stop the month after an unpaid month and
  resume the month after payment resumes (no retroactivity).
* A move between regions (``MemberTransferred``, transfers.py): the first payment at the destination
  starts benefits by its transfer rule — Bazhong by the gap since the last month paid anywhere
  (reading ``transfer_gap_months``), Shenyang the month after the payment (reading
  ``transfer_in_wait_shenyang``); the origin's coverage ends on the transfer date.
* Bazhong (002 ch.2 六问, 八问, 二十一问, 二十三问): a first enrollment waits
  ``waiting_period.first_enrollment_months``; a transfer in with a gap of at most
  ``transfer.max_gap_months`` has benefits from the payment month, else waits
  ``transfer.long_gap_wait_months``; arrears suspend benefits from the
  ``arrears.suspend_from_unpaid_month``-th unpaid month, and back-pay restores them
  retroactively (≤ ``arrears.retroactive_back_pay_months_max`` months late), from the payment
  day (≤ ``arrears.no_retroactivity_months_max``), or after ``arrears.long_arrears_wait_months``.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.contract import ContributionKind
from domain.dates import add_months, first_of_next_month
from domain.entitlements.facts import MemberFacts, Payment, Transfer
from domain.entitlements.periods import (
    CoveragePeriod,
    EditionFinder,
    Waiting,
    cut_at_coverage_end,
    has,
    integer,
    month_index,
    month_start,
    older_history_note,
    read,
    wait_runs_on,
)
from domain.entitlements.transfers import arrival
from domain.messages import Message, concat, msg
from domain.policies import Edition, ParameterReading

EMPLOYEE = "employee"


def employee_periods(facts: MemberFacts, edition_for: EditionFinder) -> list[CoveragePeriod]:
    """One coverage period per employee payment, in payment order."""
    payments = sorted(
        (p for p in facts.payments if p.scheme == EMPLOYEE and p.kind is not ContributionKind.REPAIR),
        key=lambda p: (p.paid_on, p.coverage_start, p.event_id),
    )
    periods: list[CoveragePeriod] = []
    covered_months: dict[int, ContributionKind] = {}
    resident_years = {
        p.coverage_start.year
        for p in facts.payments
        if p.scheme == "resident" and p.kind is not ContributionKind.REPAIR
    }
    pending: CoveragePeriod | None = None
    done: list[Payment] = []
    #: month → the period that paid it (an on-time payment continues its run; a back-paid month cannot
    #: have benefits before the wait of the month before it ends).
    runs: dict[int, CoveragePeriod] = {}
    for payment in payments:
        edition = edition_for(payment.region, EMPLOYEE)
        first_month, last_month = month_index(payment.coverage_start), month_index(payment.coverage_end)
        moved_in = arrival(facts, payment, done) if facts.transfers else None
        arrived = _arrived(payment, edition, covered_months, moved_in) if moved_in is not None else None
        if payment.kind is ContributionKind.TRANSFER_IN:
            period = _transferred(payment, edition)
        elif arrived is not None:
            period = arrived
        elif has(edition, "waiting_period.first_enrollment_months"):
            period = _bazhong_style(payment, edition, covered_months, resident_years=resident_years)
        else:
            period = _shenyang_style(
                payment, edition, local_before=any(covered_months), continues=_on_time_after(payment, edition, runs)
            )
        done.append(payment)
        if pending is not None and pending.waiting and pending.benefits_from > period.benefits_from:
            assert pending.waiting is not None
            period = wait_runs_on(
                period, pending, why=msg("period.wait_begun_runs_on", since=pending.waiting.counted_from)
            )
        before = runs.get(first_month - 1)
        if (
            payment.kind is not ContributionKind.TRANSFER_IN
            and before is not None
            and before.waiting is not None
            and before.benefits_from > period.benefits_from
        ):
            period = wait_runs_on(
                period, before, why=msg("period.month_before_waiting", since=before.waiting.counted_from)
            )
        periods.append(period)
        # A wait longer than the months paid so far holds for the next payments too.
        pending = period if period.waiting and period.benefits_from >= period.covered_until else None
        for month in range(first_month, last_month + 1):
            covered_months.setdefault(month, payment.kind)
            if payment.kind is not ContributionKind.TRANSFER_IN:
                runs.setdefault(month, period)
    return [cut_at_coverage_end(period, facts.coverage_ends) for period in periods]


def _transfer_gap_start(
    payment: Payment, edition: Edition, gap_months: int, readings: list[ParameterReading], *, gap: Message
) -> tuple[date, Message, Waiting | None]:
    """Benefits after a transfer in (002 ch.2 二十一问): a gap of at most ``transfer.max_gap_months`` unpaid
    months starts them in the payment month, a longer one waits ``transfer.long_gap_wait_months``.

    ``gap`` describes the gap for the explanation; the parameters read are appended to ``readings``."""
    paid_on = payment.paid_on
    max_gap = read(edition, "transfer.max_gap_months", paid_on)
    readings.append(max_gap)
    if gap_months <= integer(max_gap):
        start = max(month_start(month_index(paid_on)), payment.coverage_start)
        return start, msg("period.transfer_short_gap", gap=gap, start=start), None
    wait = read(edition, "transfer.long_gap_wait_months", paid_on)
    readings.append(wait)
    start = add_months(paid_on, integer(wait))
    waiting = Waiting(integer(wait), 0, 0, integer(wait), "transfer_gap", paid_on, start)
    return start, msg("period.transfer_long_gap", gap=gap, months=integer(wait), start=start), waiting


def _arrived(
    payment: Payment, edition: Edition, covered: dict[int, ContributionKind], move: Transfer
) -> CoveragePeriod | None:
    """The first payment at the destination of a move, by the destination's transfer rule (None: its usual rule).

    Bazhong (002 ch.2 二十一问): 中断缴费3个月(含)以内 benefits from the payment month, else a 6-month wait;
    the gap is the months paid in no region before the first destination month (reading
    ``transfer_gap_months``). Shenyang states no transfer rule: 次月 (reading ``transfer_in_wait_shenyang``).
    Without an earlier paid month anywhere there is no gap to measure: the usual first-payment rule applies.
    """
    paid_on, first_month = payment.paid_on, month_index(payment.coverage_start)
    earlier = [m for m in covered if m < first_month]
    moved = msg("period.moved_from", region=move.from_region, on=move.on)
    if has(edition, "transfer.max_gap_months") and earlier:
        readings: list[ParameterReading] = []
        if has(edition, "readings.transfer_gap_months"):
            readings.append(read(edition, "readings.transfer_gap_months", paid_on))
        gap_months = max(0, first_month - max(earlier) - 1)
        start, basis, waiting = _transfer_gap_start(
            payment, edition, gap_months, readings, gap=msg("period.moved_gap", moved=moved, months=gap_months)
        )
        until, suspension = _benefits_until(edition, month_index(payment.coverage_end), paid_on)
        readings += suspension
        return _paid_period(payment, edition, start, until, basis=basis, readings=readings, waiting=waiting)
    if has(edition, "readings.transfer_in_wait_shenyang"):
        reading = read(edition, "readings.transfer_in_wait_shenyang", paid_on)
        assert reading.value == "month_after_payment", f"unknown {reading.name} value {reading.value!r}"
        start_rule = read(edition, "coverage.benefits_start", paid_on)
        start = max(first_of_next_month(paid_on), payment.coverage_start)
        until, suspension = _benefits_until(edition, month_index(payment.coverage_end), paid_on)
        basis = msg("period.moved_month_after", moved=moved, paid_on=paid_on, start=start)
        waiting = None
        if start > payment.coverage_start:
            months = month_index(start) - month_index(paid_on)
            waiting = Waiting(months, 0, 0, months, "month_after_contribution", paid_on, start)
        return _paid_period(
            payment, edition, start, until, basis=basis, readings=[reading, start_rule, *suspension], waiting=waiting
        )
    return None


def _transferred(payment: Payment, edition: Edition) -> CoveragePeriod:
    """Months brought in from another region count for continuity; benefits for them were there."""
    until = payment.coverage_end + timedelta(days=1)
    return CoveragePeriod(
        scheme=EMPLOYEE,
        region=payment.region,
        edition=edition,
        covered_from=payment.coverage_start,
        covered_until=until,
        benefits_from=until,
        benefits_until=until,
        basis=msg("period.transferred_in", start=payment.coverage_start, end=payment.coverage_end),
    )


DUE = "readings.employee_contribution_due"


def _due_months(edition: Edition, on: date) -> tuple[int, ParameterReading | None]:
    """Months after month M by whose end M's contribution is due: 1 when collected the month after (the reading)."""
    if not has(edition, DUE):
        return 0, None
    reading = read(edition, DUE, on)
    assert reading.value == "end_of_following_month", f"unknown {reading.name} value {reading.value!r}"
    return 1, reading


def _on_time_after(payment: Payment, edition: Edition, runs: dict[int, CoveragePeriod]) -> date | None:
    """The benefits start of the run this payment continues, when it pays the month after a paid one by its due date.

    000 待遇起始时间: benefits start the month after contribution (自缴费的次月起) and, after an unpaid month,
    resume the month after payment resumes; a month paid by its due date (``readings.employee_contribution_due``)
    is not unpaid, so it neither stops nor restarts the benefits of the run it continues.
    """
    first_month = month_index(payment.coverage_start)
    if first_month - 1 not in runs:
        return None
    due, _ = _due_months(edition, payment.paid_on)
    if month_index(payment.paid_on) > first_month + due:
        return None
    return runs[first_month - 1].benefits_from


def _benefits_until(edition: Edition, last_month: int, on: date) -> tuple[date, list[ParameterReading]]:
    """Benefits run on into the unpaid months before suspension starts."""
    if has(edition, "arrears.suspend_from_unpaid_month"):
        reading = read(edition, "arrears.suspend_from_unpaid_month", on)
        return month_start(last_month + integer(reading)), [reading]
    reading = read(edition, "arrears.suspension_start", on)
    assert reading.value == "month_after_unpaid_month", f"unknown {reading.name} value {reading.value!r}"
    # The month after the last paid one is unpaid once its due date passes; benefits stop the month after.
    due, due_reading = _due_months(edition, on)
    return month_start(last_month + 2 + due), [reading] + ([due_reading] if due_reading else [])


def _shenyang_style(
    payment: Payment, edition: Edition, *, local_before: bool, continues: date | None
) -> CoveragePeriod:
    paid_on = payment.paid_on
    start_rule = read(edition, "coverage.benefits_start", paid_on)
    same_day = read(edition, "coverage.first_contribution_same_day", paid_on)
    readings: list[ParameterReading] = [start_rule, same_day]
    if continues is not None:
        start = max(continues, payment.coverage_start)
        basis = msg("period.paid_by_due_date", month=f"{payment.coverage_start:%Y-%m}", paid_on=paid_on, start=start)
        readings += [r for r in [_due_months(edition, paid_on)[1]] if r is not None]
    elif same_day.value is True and not local_before:
        start = max(paid_on, payment.coverage_start)
        basis = msg("period.first_contribution_same_day", paid_on=paid_on)
    else:
        start = max(first_of_next_month(paid_on), payment.coverage_start)
        basis = msg("period.month_after", paid_on=paid_on, start=start)
    until, suspension = _benefits_until(edition, month_index(payment.coverage_end), paid_on)
    readings += [r for r in suspension if r not in readings]
    basis = concat(basis, older_history_note(readings, paid_on))
    waiting = None
    if start > payment.coverage_start and continues is None:
        months = month_index(start) - month_index(paid_on)
        waiting = Waiting(months, 0, 0, months, "month_after_contribution", paid_on, start)
    return _paid_period(payment, edition, start, until, basis=basis, readings=readings, waiting=waiting)


def _switched_from_resident(
    payment: Payment, edition: Edition, resident_years: set[int]
) -> tuple[date, Message, list[ParameterReading]] | None:
    """Resident → employee in Bazhong (002 ch.1 二十六): from the payment after ≥ N continuous years and a short gap."""
    first_year = payment.coverage_start.year
    last = max((y for y in resident_years if y <= first_year), default=None)
    if last is None:
        return None
    run = 0
    while last - run in resident_years:
        run += 1
    min_years = read(edition, "switching.min_continuous_years", payment.paid_on)
    max_gap = read(edition, "switching.max_gap_months", payment.paid_on)
    gap_months = max(0, month_index(payment.coverage_start) - (last * 12 + 11) - 1)
    if run >= integer(min_years) and gap_months <= integer(max_gap):
        start = max(payment.paid_on, payment.coverage_start)
        basis = msg("period.switched_from_resident", years=run, gap=gap_months, start=start)
        return start, basis, [min_years, max_gap]
    return None


def _bazhong_style(
    payment: Payment, edition: Edition, covered: dict[int, ContributionKind], *, resident_years: set[int]
) -> CoveragePeriod:
    paid_on, first_month = payment.paid_on, month_index(payment.coverage_start)
    # The latest month paid before this payment's first (None: none); once, not once per use or per unpaid month.
    latest = max((m for m in covered if m < first_month), default=None)
    readings: list[ParameterReading] = []
    waiting: Waiting | None = None
    switched = (
        None
        if covered or not has(edition, "switching.min_continuous_years")
        else _switched_from_resident(payment, edition, resident_years)
    )
    if switched is not None:
        start, basis, readings = switched
    elif not covered:
        wait = read(edition, "waiting_period.first_enrollment_months", paid_on)
        readings.append(wait)
        start = add_months(paid_on, integer(wait))
        waiting = Waiting(integer(wait), 0, 0, integer(wait), "first_enrollment", paid_on, start)
        basis = msg("period.first_enrollment", paid_on=paid_on, months=integer(wait), start=start)
    elif latest is not None and covered[latest] is ContributionKind.TRANSFER_IN and first_month - latest > 1:
        gap_months = first_month - latest - 1
        start, basis, waiting = _transfer_gap_start(
            payment, edition, gap_months, readings, gap=msg("period.transferred_in_gap", months=gap_months)
        )
    else:
        # Arrears run from the first unpaid month: a payment that resumes after unpaid months it leaves unpaid is as
        # late as the oldest of them (002 ch.2 二十三问 counts 连续欠费 months), never better off than back-paying them.
        # Months insured as a resident in between are no arrears (a switch of schemes, 002 ch.1 二十六).
        unpaid_from = first_month
        while latest is not None and unpaid_from - 1 > latest and (unpaid_from - 1) // 12 not in resident_years:
            unpaid_from -= 1
        months_late = month_index(paid_on) - unpaid_from
        retro = read(edition, "arrears.retroactive_back_pay_months_max", paid_on)
        no_retro = read(edition, "arrears.no_retroactivity_months_max", paid_on)
        if months_late <= integer(retro):
            start = payment.coverage_start
            basis = msg("period.back_pay_retroactive", paid_on=paid_on, months=max(months_late, 0), most=integer(retro))
            readings.append(retro)
        elif months_late <= integer(no_retro):
            start = max(paid_on, payment.coverage_start)
            basis = msg("period.arrears_not_retroactive", months=months_late, start=start)
            readings += [retro, no_retro]
        else:
            wait = read(edition, "arrears.long_arrears_wait_months", paid_on)
            start = add_months(paid_on, integer(wait))
            waiting = Waiting(integer(wait), 0, 0, integer(wait), "long_arrears", paid_on, start)
            basis = msg("period.arrears_wait", months=months_late, wait=integer(wait), start=start)
            readings += [retro, no_retro, wait]
    until, suspension = _benefits_until(edition, month_index(payment.coverage_end), paid_on)
    readings += suspension
    basis = concat(basis, older_history_note(readings, paid_on))
    return _paid_period(payment, edition, start, until, basis=basis, readings=readings, waiting=waiting)


def _paid_period(
    payment: Payment,
    edition: Edition,
    start: date,
    until: date,
    *,
    basis: Message,
    readings: list[ParameterReading],
    waiting: Waiting | None,
) -> CoveragePeriod:
    return CoveragePeriod(
        scheme=EMPLOYEE,
        region=payment.region,
        edition=edition,
        covered_from=payment.coverage_start,
        covered_until=payment.coverage_end + timedelta(days=1),
        benefits_from=start,
        benefits_until=until,
        basis=basis,
        readings=tuple(readings),
        waiting=waiting,
    )
