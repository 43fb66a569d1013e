"""Resident coverage (城乡居民医保): benefit start and waiting periods per paid calendar year.

Sources: 002 ch.3 三问, 七问, 十问 (Bazhong) and 001 医保待遇期, 其他规定 (Shenyang), read through
rules-digest §3.1, §3.2 and §3.5. Every figure comes from the member's rule set:

* continuous (the prior year covered) and paid by the end of the central window → benefits
  from Jan 1, or from the payment date when paid inside the window after Jan 1;
* otherwise a fixed wait (``waiting_period.fixed_months``) plus, for a run of gap years, a
  variable wait (``readings.variable_wait_per_gap_year`` per gap year beyond
  ``waiting_period.gap_years_free_of_variable_wait``), shortened by repair payments
  (``waiting_period.repair_months_per_year``) down to a floor after a long gap run;
* the wait is counted from Jan 1 when paid before the year, else from the payment date
  (``waiting_period.counted_from``), and it belongs to the enrollment spell: an unfinished wait
  runs on into the next paid year (002 ch.3 十问 例三);
* newborns, certified low-income members and members switching from the employee scheme
  have their own starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.contract import ContributionKind
from domain.dates import add_months, first_of_next_month
from domain.entitlements.facts import MemberFacts, Payment
from domain.entitlements.periods import (
    CoveragePeriod,
    EditionFinder,
    Waiting,
    cut_at_coverage_end,
    has,
    integer,
    month_index,
    read,
    wait_runs_on,
)
from domain.entitlements.veterans_released import veterans_released_start
from domain.messages import Message, joined, msg
from domain.policies import AnnualWindow, Edition, ParameterReading

RESIDENT = "resident"


@dataclass(frozen=True)
class YearCover:
    """Which calendar years the member had basic coverage in, in either scheme."""

    resident_years: frozenset[int]
    employee_month_indexes: frozenset[int]

    def covered(self, year: int) -> bool:
        if year in self.resident_years:
            return True
        return any(year * 12 <= m < (year + 1) * 12 for m in self.employee_month_indexes)


def year_cover(facts: MemberFacts) -> YearCover:
    """Covered years: resident years paid (repairs excluded: they cover no gap year) and employee months."""
    resident_years = {
        p.coverage_start.year for p in facts.payments if p.scheme == RESIDENT and p.kind is not ContributionKind.REPAIR
    }
    employee_months: set[int] = set()
    for payment in facts.payments:
        if payment.scheme == "employee" and payment.kind is not ContributionKind.REPAIR:
            employee_months.update(range(month_index(payment.coverage_start), month_index(payment.coverage_end) + 1))
    return YearCover(frozenset(resident_years), frozenset(employee_months))


def _employee_only_in(year: int, cover: YearCover) -> bool:
    """Covered in ``year`` by the employee scheme only: a resident payment for the next year is a switch."""
    return year not in cover.resident_years and cover.covered(year)


def counting_start_year(edition: Edition, on: date) -> tuple[int, ParameterReading]:
    reading = read(edition, "readings.continuity_counting_start", on)
    assert isinstance(reading.value, date)
    return reading.value.year, reading


def is_gap_year(year: int, *, cover: YearCover, start_year: int, birth_on: date | None) -> bool:
    """A calendar year from the counting start (and from birth) with no basic coverage (断保)."""
    if year < start_year or (birth_on is not None and year < birth_on.year):
        return False
    return not cover.covered(year)


def resident_periods(facts: MemberFacts, edition_for: EditionFinder) -> list[CoveragePeriod]:
    """One coverage period per paid resident year, in year order."""
    first_payment: dict[int, Payment] = {}
    for payment in sorted(facts.payments, key=lambda p: (p.paid_on, p.event_id)):
        if payment.scheme == RESIDENT and payment.kind is not ContributionKind.REPAIR:
            first_payment.setdefault(payment.coverage_start.year, payment)
    repairs = [p for p in facts.payments if p.scheme == RESIDENT and p.kind is ContributionKind.REPAIR]
    cover = year_cover(facts)
    periods: list[CoveragePeriod] = []
    carried: CoveragePeriod | None = None
    for year in sorted(first_payment):
        payment = first_payment[year]
        edition = edition_for(payment.region, RESIDENT)
        period = _year_period(year, payment, facts=facts, edition=edition, cover=cover, repairs=repairs)
        if (
            carried is not None
            and carried.waiting
            and carried.benefits_from > period.benefits_from
            and cover.covered(year - 1)
        ):
            # The wait belongs to the enrollment spell, not the year (002 ch.3 十问 例三).
            period = wait_runs_on(period, carried, why=msg("period.wait_begun_year_runs_on", year=year - 1))
        periods.append(cut_at_coverage_end(period, facts.coverage_ends))
        carried = period if period.benefits_from >= period.covered_until else None
    return periods


def _year_period(
    year: int,
    payment: Payment,
    *,
    facts: MemberFacts,
    edition: Edition,
    cover: YearCover,
    repairs: list[Payment],
    exemptions: bool = True,
) -> CoveragePeriod:
    year_start, year_end = date(year, 1, 1), date(year + 1, 1, 1)
    on = year_start
    paid_on = payment.paid_on

    def period(
        benefits_from: date,
        basis: Message,
        *readings: ParameterReading,
        waiting: Waiting | None = None,
        covered_from: date = year_start,
    ) -> CoveragePeriod:
        return CoveragePeriod(
            scheme=RESIDENT,
            region=payment.region,
            edition=edition,
            covered_from=covered_from,
            covered_until=year_end,
            benefits_from=benefits_from,
            benefits_until=year_end,
            basis=basis,
            readings=readings,
            waiting=waiting,
        )

    newborn = _newborn_start(year, payment, facts=facts, edition=edition)
    if newborn is not None:
        born_start, born_basis, born_readings, born_waiting = newborn
        assert facts.birth_on is not None
        return period(
            born_start, born_basis, *born_readings, waiting=born_waiting, covered_from=max(year_start, facts.birth_on)
        )

    next_year = _newborn_next_year_start(year, payment, facts=facts, edition=edition) if exemptions else None
    if next_year is not None:
        # Like the low-income start below: the exemption never makes benefits later than the ordinary rule.
        ordinary = _year_period(
            year, payment, facts=facts, edition=edition, cover=cover, repairs=repairs, exemptions=False
        )
        if ordinary.benefits_from > next_year[0]:
            return period(next_year[0], next_year[1], *next_year[2])
    low_income = _low_income_start(year, facts=facts, edition=edition) if exemptions else None
    if low_income is not None:
        low_start, low_basis, *low_readings = low_income
        # 001 医保待遇期 2 brings benefits forward for the certified; it never takes away the benefits the member's
        # own payment already gave (a member paying as an ordinary adult and certified mid-year stays covered).
        ordinary = _year_period(
            year, payment, facts=facts, edition=edition, cover=cover, repairs=repairs, exemptions=False
        )
        if ordinary.benefits_from <= low_start:
            return ordinary
        return period(low_start, low_basis, *low_readings)

    released = veterans_released_start(year, payment, facts=facts, edition=edition)
    if released is not None:
        released_start, released_basis, released_readings = released
        return period(released_start, released_basis, *released_readings)

    start_year, counting = counting_start_year(edition, on)
    continuous = year - 1 < start_year or cover.covered(year - 1)
    window_reading = _central_window(edition, on)
    window = window_reading.value
    assert isinstance(window, AnnualWindow)
    window_end = window.for_year(year)[1]

    switched = _switch_from_employee(year, payment, facts=facts, edition=edition, cover=cover)
    from_employee = year - 1 >= start_year and _employee_only_in(year - 1, cover)
    run = _employee_run(year, payment, cover) if from_employee else None
    long_employee_run = (
        run is not None
        and has(edition, "switching.min_continuous_years")
        and run[1] >= integer(read(edition, "switching.min_continuous_years", on)) * 12
    )
    # 002 ch.1 二十六: after ≥ 2 continuous years, a gap over 3 months waits 6 months from the transfer, even when
    # the resident payment falls in the central window.
    if switched is not None and (paid_on > window_end or (long_employee_run and switched[3] is not None)):
        start, basis, readings, waiting = switched
        return period(start, basis, *readings, waiting=waiting)
    switch_refused = from_employee and switched is None and has(edition, "switching.min_continuous_years")
    if switch_refused:
        # 001 其他规定 职工医保转换为城乡居民医保 1: fewer than 2 continuous employee years, or a longer gap →
        # 算作断保人员, 缴费后设置待遇等待期 — the employee year does not make the resident year continuous.
        continuous = False

    if continuous and paid_on <= window_end:
        start = max(year_start, paid_on)
        before = (
            msg("period.covered_year_before", year=year - 1)
            if cover.covered(year - 1)
            else msg("period.before_counting_start", year=year - 1, start_year=start_year)
        )
        basis = joined(before, msg("period.paid_in_window", paid_on=paid_on, window_end=window_end, start=start))
        return period(start, basis, window_reading, counting)

    gap_run = 0
    while is_gap_year(year - 1 - gap_run, cover=cover, start_year=start_year, birth_on=facts.birth_on):
        gap_run += 1
    fixed = read(edition, "waiting_period.fixed_months", on)
    free = read(edition, "waiting_period.gap_years_free_of_variable_wait", on)
    per_gap = read(edition, "readings.variable_wait_per_gap_year", on)
    per_repair = read(edition, "waiting_period.repair_months_per_year", on)
    long_run = read(edition, "waiting_period.long_gap_run_years", on)
    floor = read(edition, "waiting_period.long_gap_minimum_total_months", on)
    counted = read(edition, "waiting_period.counted_from", on)
    used: list[ParameterReading] = [window_reading, counting, fixed]
    variable_months = max(0, gap_run - integer(free)) * integer(per_gap)
    gap_years = set(range(year - gap_run, year))
    repaired_years = sorted({r.coverage_start.year for r in repairs if r.coverage_start.year in gap_years})
    repaired_months = min(variable_months, len(repaired_years) * integer(per_repair))
    total = integer(fixed) + variable_months - repaired_months
    if gap_run:
        used += [free, per_gap]
    if repaired_years:
        used.append(per_repair)
    if gap_run >= integer(long_run):
        used += [long_run, floor]
        total = max(total, min(integer(floor), integer(fixed) + variable_months))
    used.append(counted)
    counted_from = (
        year_start if paid_on < year_start and counted.value == "later_of_payment_and_year_start" else paid_on
    )
    start = add_months(counted_from, total)
    latest_repair = max((r.paid_on for r in repairs if r.coverage_start.year in repaired_years), default=None)
    if latest_repair is not None and latest_repair > start:
        start = latest_repair
    if gap_run:
        reason = "gap"
        cause = msg("period.gap_years", gaps=gap_run, year=year, first=year - gap_run, last=year - 1)
    elif switch_refused:
        reason = "not_continuous"
        cause = msg(
            "period.switch_refused",
            years=integer(read(edition, "switching.min_continuous_years", on)),
            months=integer(read(edition, "switching.max_gap_months", on)),
        )
        used += [read(edition, "switching.min_continuous_years", on), read(edition, "switching.max_gap_months", on)]
    elif not continuous:
        reason = "not_continuous"
        cause = msg("period.not_covered_year_before", year=year - 1)
    else:
        reason = "outside_central_window"
        cause = msg("period.after_window", paid_on=paid_on, window_end=window_end)
    waiting = Waiting(
        fixed_months=integer(fixed),
        variable_months=variable_months,
        repaired_months=repaired_months,
        total_months=total,
        reason=reason,
        counted_from=counted_from,
        ends_on=start,
    )
    basis = msg(
        "period.resident_wait",
        cause=cause,
        fixed=integer(fixed),
        variable=variable_months,
        repaired=repaired_months,
        total=total,
        counted_from=counted_from,
        start=start,
    )
    return period(start, basis, *used, waiting=waiting)


def _central_window(edition: Edition, on: date) -> ParameterReading:
    """The central enrollment window: the rule set's own, or the default reading where the seed has no dates."""
    if has(edition, "coverage.central_window"):
        return read(edition, "coverage.central_window", on)
    return read(edition, "readings.shenyang_central_window", on)


def _newborn_start(
    year: int, payment: Payment, *, facts: MemberFacts, edition: Edition
) -> tuple[date, Message, tuple[ParameterReading, ...], Waiting | None] | None:
    """Newborns paid for their birth year: from birth when paid in time, else from (or after) payment."""
    birth_on = facts.birth_on
    if birth_on is None or birth_on.year != year:
        return None
    deadline, limit = _newborn_deadline(birth_on, edition)
    late_wait = read(edition, "newborn.late_enrollment_wait_months", birth_on)
    if payment.paid_on <= deadline:
        return (
            birth_on,
            msg("period.newborn_in_time", paid_on=payment.paid_on, deadline=deadline, birth_on=birth_on),
            (limit,),
            None,
        )
    months = integer(late_wait)
    start = add_months(payment.paid_on, months)
    waiting = None
    if months:
        waiting = Waiting(months, 0, 0, months, "newborn_late", payment.paid_on, start)
    return (
        start,
        msg("period.newborn_late", paid_on=payment.paid_on, deadline=deadline, start=start),
        (limit, late_wait),
        waiting,
    )


def _newborn_deadline(birth_on: date, edition: Edition) -> tuple[date, ParameterReading]:
    """The last day a newborn's payment is in time (002 ch.3 七问 90 days; 001 医保待遇期 3 three months)."""
    if has(edition, "newborn.enrollment_limit_days"):
        limit = read(edition, "newborn.enrollment_limit_days", birth_on)
        return birth_on + timedelta(days=integer(limit)), limit
    limit = read(edition, "newborn.enrollment_limit_months", birth_on)
    return add_months(birth_on, integer(limit)), limit


def _newborn_next_year_start(
    year: int, payment: Payment, *, facts: MemberFacts, edition: Edition
) -> tuple[date, Message, tuple[ParameterReading, ...]] | None:
    """A newborn enrolled in time for the year after its birth has no waiting period (001 医保待遇期 1 and 002 ch.3
    十问(二): 除新生儿等特殊群体外; 例七 新生儿出生后参保不设置待遇等待期): a child born late in the year and paid for
    the next year within the newborn limit, whether or not the birth year was paid."""
    birth_on = facts.birth_on
    if birth_on is None or year != birth_on.year + 1 or not has(edition, "newborn.next_year_benefits_from"):
        return None
    deadline, limit = _newborn_deadline(birth_on, edition)
    if payment.paid_on > deadline:
        return None
    reading = read(edition, "newborn.next_year_benefits_from", birth_on)
    year_start = date(year, 1, 1)
    start = year_start if reading.value == "year_start" else max(year_start, payment.paid_on)
    basis = msg(
        "resident.newborn_next_year", born=birth_on, paid=payment.paid_on, year=year, deadline=deadline, start=start
    )
    return start, basis, (limit, reading)


def _low_income_start(
    year: int, *, facts: MemberFacts, edition: Edition
) -> tuple[date, Message, ParameterReading, ParameterReading] | None:
    """Certified low-income members: the 1st of the month after certification, not before Jan 1 (001 医保待遇期 2)."""
    if not has(edition, "low_income.benefits_start"):
        return None
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    on = year_start
    reading = read(edition, "low_income.benefits_start", on)
    categories = read(edition, "low_income.categories", on)
    assert isinstance(categories.value, tuple)
    names = set(categories.value)
    spans = [
        s
        for s in facts.categories
        if s.category in names and s.valid_from <= year_end and (s.valid_to is None or s.valid_to >= year_start)
    ]
    if not spans:
        return None
    span = min(spans, key=lambda s: s.valid_from)
    start = max(year_start, first_of_next_month(span.valid_from))
    basis = msg("period.low_income", category=span.category, since=span.valid_from, start=start)
    return start, basis, reading, categories


def _employee_run(year: int, payment: Payment, cover: YearCover) -> tuple[int, int, int] | None:
    """The last run of employee months before the resident payment: (last month index, months, gap months)."""
    paid_month = month_index(max(payment.paid_on, date(year, 1, 1)))
    earlier = sorted(m for m in cover.employee_month_indexes if m < paid_month)
    if not earlier:
        return None
    run_end = earlier[-1]
    run_start = run_end
    while run_start - 1 in cover.employee_month_indexes:
        run_start -= 1
    return run_end, run_end - run_start + 1, paid_month - run_end - 1


def _switch_from_employee(
    year: int, payment: Payment, *, facts: MemberFacts, edition: Edition, cover: YearCover
) -> tuple[date, Message, tuple[ParameterReading, ...], Waiting | None] | None:
    """Employee → resident (001 其他规定; 002 ch.1 二十六): seamless after ≥ N continuous years and a short gap."""
    if not has(edition, "switching.min_continuous_years") or not has(edition, "switching.max_gap_months"):
        return None
    year_start = date(year, 1, 1)
    on = year_start
    run = _employee_run(year, payment, cover)
    if run is None:
        return None
    run_end, run_months, gap_months = run
    min_years = read(edition, "switching.min_continuous_years", on)
    max_gap = read(edition, "switching.max_gap_months", on)
    benefits = read(edition, "switching.seamless_benefits_from", on)
    readings: tuple[ParameterReading, ...] = (min_years, max_gap, benefits)
    if run_months >= integer(min_years) * 12 and gap_months <= integer(max_gap):
        if benefits.value == "end_of_former_coverage":
            start = max(year_start, add_months(date(run_end // 12, run_end % 12 + 1, 1), 1))
        else:
            start = max(year_start, payment.paid_on)
        basis = msg("period.switched_from_employee", months=run_months, gap=gap_months, start=start)
        return start, basis, readings, None
    if has(edition, "switching.long_gap_wait_months"):
        wait = read(edition, "switching.long_gap_wait_months", on)
        start = add_months(payment.paid_on, integer(wait))
        waiting = Waiting(integer(wait), 0, 0, integer(wait), "switch_gap", payment.paid_on, start)
        basis = msg("period.switched_from_employee_wait", gap=gap_months, wait=integer(wait))
        return start, basis, (*readings, wait), waiting
    return None
