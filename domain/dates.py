"""Calendar helpers shared by every rule: month arithmetic and inclusive/half-open ranges."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start_on: date, months: int) -> date:
    """The same day-of-month ``months`` later, clamped to the month's last day.

    rules-digest §2: paid 1月20日 → benefits 4月20日 (001 医保待遇期 3); 1月31日 + 1 month → 2月28/29日.
    """
    month_index = start_on.year * 12 + (start_on.month - 1) + months
    year, month_zero = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month_zero + 1)[1]
    return date(year, month_zero + 1, min(start_on.day, last_day))


def first_of_next_month(day: date) -> date:
    """The 1st of the month after ``day`` (次月)."""
    return add_months(day.replace(day=1), 1)


def inclusive_end_to_exclusive(end_on: date) -> date:
    """Contract ranges are inclusive as people write them (12-31); inside, ranges are half-open."""
    return end_on + timedelta(days=1)
