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
        basis = (
            f"certified retired from {years.retired_on}, no RetirementReached: the certification is the retirement "
            f"fact; covered without paying from that day{'' if span.valid_to is None else f' to {span.valid_to}'} "
            "(reading retiree_without_contributions)"
        )
    elif met_at_retirement:
        basis = (
            f"retired {years.retired_on} with the contribution years met: covered without paying from that day "
            f"(reading retiree_without_contributions)"
        )
    else:
        basis = (
            f"retired {years.retired_on} {years.shortfall_at_retirement_months} month(s) short; years complete on "
            f"{years.completed_on}: covered without paying from {start} (reading retiree_without_contributions)"
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
