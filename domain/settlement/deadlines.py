"""Claim deadlines (报销截止时间) where the seeds set them.

- 002 ch.3 十七问 (Bazhong residents): inpatient costs are settled on discharge (出院即报); what
  cannot be, "原则上应在费用发生次年6月底前 … 申请结算": the application is due by the end of month
  ``claim_deadline.next_year_month_end`` of the year after the discharge, for the settings in
  ``claim_deadline.settings``.
- 002 ch.5 四问 (二) (Bazhong, both schemes): single-payment and high-value drugs bought away from
  home and not settled directly, "原则上应于就医结束三个月内 … 办理手工结算": within
  ``drugs.manual_claim_deadline_months`` of the service day, for claims at the locations in
  ``drugs.manual_claim_locations``.

The application day is the claim's ``applied_on``, or the day the ledger recorded it. A claim
applied for after its deadline pays nothing, with the reason.
"""

from __future__ import annotations

import calendar
from datetime import date

from domain.dates import add_months
from domain.entitlements.periods import has
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.policies import ParameterReading
from domain.settlement.model import ClaimContext


def applied_on(ctx: ClaimContext) -> date:
    """The application day: the claim's own, else the day it was recorded (UTC)."""
    return ctx.claim.data.applied_on or ctx.claim.recorded_at.date()


def _read(ctx: ClaimContext, name: str) -> ParameterReading:
    return ctx.edition.reading(name, ctx.claim.occurred_on)


def deadline_refusal(ctx: ClaimContext, explanations: Explanations) -> Message | None:
    """Why the claim is too late, or None (and the deadline that held, in the explanations)."""
    data = ctx.claim.data
    applied, source = applied_on(ctx), "applied_on" if data.applied_on else "recorded"
    found: list[tuple[date, Message, tuple[ParameterReading, ...]]] = []
    if has(ctx.edition, "claim_deadline.settings") and has(ctx.edition, "claim_deadline.next_year_month_end"):
        settings, month = _read(ctx, "claim_deadline.settings"), _read(ctx, "claim_deadline.next_year_month_end")
        assert isinstance(settings.value, tuple) and isinstance(month.value, int)
        if data.setting.value in settings.value:
            year = data.discharged_on.year + 1
            last = date(year, month.value, calendar.monthrange(year, month.value)[1])
            found.append((last, msg("deadline.next_year_month", month=f"{year}-{month.value:02d}"), (settings, month)))
    if (
        data.setting.value == "single_payment_drug"
        and has(ctx.edition, "drugs.manual_claim_deadline_months")
        and has(ctx.edition, "drugs.manual_claim_locations")
    ):
        months, locations = _read(ctx, "drugs.manual_claim_deadline_months"), _read(ctx, "drugs.manual_claim_locations")
        assert isinstance(months.value, int) and isinstance(locations.value, tuple)
        if data.location.value in locations.value:
            last = add_months(data.discharged_on, months.value)
            found.append(
                (
                    last,
                    msg("deadline.manual_drug", months=months.value, location=data.location.value),
                    (months, locations),
                )
            )
    if not found:
        return None
    last, rule, readings = min(found, key=lambda item: item[0])
    if applied <= last:
        explanations.add(
            "deadline",
            msg("deadline.met", applied=applied, source=msg(f"deadline.source.{source}"), rule=rule, last=last),
            ctx.edition,
            *readings,
        )
        return None
    return msg("deadline.missed", applied=applied, source=msg(f"deadline.source.{source}"), rule=rule, last=last)
