"""The member timeline: what the fold worked out, laid out on a time axis for an SVG drawing.

Nothing here decides an entitlement. Coverage, its waiting periods (fixed, variable, repaired
months) and suspensions come from the fold's coverage spells (``MemberLedger.spell_periods``: one
bar per spell, the wait at its start only); categories, remote-care filings, certified conditions
and claims from its facts; each claim's status from its settlement. Only the geometry is computed
here, and the gaps between coverage spells (the days no spell covers) and the scheme switches
(consecutive spells of different schemes) are read off the spells for drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from domain.dates import add_months, inclusive_end_to_exclusive
from domain.entitlements.fold import MemberLedger
from domain.entitlements.periods import CoveragePeriod
from domain.money import format_yuan

#: Drawing size in SVG user units (the SVG scales to the page width).
WIDTH = 960
LABEL_WIDTH = 150
LANE_HEIGHT = 26
AXIS_HEIGHT = 22
#: The axis never runs further than this many years past the as-of date (long grace periods).
YEARS_AFTER_AS_OF_MAX = 2

LANES = ("resident", "employee", "gaps", "categories", "filings", "conditions", "claims")
COVERAGE_LANES = ("resident", "employee", "gaps")


@dataclass(frozen=True)
class Segment:
    lane: str
    kind: str
    start_on: date
    end_on: date  # exclusive
    title: str
    x: float = 0.0
    width: float = 0.0


@dataclass(frozen=True)
class Mark:
    lane: str
    kind: str
    on: date
    title: str
    key: str = ""
    status: str = ""
    x: float = 0.0


@dataclass
class Timeline:
    first_on: date
    until_on: date
    as_of: date
    lanes: list[str]
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    years: list[tuple[int, float]] = field(default_factory=list)
    as_of_x: float = 0.0

    @property
    def height(self) -> int:
        return AXIS_HEIGHT + LANE_HEIGHT * len(self.lanes)

    def lane_y(self, lane: str) -> int:
        return AXIS_HEIGHT + LANE_HEIGHT * self.lanes.index(lane)


def build_timeline(ledger: MemberLedger, *, t: Callable[[str], str]) -> Timeline:
    """Lay out the folded member on an axis from the first year with anything to the as-of date (or later)."""
    facts = ledger.facts
    as_of = facts.as_of
    segments: list[Segment] = []
    marks: list[Mark] = []
    spells = ledger.spell_periods  # one bar per coverage spell, its wait at the start only
    for period in spells:
        segments.extend(_period_segments(period, t))
    segments.extend(_gaps(spells, as_of, t))
    marks.extend(_switches(spells, t))
    for span in facts.categories:
        end = inclusive_end_to_exclusive(span.valid_to) if span.valid_to else None
        segments.append(_open_segment("categories", span.category, span.valid_from, end, span.category))
    for _, filing in facts.filings:
        end = inclusive_end_to_exclusive(filing.valid_to) if filing.valid_to else None
        title = f"{filing.kind.value} · {filing.place}"
        segments.append(_open_segment("filings", filing.kind.value, filing.valid_from, end, title))
    for _, condition in facts.conditions:
        end = inclusive_end_to_exclusive(condition.valid_to) if condition.valid_to else None
        title = f"{condition.programme.value} · {condition.condition}"
        segments.append(_open_segment("conditions", condition.programme.value, condition.valid_from, end, title))
    for claim in facts.claims:
        settlement = ledger.settlements.get(claim.data.claim_id)
        status = settlement.status if settlement else "unsettled"
        fund = format_yuan(settlement.fund_total_fen) if settlement else "—"
        title = (
            f"{claim.data.claim_id} · {claim.data.setting.value} · {claim.data.admitted_on}–{claim.data.discharged_on}"
            f" · {t('total_amount')} {format_yuan(claim.data.total_amount)} · {t('fund_total')} {fund} · {status}"
        )
        marks.append(Mark("claims", "claim", claim.data.admitted_on, title, key=claim.data.claim_id, status=status))
    return _place(segments, marks, as_of)


def _period_segments(period: CoveragePeriod, t: Callable[[str], str]) -> list[Segment]:
    lane = period.scheme
    found: list[Segment] = []
    #: Months a repair removed from the wait, drawn as a thin strip after it (over the benefits they gave back).
    repaired: list[Segment] = []
    head = f"{t('scheme.' + period.scheme)} {period.covered_from} – {period.covered_until - timedelta(days=1)}"
    head += f" · {period.edition.name}"
    waiting = period.waiting
    if waiting is not None and waiting.total_months + waiting.repaired_months > 0:
        fixed_end = min(add_months(waiting.counted_from, waiting.fixed_months), waiting.ends_on)
        why = f"{head} · {t('waiting')}: {waiting.fixed_months} + {waiting.variable_months} − "
        why += f"{waiting.repaired_months} = {waiting.total_months} ({waiting.reason}) → {period.benefits_from}"
        if fixed_end > waiting.counted_from:
            found.append(Segment(lane, "fixed", waiting.counted_from, fixed_end, f"{t('legend.fixed')} · {why}"))
        if waiting.ends_on > fixed_end:
            found.append(Segment(lane, "variable", fixed_end, waiting.ends_on, f"{t('legend.variable')} · {why}"))
        if waiting.repaired_months > 0:
            repaired_end = add_months(waiting.ends_on, waiting.repaired_months)
            repaired.append(Segment(lane, "repaired", waiting.ends_on, repaired_end, f"{t('legend.repaired')} · {why}"))
    elif period.benefits_from > period.covered_from:
        title = f"{head} · {t('legend.before_benefits')} · {period.basis.render(t.language)}"
        found.append(Segment(lane, "before_benefits", period.covered_from, period.benefits_from, title))
    start = period.benefits_from
    for suspended_from, suspended_until in sorted(period.suspensions):
        if suspended_from > start:
            found.append(
                Segment(lane, "benefits", start, suspended_from, f"{head} · {period.basis.render(t.language)}")
            )
        found.append(Segment(lane, "suspended", suspended_from, suspended_until, f"{head} · {t('legend.suspended')}"))
        start = max(start, suspended_until)
    if period.benefits_until > start:
        found.append(
            Segment(lane, "benefits", start, period.benefits_until, f"{head} · {period.basis.render(t.language)}")
        )
    return found + repaired


def _gaps(periods: list[CoveragePeriod], as_of: date, t: Callable[[str], str]) -> list[Segment]:
    """Days between the first paid coverage and ``as_of`` that no period covers."""
    spans = sorted((p.covered_from, p.covered_until) for p in periods if p.covered_from <= as_of)
    gaps: list[Segment] = []
    reached: date | None = None
    for start, end in spans:
        if reached is not None and start > reached:
            gaps.append(_gap(reached, start, t))
        reached = end if reached is None else max(reached, end)
    if reached is not None and reached <= as_of:
        gaps.append(_gap(reached, as_of + timedelta(days=1), t))
    return gaps


def _gap(start: date, end: date, t: Callable[[str], str]) -> Segment:
    return Segment("gaps", "gap", start, end, f"{t('legend.gap')} {start} – {end - timedelta(days=1)}")


def _switches(periods: list[CoveragePeriod], t: Callable[[str], str]) -> list[Mark]:
    marks: list[Mark] = []
    ordered = sorted(periods, key=lambda p: (p.covered_from, p.covered_until))
    for before, after in pairwise(ordered):
        if before.scheme != after.scheme:
            title = f"{t('legend.switch')}: {t('scheme.' + before.scheme)} → {t('scheme.' + after.scheme)}"
            marks.append(Mark(after.scheme, "switch", after.covered_from, f"{title} · {after.covered_from}"))
    return marks


def _open_segment(lane: str, kind: str, start: date, end: date | None, title: str) -> Segment:
    """A span with no end runs to the end of the axis (fixed when placed)."""
    return Segment(lane, kind, start, end or date.max, f"{title} · {start} – {'' if end is None else end}")


def _place(segments: list[Segment], marks: list[Mark], as_of: date) -> Timeline:
    # The axis starts with the member's coverage and claims; a category or condition certified long before is
    # clipped at the left edge.
    anchors = [s.start_on for s in segments if s.lane in COVERAGE_LANES] + [m.on for m in marks]
    days = (anchors or [s.start_on for s in segments]) + [as_of]
    ends = [s.end_on for s in segments if s.end_on != date.max] + [m.on for m in marks] + [as_of]
    first_on = date(min(days).year, 1, 1)
    limit = date(as_of.year + YEARS_AFTER_AS_OF_MAX, 12, 31)
    until_on = date(min(max(ends), limit).year + 1, 1, 1)
    lanes = [lane for lane in LANES if any(s.lane == lane for s in segments) or any(m.lane == lane for m in marks)]
    span_days = (until_on - first_on).days
    plot = WIDTH - LABEL_WIDTH

    def x_of(day: date) -> float:
        day = min(max(day, first_on), until_on)
        return round(LABEL_WIDTH + plot * (day - first_on).days / span_days, 1)

    placed = [
        replace(s, x=x_of(s.start_on), width=round(x_of(s.end_on) - x_of(s.start_on), 1))
        for s in segments
        if s.start_on < until_on
    ]
    shown = [replace(m, x=x_of(m.on)) for m in marks if m.on < until_on]
    years = [(year, x_of(date(year, 1, 1))) for year in range(first_on.year, until_on.year)]
    timeline = Timeline(first_on, until_on, as_of, lanes or ["gaps"], placed, shown, years, x_of(as_of))
    return timeline
