"""Synthetic contributions: what a simulated member pays, and when (see ``synthetic``).

Residents pay one calendar year at a time — in the central window, late, or for a newborn by or
after the newborn limit — at the personal contribution of their row and category; gap years
are repaired once the member pays again. In-service employees' employers remit month by month,
some months fall into arrears and are back-paid later in one payment, some employees arrive with
a transfer of earlier months; retirees' months are recorded without a contribution. The shares
and delays are simulation constants; amounts and windows come from the rule sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.money import FEN_PER_YUAN, fen_times_ratio, format_yuan
from synthetic.rules import EMPLOYEE, GAP, RESIDENT

if TYPE_CHECKING:
    from synthetic import Life

# --------------------------------------------------------------------------- simulation assumptions

#: Share of gap years repaired (修复缴费, kind "repair") when the member pays again.
GAP_REPAIR_SHARE = 0.4
#: Days after the resumed payment that a repair is paid (lowest, highest).
REPAIR_DELAY_DAYS_RANGE = (0, 45)
#: Share of resident payments made after the central window (late payers).
RESIDENT_LATE_PAYMENT_SHARE = 0.08
#: Late resident payments arrive by this month and day of the coverage year.
RESIDENT_LATE_PAYMENT_LAST = (11, 30)
#: Share of newborns first paid after the newborn enrollment limit, and how many days after it at most.
NEWBORN_LATE_PAYMENT_SHARE = 0.1
NEWBORN_LATE_DAYS_MAX = 200
#: Monthly contribution base of in-service employees, whole yuan (lowest, highest), by region.
EMPLOYEE_MONTHLY_BASE_YUAN: Mapping[str, tuple[int, int]] = {"shenyang": (4_500, 18_000), "bazhong": (3_800, 11_000)}
#: Day of the month employers remit a month's contribution.
EMPLOYEE_PAYMENT_DAY = 15
#: Yearly chance of an arrears episode (欠费) for an in-service employee; its length in months.
EMPLOYEE_ARREARS_RATE = 0.04
ARREARS_MONTHS_RANGE = (1, 8)
#: Share of arrears back-paid (补缴), and months after the episode the back-pay arrives.
ARREARS_BACK_PAID_SHARE = 0.8
ARREARS_BACK_PAY_DELAY_MONTHS_RANGE = (0, 14)
#: Share of in-service employees at the start who arrive from another region during the first year (transfer_in).
TRANSFER_IN_SHARE = 0.06
#: Months a transfer brings in, and months between those and the first local payment.
TRANSFER_IN_MONTHS_RANGE = (12, 120)
TRANSFER_GAP_MONTHS_RANGE = (0, 6)
#: Employees already insured before the period get one payment covering the year before it, standing
#: for their earlier history (so the first month of the period is not read as a first enrollment).
EMPLOYEE_HISTORY_MONTHS = 12


def _category_on(life: Life, day: date) -> str | None:
    """The low-income category in force on ``day`` (certified and not revoked by then)."""
    if life.low_income is None or life.low_income_from is None or day < life.low_income_from:
        return None
    return None if life.low_income_to is not None and day > life.low_income_to else life.low_income


# --------------------------------------------------------------------------- contributions


def _contribution(life: Life, *, scheme: str, start: date, end: date, amount_fen: int, kind: str) -> dict[str, Any]:
    return {
        "scheme": scheme,
        "region": life.population.region,
        "coverage_start": start.isoformat(),
        "coverage_end": end.isoformat(),
        "amount": format_yuan(amount_fen),
        "kind": kind,
    }


def pay_resident_years(life: Life) -> None:
    """One payment per resident year: in the central window, late, or for a newborn by (or after) the limit."""
    rng, rules = life.rng, life.rules
    for year, scheme in sorted(life.plan.items()):
        if scheme != RESIDENT:
            continue
        figures = rules.resident_years[year]
        if life.newborn and year == life.birth_on.year:
            deadline = rules.newborn_deadline(life.birth_on)
            if rng.random() < NEWBORN_LATE_PAYMENT_SHARE:
                paid_on = deadline + timedelta(days=rng.randint(1, NEWBORN_LATE_DAYS_MAX))
            else:
                paid_on = life.day_between(life.birth_on, deadline - timedelta(days=1))
        else:
            earliest = max(figures.window_start_on, life.registered_on, life.birth_on + timedelta(days=1))
            if year - 1 in life.leave_month:
                earliest = max(earliest, month_end(year - 1, life.leave_month[year - 1]) + timedelta(days=1))
            late_last = date(year, *RESIDENT_LATE_PAYMENT_LAST)
            if earliest <= figures.window_end_on and rng.random() >= RESIDENT_LATE_PAYMENT_SHARE:
                paid_on = life.day_between(earliest, figures.window_end_on)
            else:
                paid_on = life.day_between(max(earliest, figures.window_end_on + timedelta(days=1)), late_last)
        if paid_on > life.life_end:
            continue
        life.resident_paid[year] = paid_on
        amount_fen = figures.contribution_fen(
            student_or_minor=_student_or_minor(life, date(year, 1, 1)), category=_category_on(life, paid_on)
        )
        data = _contribution(
            life, scheme=RESIDENT, start=date(year, 1, 1), end=date(year, 12, 31), amount_fen=amount_fen, kind="regular"
        )
        life.add(paid_on, "ContributionPaid", data)
    _repair_gap_years(life)


def _student_or_minor(life: Life, day: date) -> bool:
    return life.age_on(day) < 18 or (life.university and life.age_on(day) <= 22)


def _repair_gap_years(life: Life) -> None:
    """Some gap years are repaired (修复) once the member pays again: kind "repair", covering the gap year."""
    rng = life.rng
    for year, scheme in sorted(life.plan.items()):
        if scheme != GAP:
            continue
        resumed = min((y for y in life.resident_paid if y > year), default=None)
        if resumed is None or rng.random() >= GAP_REPAIR_SHARE:
            continue
        paid_on = life.resident_paid[resumed] + timedelta(days=rng.randint(*REPAIR_DELAY_DAYS_RANGE))
        if paid_on > life.life_end:
            continue
        figures = life.rules.resident_years[year]
        amount_fen = figures.contribution_fen(student_or_minor=_student_or_minor(life, date(year, 1, 1)), category=None)
        data = _contribution(
            life, scheme=RESIDENT, start=date(year, 1, 1), end=date(year, 12, 31), amount_fen=amount_fen, kind="repair"
        )
        life.add(paid_on, "ContributionPaid", data)


def pay_employee_spells(life: Life) -> None:
    """Monthly remittances of in-service employees (arrears back-paid later), yearly ones of retirees."""
    rng, population = life.rng, life.population
    months = _employee_months(life)
    if not months:
        return
    low, high = EMPLOYEE_MONTHLY_BASE_YUAN[population.region]
    base_fen = rng.randint(low, high) * FEN_PER_YUAN
    first = min(months)
    if first == month_index(life.period_start) and not life.newborn:
        if life.working_age(life.period_start) and rng.random() < TRANSFER_IN_SHARE:
            arrival = first + rng.randint(0, 11)
            months = {m for m in months if m >= arrival}
            _transfer_in(life, arrival, base_fen)
        else:
            _history_before_period(life, first, base_fen)
    retired_from = month_index(life.retired_on())
    in_service = sorted(m for m in months if m < retired_from)
    unpaid = _arrears(life, in_service, base_fen)
    for month in in_service:
        if month not in unpaid:
            _pay_months(life, month, month, base_fen, kind="regular", paid_on=month_day(month, EMPLOYEE_PAYMENT_DAY))
    retired = sorted(m for m in months if m >= retired_from)
    for year in sorted({m // 12 for m in retired}):
        in_year = [m for m in retired if m // 12 == year]
        # Retirees pay no contribution (退休人员不缴费); the event records the months their coverage runs.
        _pay_months(
            life, in_year[0], in_year[-1], 0, kind="regular", paid_on=month_day(in_year[0], EMPLOYEE_PAYMENT_DAY)
        )
    life.employee_months = {m for m in months if m not in unpaid}


def _employee_months(life: Life) -> set[int]:
    months: set[int] = set()
    for year, scheme in life.plan.items():
        if scheme == EMPLOYEE:
            last_month = life.leave_month.get(year, 12)
            months.update(year * 12 + month - 1 for month in range(1, last_month + 1))
    return {m for m in months if m <= month_index(life.life_end)}


def _pay_months(life: Life, first: int, last: int, base_fen: int, *, kind: str, paid_on: date) -> None:
    if paid_on > life.life_end:
        return
    rate = life.rules.employee_rate_by_year[max(first // 12, min(life.rules.employee_rate_by_year))]
    amount_fen = fen_times_ratio(base_fen, rate) * (last - first + 1)
    start, end = month_day(first, 1), month_end(last // 12, last % 12 + 1)
    life.add(
        paid_on,
        "ContributionPaid",
        _contribution(life, scheme=EMPLOYEE, start=start, end=end, amount_fen=amount_fen, kind=kind),
    )


def _arrears(life: Life, in_service: list[int], base_fen: int) -> set[int]:
    """Arrears episodes: months unpaid when due, most back-paid later in one payment (kind "arrears")."""
    rng, unpaid = life.rng, set()
    for year in sorted({m // 12 for m in in_service}):
        if rng.random() >= EMPLOYEE_ARREARS_RATE:
            continue
        in_year = [m for m in in_service if m // 12 == year]
        start = rng.choice(in_year)
        run = [
            m for m in range(start, start + rng.randint(*ARREARS_MONTHS_RANGE)) if m in in_service and m not in unpaid
        ]
        unpaid.update(run)
        if run and rng.random() < ARREARS_BACK_PAID_SHARE:
            paid_month = run[-1] + 1 + rng.randint(*ARREARS_BACK_PAY_DELAY_MONTHS_RANGE)
            paid_on = month_day(paid_month, 20)
            if paid_on <= life.life_end:
                _pay_months(life, run[0], run[-1], base_fen, kind="arrears", paid_on=paid_on)
                unpaid.difference_update(run)
    return unpaid


def _transfer_in(life: Life, arrival: int, base_fen: int) -> None:
    rng = life.rng
    gap = rng.randint(*TRANSFER_GAP_MONTHS_RANGE)
    last = arrival - gap - 1
    first = last - rng.randint(*TRANSFER_IN_MONTHS_RANGE) + 1
    paid_on = max(month_day(arrival, EMPLOYEE_PAYMENT_DAY) - timedelta(days=rng.randint(1, 10)), life.registered_on)
    _pay_months(life, first, last, base_fen, kind="transfer_in", paid_on=paid_on)


def _history_before_period(life: Life, first: int, base_fen: int) -> None:
    start = first - EMPLOYEE_HISTORY_MONTHS
    retired = month_index(life.retired_on()) <= start
    paid_on = max(month_day(start, EMPLOYEE_PAYMENT_DAY), life.registered_on)
    _pay_months(life, start, first - 1, 0 if retired else base_fen, kind="regular", paid_on=paid_on)


# --------------------------------------------------------------------------- calendar helpers


def birthday(birth_on: date, age: int) -> date:
    year = birth_on.year + age
    return date(year, 2, 28) if (birth_on.month, birth_on.day) == (2, 29) else birth_on.replace(year=year)


def month_index(day: date) -> int:
    """Months numbered year × 12 + month − 1, so consecutive months are consecutive integers."""
    return day.year * 12 + day.month - 1


def month_day(index: int, day: int) -> date:
    """Day ``day`` of the month numbered ``index`` (year × 12 + month − 1)."""
    return date(index // 12, index % 12 + 1, day)


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
