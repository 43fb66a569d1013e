"""Retirees who no longer pay (退休不再缴费): coverage without contributions once the years are met.

000 缴费年限 and 002 ch.2 十八问: "缴费年限达到规定缴费年限的,不再缴纳基本医疗保险费,享受基本医疗保险退休
待遇". Read as ``readings.retiree_without_contributions`` (rules-digest §8):

* years met at retirement: covered without paying from the retirement day on;
* short at retirement: covered from the month after the shortfall is settled by a one-off payment,
  or while paying monthly (ordinary employee payments, their own periods) until the years are
  complete, then without paying from the month after (``ContributionYears.retiree_benefits_from``).

The coverage is open-ended: it ends only with a ``CoverageEnded`` (death, transfer out, …) — not
with ``left_employment``, which retiring is.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.contract import CoverageEndReason
from domain.entitlements.contribution_years import ContributionYears
from domain.entitlements.facts import MemberFacts
from domain.entitlements.periods import OPEN_END, CoveragePeriod, cut_at_coverage_end, has, read
from domain.messages import msg

EMPLOYEE = "employee"
READING = "readings.retiree_without_contributions"


def retiree_period(facts: MemberFacts, years: ContributionYears | None) -> CoveragePeriod | None:
    """The retiree's open-ended coverage without contributions, when the rules give one."""
    if years is None or years.retired_on is None or years.retiree_benefits_from is None:
        return None
    edition = years.edition
    if not has(edition, READING):
        return None
    reading = read(edition, READING, years.retired_on)
    assert reading.value == "covered_from_retirement", f"unknown {reading.name} value {reading.value!r}"
    met_at_retirement = years.shortfall_at_retirement_months == 0
    start: date = years.retired_on if met_at_retirement else years.retiree_benefits_from
    until = OPEN_END
    if years.certified_retirement:
        span = next(s for s in facts.category_spans("retired") if s.valid_from == years.retired_on)
        until = OPEN_END if span.valid_to is None else span.valid_to + timedelta(days=1)
        basis = msg(
            "period.certified_retired",
            retired_on=years.retired_on,
            until="" if span.valid_to is None else msg("period.to", on=span.valid_to),
        )
    elif met_at_retirement:
        basis = msg("period.retired_years_met", retired_on=years.retired_on)
    else:
        basis = msg(
            "period.retired_short",
            retired_on=years.retired_on,
            months=years.shortfall_at_retirement_months,
            completed_on=years.completed_on,
            start=start,
        )
    period = CoveragePeriod(
        scheme=EMPLOYEE,
        region=years.region,
        edition=edition,
        covered_from=start,
        covered_until=until,
        benefits_from=start,
        benefits_until=until,
        basis=basis,
        readings=(reading, *years.readings),
    )
    # Retiring is leaving employment: a left_employment end (an employer closing the member's record on
    # retirement) does not end the retiree's own coverage; death, a transfer out or a duplicate does.
    ends = [(day, ended) for day, ended in facts.coverage_ends if ended.reason is not CoverageEndReason.LEFT_EMPLOYMENT]
    return cut_at_coverage_end(period, ends)
