"""Stays across New Year (跨年度住院): which year a claim admitted in one year and discharged in the next
counts in.

The seeds are silent; 001 其他规定 2 settles a stay "以办理入院时的身份" and settlement happens on
discharge (出院即报). The default reading ``readings.cross_year_stay_year`` (rules-digest §8):
coverage, scheme and person kind are those of the admission day; the year the claim counts in (the
deductible count, the annual caps, the major-illness threshold and bands) and the parameter values
read are those of the discharge day. The fold and every layer already work that way (``ctx.year``
is the discharge year, parameters are read on ``claim.occurred_on``, coverage is found on
``admitted_on``); this module checks the rule set names that reading and says so on every claim it
decides.
"""

from __future__ import annotations

from domain.entitlements.periods import has
from domain.explain import Explanations
from domain.messages import msg
from domain.settlement.errors import NotSettleable
from domain.settlement.model import ClaimContext

READING = "readings.cross_year_stay_year"
#: The one reading the settlement code implements (rules-digest §8 default).
ADMISSION_COVERAGE_DISCHARGE_YEAR = "admission_coverage_discharge_year"


def explain_cross_year(ctx: ClaimContext, explanations: Explanations) -> None:
    """Name the cross-year reading on a claim admitted in one year and discharged in a later one."""
    data = ctx.claim.data
    if data.admitted_on.year == data.discharged_on.year or not has(ctx.edition, READING):
        return
    reading = ctx.edition.reading(READING, ctx.claim.occurred_on)
    if reading.value != ADMISSION_COVERAGE_DISCHARGE_YEAR:
        raise NotSettleable(msg("reason.reading_not_applied", name=READING, value=str(reading.value)))
    explanations.add(
        "year",
        msg(
            "settle.cross_year",
            admitted_on=data.admitted_on,
            discharged_on=data.discharged_on,
            year=data.discharged_on.year,
        ),
        ctx.edition,
        reading,
    )
