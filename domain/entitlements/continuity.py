"""Continuity (连续参保), the major-illness cap and its incentives and penalty (rules-digest §4).

Years are walked in order from the counting start (``readings.continuity_counting_start``),
never looked up one at a time with a default for a missing year:

* continuity bonus: after ``incentives.continuity_years_required`` full continuous years, each
  further continuous year raises the cap by ``incentives.continuity_raise`` (002 ch.3 九问 例一);
* zero-claim bonus: a covered year without fund use raises the next year's cap by
  ``incentives.zero_claim_raise``; it accumulates only where ``readings.zero_claim_accumulates``
  (002 九问 例二: Bazhong does not), and accumulated raises reset once a major-illness payment
  used the incentive headroom, and on a gap unless ``readings.zero_claim_reset_on_gap`` is false
  (Shenyang, 001 大病保险 6: a gap restarts only the continuity count);
* both raises together at most ``incentives.total_raise_share_max`` of the base cap;
* gap penalty: each gap year since the counting start lowers the cap by
  ``readings.gap_penalty_per_year``, at most ``gap_penalty.total_share_max`` of the base
  (002 ch.3 十问(一)).

A year insured in any region counts (reading ``readings.continuity_any_region``, 002 ch.3 十问(一)
没有参加医保): named in the explanation of a member who paid in more than one region or moved; read
false, only years insured in the rule set's own region count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from domain.entitlements.facts import MemberFacts
from domain.entitlements.periods import has, integer, money, ratio, read
from domain.entitlements.resident import YearCover, counting_start_year, is_gap_year, year_cover
from domain.messages import Message, joined, msg
from domain.money import fen_times_ratio
from domain.policies import Edition, ParameterReading


@dataclass(frozen=True)
class Continuity:
    consecutive_years: int
    gap_years: int
    readings: tuple[ParameterReading, ...]


def continuity(facts: MemberFacts, edition: Edition, cover: YearCover, year: int) -> Continuity:
    """Consecutive covered years ending with ``year`` and gap years before it, from the counting start."""
    start_year, counting = counting_start_year(edition, date(year, 1, 1))
    cover, regional = regional_cover(facts, edition, cover, date(year, 1, 1))
    consecutive = covered_run_ending(cover, year, start_year=start_year)
    gaps = gap_years_before(facts, cover, year, start_year=start_year)
    return Continuity(consecutive, gaps, (counting, *regional))


def regional_cover(
    facts: MemberFacts, edition: Edition, cover: YearCover, on: date
) -> tuple[YearCover, tuple[ParameterReading, ...]]:
    """The covered years continuity counts for a member insured in several regions (reading
    ``readings.continuity_any_region``): all of them, or read false only the rule set's region's."""
    regions = {p.region for p in facts.payments} | {t.to_region for t in facts.transfers}
    if len(regions) <= 1 or not has(edition, "readings.continuity_any_region"):
        return cover, ()
    reading = read(edition, "readings.continuity_any_region", on)
    if reading.value is True:
        return cover, (reading,)
    own = [p for p in facts.payments if p.region == edition.region]
    return year_cover(replace(facts, payments=own)), (reading,)


def covered_run_ending(cover: YearCover, year: int, *, start_year: int) -> int:
    """Consecutive covered years ending with ``year``, none before the counting start."""
    run = 0
    while year - run >= start_year and cover.covered(year - run):
        run += 1
    return run


def gap_years_before(facts: MemberFacts, cover: YearCover, year: int, *, start_year: int) -> int:
    """Gap years from the counting start up to (not including) ``year``, cumulative (002 ch.3 十问(一))."""
    return sum(
        1
        for y in range(start_year, year)
        if is_gap_year(y, cover=cover, start_year=start_year, birth_on=facts.birth_on)
    )


@dataclass(frozen=True)
class MajorIllnessCap:
    """The member's major-illness cap in a year, and how it was built."""

    year: int
    base_cap_fen: int
    continuity_bonus_fen: int
    zero_claim_bonus_fen: int
    gap_penalty_fen: int
    uncapped: bool
    readings: tuple[ParameterReading, ...]
    text: Message

    @property
    def cap_fen(self) -> int:
        return self.base_cap_fen + self.continuity_bonus_fen + self.zero_claim_bonus_fen - self.gap_penalty_fen


def uncapped_on(facts: MemberFacts, edition: Edition, day: date) -> ParameterReading | None:
    """The listed categories when the member holds one on ``day`` (特困对象、孤儿、低保不设赔付限额, 002 ch.3
    二十六问): a claim admitted on ``day`` has no major-illness cap; None otherwise. The year's cap
    (:func:`major_illness_cap`) says whether the member is uncapped as of the fold's date; a claim follows the
    category from its certification date, as the layer's other low-income rules do (二十四问)."""
    if not has(edition, "major_illness.uncapped_categories"):
        return None
    listed = read(edition, "major_illness.uncapped_categories", date(day.year, 1, 1))
    assert isinstance(listed.value, tuple)
    return listed if any(facts.has_category(c, day) for c in listed.value) else None


def major_illness_cap(
    facts: MemberFacts,
    edition: Edition,
    cover: YearCover,
    year: int,
    *,
    fund_used_in: Callable[[int], bool],
    headroom_used_in: Callable[[int], bool],
) -> MajorIllnessCap:
    """The cap for ``year``; ``fund_used_in(y)`` and ``headroom_used_in(y)`` answer from settled claims."""
    on = date(year, 1, 1)
    start_year, counting = counting_start_year(edition, on)
    base = read(edition, "major_illness.annual_cap", on)
    readings: list[ParameterReading] = [base, counting]
    cover, regional = regional_cover(facts, edition, cover, on)
    readings += regional
    uncapped = False
    if has(edition, "major_illness.uncapped_categories"):
        listed = read(edition, "major_illness.uncapped_categories", on)
        assert isinstance(listed.value, tuple)
        held = sorted(c for c in listed.value if facts.has_category(c, facts.as_of))
        if held:
            uncapped = True
            readings.append(listed)
    required = read(edition, "incentives.continuity_years_required", on)
    raise_continuity = read(edition, "incentives.continuity_raise", on)
    raise_zero = read(edition, "incentives.zero_claim_raise", on)
    share_max = read(edition, "incentives.total_raise_share_max", on)
    accumulates = read(edition, "readings.zero_claim_accumulates", on)
    penalty_per_gap = read(edition, "readings.gap_penalty_per_year", on)
    readings += [required, raise_continuity, raise_zero, share_max, accumulates, penalty_per_gap]

    previous_run = covered_run_ending(cover, year - 1, start_year=start_year)
    continuity_fen = 0
    if cover.covered(year) and previous_run >= integer(required):
        continuity_fen = (previous_run - integer(required) + 1) * money(raise_continuity)

    # A gap year adds no raise; it clears accumulated raises unless readings.zero_claim_reset_on_gap is false
    # (Shenyang, 001 大病保险 6: a gap restarts the continuity count only). Non-accumulating raises (Bazhong,
    # 002 九问 例二) are the previous year's alone, so a gap before the year always leaves none.
    reset_on_gap = True
    if accumulates.value is True and has(edition, "readings.zero_claim_reset_on_gap"):
        reset = read(edition, "readings.zero_claim_reset_on_gap", on)
        readings.append(reset)
        reset_on_gap = reset.value is not False
    zero_fen = 0
    for y in range(start_year, year):
        if not cover.covered(y):
            zero_fen = 0 if reset_on_gap else zero_fen
            continue
        if not fund_used_in(y):
            zero_fen = zero_fen + money(raise_zero) if accumulates.value is True else money(raise_zero)
        else:
            zero_fen = 0 if accumulates.value is not True or headroom_used_in(y) else zero_fen
    if not cover.covered(year - 1) and reset_on_gap:
        zero_fen = 0

    raise_limit = fen_times_ratio(money(base), ratio(share_max))
    continuity_fen = min(continuity_fen, raise_limit)
    zero_fen = min(zero_fen, raise_limit - continuity_fen)

    gaps = gap_years_before(facts, cover, year, start_year=start_year)
    penalty_fen = gaps * money(penalty_per_gap)
    if penalty_fen and has(edition, "gap_penalty.total_share_max"):
        penalty_share = read(edition, "gap_penalty.total_share_max", on)
        readings.append(penalty_share)
        penalty_fen = min(penalty_fen, fen_times_ratio(money(base), ratio(penalty_share)))
    parts = [
        msg(
            "major_illness.cap",
            year=year,
            base=money(base) // 100,
            run=previous_run,
            continuity=continuity_fen // 100,
            zero=zero_fen // 100,
            kept="" if reset_on_gap else msg("major_illness.zero_claim_kept"),
            gaps=gaps,
            start_year=start_year,
            penalty=penalty_fen // 100,
            share=f"{ratio(share_max) * 100:.0f}%",
        )
    ]
    if uncapped:
        parts.append(msg("major_illness.uncapped"))
    return MajorIllnessCap(
        year=year,
        base_cap_fen=money(base),
        continuity_bonus_fen=continuity_fen,
        zero_claim_bonus_fen=zero_fen,
        gap_penalty_fen=penalty_fen,
        uncapped=uncapped,
        readings=tuple(readings),
        text=joined(*parts),
    )


@dataclass(frozen=True)
class EmployeeContinuity:
    """Continuous employee contribution months (连续缴费) up to a day: what the switching and transfer rules count."""

    continuous_months: int
    since: date | None
    last_paid_month: date | None

    @property
    def continuous_years(self) -> int:
        return self.continuous_months // 12

    def as_json(self) -> dict[str, object]:
        return {
            "continuous_months": self.continuous_months,
            "continuous_years": self.continuous_years,
            "since": None if self.since is None else self.since.isoformat(),
            "last_paid_month": None if self.last_paid_month is None else self.last_paid_month.strftime("%Y-%m"),
        }


def employee_continuity(cover: YearCover, day: date) -> EmployeeContinuity:
    """The run of consecutive paid employee months ending with the last one paid up to ``day``'s month.

    Months paid in any region (transfers in included) count, as 002 ch.1 二十六 and 002 ch.2 八问 count
    continuous enrollment; a month not paid ends the run. The run is the member's current one only
    while the status finds them covered (the spell) — the caller decides that.
    """
    current = day.year * 12 + day.month - 1
    paid = [m for m in cover.employee_month_indexes if m <= current]
    if not paid:
        return EmployeeContinuity(0, None, None)
    last = max(paid)
    run = 0
    while last - run in cover.employee_month_indexes:
        run += 1
    first = last - run + 1
    return EmployeeContinuity(run, date(first // 12, first % 12 + 1, 1), date(last // 12, last % 12 + 1, 1))
