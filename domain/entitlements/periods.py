"""Coverage periods and waiting periods (待遇等待期): the shapes both schemes produce.

A coverage period is a stretch the member paid for (``covered_from`` .. ``covered_until``,
half-open) under one scheme and rule set, with the first day benefits apply
(``benefits_from``) and, where benefits start later than coverage, the waiting period that
explains why. Employee periods may also carry suspensions (arrears).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from domain.contract import CoverageEndedData
from domain.messages import Message, joined, msg
from domain.policies import Edition, ParameterReading

#: The end of coverage that has none (a retiree covered without contributions until a CoverageEnded).
OPEN_END = date(9999, 12, 31)

#: Finds the edition of a rule set for (region, scheme); raises when the rulebook has none.
EditionFinder = Callable[[str, str], Edition]


@dataclass(frozen=True)
class Waiting:
    """A waiting period: fixed months, variable months for gap years, months removed by repair."""

    fixed_months: int
    variable_months: int
    repaired_months: int
    total_months: int
    reason: str
    counted_from: date
    ends_on: date

    def as_json(self) -> dict[str, object]:
        return {
            "fixed_months": self.fixed_months,
            "variable_months": self.variable_months,
            "repaired_months": self.repaired_months,
            "total_months": self.total_months,
            "reason": self.reason,
            "counted_from": self.counted_from.isoformat(),
            "ends_on": self.ends_on.isoformat(),
        }


@dataclass(frozen=True)
class CoveragePeriod:
    """What one payment (or year of payments) buys: coverage, and benefits from a date."""

    scheme: str
    region: str
    edition: Edition
    covered_from: date
    covered_until: date
    benefits_from: date
    benefits_until: date
    basis: Message
    readings: tuple[ParameterReading, ...] = ()
    waiting: Waiting | None = None
    suspensions: tuple[tuple[date, date], ...] = field(default=())
    #: Cut short by a ``CoverageEnded``: the spell it belongs to ends with it.
    ended: bool = False

    def covers(self, day: date) -> bool:
        return self.covered_from <= day < self.covered_until

    def benefits_on(self, day: date) -> bool:
        if not self.benefits_from <= day < self.benefits_until:
            return False
        return not any(start <= day < end for start, end in self.suspensions)

    def suspended_on(self, day: date) -> bool:
        return any(start <= day < end for start, end in self.suspensions)


def cut_at_coverage_end(
    period: CoveragePeriod, coverage_ends: Sequence[tuple[date, CoverageEndedData]]
) -> CoveragePeriod:
    """Cut a period short at a CoverageEnded of its scheme: coverage and benefits end with that day."""
    for ended_on, ended in coverage_ends:
        if ended.scheme.value == period.scheme and period.covered_from <= ended_on < max(
            period.covered_until, period.benefits_until
        ):
            until = ended_on + timedelta(days=1)
            return replace(
                period,
                covered_until=min(period.covered_until, until),
                benefits_until=min(period.benefits_until, until),
                ended=True,
                basis=joined(period.basis, msg("period.ended", on=ended_on, reason=ended.reason.value)),
            )
    return period


def wait_runs_on(period: CoveragePeriod, pending: CoveragePeriod, *, why: Message) -> CoveragePeriod:
    """An unfinished wait of an earlier period holds for a later one too (the wait belongs to the spell)."""
    return replace(
        period,
        benefits_from=pending.benefits_from,
        basis=joined(period.basis, msg("period.wait_runs_on", why=why, until=pending.benefits_from)),
        readings=pending.readings + period.readings,
        waiting=pending.waiting,
    )


def read(edition: Edition, name: str, on: date) -> ParameterReading:
    """A coverage parameter of the edition on a date (raises when the rule set lacks it).

    Payments older than the rulebook still create coverage: for a date before the parameter's
    first value the earliest value is read, and the reading's ``on`` shows the date it was read
    at, so :func:`older_history_note` can say so in the explanation. Settlement does not use
    this: a claim before the rules is refused.
    """
    return edition.reading_from_first(name, on)


def older_history_note(readings: Iterable[ParameterReading], day: date) -> Message | None:
    """Say so when history older than the rulebook was read under a parameter's earliest value."""
    firsts = sorted({r.on for r in readings if r.on > day})
    if not firsts:
        return None
    return msg("period.older_history", first=firsts[0])


def has(edition: Edition, name: str) -> bool:
    """Whether the rule set defines the parameter at all (rules that a region does not have)."""
    return name in edition.parameters


def integer(reading: ParameterReading) -> int:
    value = reading.value
    assert isinstance(value, int) and not isinstance(value, bool), f"{reading.name} is not a whole number"
    return value


def money(reading: ParameterReading) -> int:
    """A money parameter's value in fen (asserted: a rule set of the wrong unit fails loudly)."""
    value = reading.value
    assert isinstance(value, int) and not isinstance(value, bool), f"{reading.name} is not money"
    return value


def ratio(reading: ParameterReading) -> Decimal:
    """A ratio parameter's exact value."""
    assert isinstance(reading.value, Decimal), f"{reading.name} is not a ratio"
    return reading.value


def month_index(day: date) -> int:
    """Months since year 0, for month arithmetic on paid months."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    year, month_zero = divmod(index, 12)
    return date(year, month_zero + 1, 1)
