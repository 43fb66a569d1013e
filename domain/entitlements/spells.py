"""Coverage spells (连续参保期): the member's periods joined into unbroken stretches of coverage.

A payment buys a coverage period (``periods.CoveragePeriod``); the status questions — is the
member covered, are benefits active, from when, are they suspended, why the wait — are answered
by the *spell* the day falls in, so they never flicker with the day of the month an employer pays.

A period joins the spell before it when it is of the same scheme and

* it begins no later than the spell's end — the last paid day, or the end of the arrears grace
  the rules give after it (``arrears.suspension_start``, ``arrears.suspend_from_unpaid_month``),
  whichever is later — and
* the spell was not ended by a ``CoverageEnded``, and
* its benefits start no later than the spell's benefits end: benefits that resume only after
  an interruption start a spell (a resident year paid after the central window, arrears
  back-paid too late to be retroactive, a new employment after the grace). A wait that runs on
  from the spell's start (002 ch.3 十问 例三, 002 ch.2 六问 paid month by month) is the spell's
  own wait.

Otherwise the period starts a new spell, whose coverage begins where the spell before it ended
(never earlier: the months in between already belong to it).

Definitions (one for both schemes, docs/entitlements.md):

* ``covered`` on day D: D falls in a spell (paid months and the arrears grace after them, or a
  retiree's coverage without contributions);
* ``benefits_active``: D falls in one of the spell's benefit runs;
* ``benefits_start``: the first day with benefits of the spell covering D (a future date while
  the spell's wait runs); for residents, whose benefit period (医保待遇期) is the paid calendar
  year, the start of that year's benefits (``status._coverage``);
* ``suspended``: covered, without benefits, and not in a wait: months paid by arrears back-pay
  that are not retroactive (002 ch.2 二十三问; 000 待遇起始时间 2), until benefits resume;
* ``waiting``: the wait at the spell's start, running or over (null for a spell without one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

from domain.entitlements.periods import OPEN_END, CoveragePeriod, Waiting
from domain.messages import joined, msg


@dataclass(frozen=True)
class CoverageSpell:
    """An unbroken stretch of coverage in one scheme, made of consecutive coverage periods."""

    scheme: str
    periods: tuple[CoveragePeriod, ...]
    covered_from: date
    #: The first day no longer covered: after the last paid day and the arrears grace (half-open).
    covered_until: date
    #: The last paid day + 1 (months paid, or a retiree's open-ended coverage).
    paid_until: date
    #: Merged half-open benefit runs, in order.
    benefit_runs: tuple[tuple[date, date], ...]
    #: The first day with benefits (the end of the starting wait; may lie beyond the paid months).
    benefits_from: date
    waiting: Waiting | None
    ended: bool

    @property
    def region(self) -> str:
        return self.periods[-1].region

    def covers(self, day: date) -> bool:
        return self.covered_from <= day < self.covered_until

    def benefits_on(self, day: date) -> bool:
        return any(start <= day < end for start, end in self.benefit_runs)

    def waiting_on(self, day: date) -> bool:
        return self.waiting is not None and self.covers(day) and day < self.benefits_from

    def suspended_on(self, day: date) -> bool:
        return self.covers(day) and not self.benefits_on(day) and not self.waiting_on(day)

    def benefits_end(self) -> date | None:
        return self.benefit_runs[-1][1] if self.benefit_runs else None

    def period_on(self, day: date) -> CoveragePeriod:
        """The period that describes ``day``: one giving benefits on it, else the last begun by it."""
        for period in self.periods:
            if period.benefits_on(day):
                return period
        begun = [p for p in self.periods if p.covered_from <= day]
        return begun[-1] if begun else self.periods[0]

    def as_json(self) -> dict[str, object]:
        """The spell in the status document (``covered_until`` null when open-ended)."""
        return {
            "scheme": self.scheme,
            "region": self.region,
            "covered_from": self.covered_from.isoformat(),
            "paid_until": None if self.paid_until >= OPEN_END else self.paid_until.isoformat(),
            "covered_until": None if self.covered_until >= OPEN_END else self.covered_until.isoformat(),
            "benefits_from": self.benefits_from.isoformat(),
            "periods": len(self.periods),
        }

    def as_period(self) -> CoveragePeriod:
        """The whole spell as one period (FHIR Coverage, console timeline): its wait at the start only, the
        holes in its benefits as suspensions, the rule set and region of its latest period."""
        last = self.periods[-1]
        runs = self.benefit_runs
        holes = tuple((end, start) for (_, end), (start, _) in pairwise(runs))
        count = len(self.periods)
        basis = (
            self.periods[0].basis
            if count == 1
            else joined(self.periods[0].basis, msg("period.payments_in_spell", count=count))
        )
        return CoveragePeriod(
            scheme=self.scheme,
            region=last.region,
            edition=last.edition,
            covered_from=self.covered_from,
            covered_until=self.covered_until,
            benefits_from=self.benefits_from,
            benefits_until=runs[-1][1] if runs else self.benefits_from,
            basis=basis,
            readings=self.periods[0].readings,
            waiting=self.waiting,
            suspensions=holes,
            ended=self.ended,
        )

    def resumes_on(self, day: date) -> date | None:
        """Inside a suspension: the day benefits resume (None when nothing paid restores them)."""
        return next((start for start, _ in self.benefit_runs if start > day), None)


def _runs(periods: Sequence[CoveragePeriod]) -> tuple[tuple[date, date], ...]:
    intervals = sorted((p.benefits_from, p.benefits_until) for p in periods if p.benefits_from < p.benefits_until)
    merged: list[tuple[date, date]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _spell(periods: list[CoveragePeriod], covered_from: date) -> CoverageSpell:
    first = periods[0]
    paid_until = max(p.covered_until for p in periods)
    runs = _runs(periods)
    ended = any(p.ended for p in periods)
    grace_until = max(p.benefits_until for p in periods)
    covered_until = paid_until if ended else max(paid_until, grace_until)
    benefits_from = runs[0][0] if runs else first.benefits_from
    waiting = first.waiting if first.waiting is not None and benefits_from > covered_from else None
    return CoverageSpell(
        scheme=first.scheme,
        periods=tuple(periods),
        covered_from=covered_from,
        covered_until=covered_until,
        paid_until=paid_until,
        benefit_runs=runs,
        benefits_from=benefits_from,
        waiting=waiting,
        ended=ended,
    )


def coverage_spells(periods: Sequence[CoveragePeriod]) -> list[CoverageSpell]:
    """Join the periods (any order) into spells, per scheme, in order of their start."""
    spells: list[CoverageSpell] = []
    for scheme in sorted({p.scheme for p in periods}):
        ordered = sorted(
            (p for p in periods if p.scheme == scheme), key=lambda p: (p.covered_from, p.covered_until, p.benefits_from)
        )
        # The open spell is kept as the figures _joins reads (what _spell would give for its periods so far),
        # so it is built once when it closes instead of once for every period added to it.
        current: list[CoveragePeriod] = []
        start = date.min
        open_spell = _OpenSpell(ordered[0]) if ordered else None
        for period in ordered:
            if current and open_spell is not None and open_spell.joins(period):
                current.append(period)
                open_spell.add(period)
            else:
                if current and open_spell is not None:
                    spells.append(_spell(current, start))
                    start = max(period.covered_from, open_spell.covered_until)
                else:
                    start = period.covered_from
                current = [period]
                open_spell = _OpenSpell(period)
        if current:
            spells.append(_spell(current, start))
    return sorted((_grace_cut(spell, spells) for spell in spells), key=lambda s: (s.covered_from, s.scheme))


class _OpenSpell:
    """The figures of a spell being built that decide whether the next period joins it (as :func:`_joins`)."""

    def __init__(self, period: CoveragePeriod) -> None:
        self.paid_until = period.covered_until
        self.grace_until = period.benefits_until
        self.ended = period.ended
        #: The end of the last benefit run: the latest end of a non-empty benefit interval (None: no run yet).
        self.benefits_end = period.benefits_until if period.benefits_from < period.benefits_until else None

    def add(self, period: CoveragePeriod) -> None:
        self.paid_until = max(self.paid_until, period.covered_until)
        self.grace_until = max(self.grace_until, period.benefits_until)
        self.ended = self.ended or period.ended
        if period.benefits_from < period.benefits_until:
            end = period.benefits_until
            self.benefits_end = end if self.benefits_end is None else max(self.benefits_end, end)

    @property
    def covered_until(self) -> date:
        return self.paid_until if self.ended else max(self.paid_until, self.grace_until)

    def joins(self, period: CoveragePeriod) -> bool:
        if self.ended or period.covered_from > self.covered_until:
            return False
        if self.benefits_end is None:
            return True  # the spell's own wait still runs: a later payment shares it
        return period.benefits_from <= self.benefits_end


def _grace_cut(spell: CoverageSpell, spells: Sequence[CoverageSpell]) -> CoverageSpell:
    """The arrears grace after the paid months ends where the member is covered in another scheme."""
    cut = min(
        (
            o.covered_from
            for o in spells
            if o.scheme != spell.scheme and spell.paid_until <= o.covered_from < spell.covered_until
        ),
        default=None,
    )
    if cut is None:
        return spell
    runs = tuple((start, min(end, cut)) for start, end in spell.benefit_runs if start < cut)
    return replace(spell, covered_until=cut, benefit_runs=runs or spell.benefit_runs[:0])
