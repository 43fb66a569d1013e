"""Outpatient pooling (门诊统筹) and emergency outpatient care (门急诊抢救) in the basic pool.

- Shenyang employee (000 门、急诊待遇 3): deductible per year by facility level, ratio by level and
  in-service/retired (+ points for a family-doctor visit), 12,000 a year (7,800 for members with
  the chronic benefit, 注2). Emergency (000 门、急诊待遇 1): 70 %, outside the outpatient cap.
- Shenyang resident (001 门、急诊待遇 3): 40 deductible and 150 cap per quarter at 55 %, village
  clinics at most 50 a quarter inside the same totals; university students no deductible and
  600 a year. Emergency (001 门、急诊待遇 1): 60 %.
- Bazhong employee (002 ch.2 三十九问): deductible and cap per year by in-service/retired, ratio by
  level; resident (ch.3 十八问): no deductible, 50 %, 100 a year. Neither counts against the
  basic-pool cap (ch.2 三十七问, ch.3 十六问). Emergency outpatient costs go with the stay
  (ch.2 三十一问, ch.3 十五问).
"""

from __future__ import annotations

from decimal import Decimal

from domain.entitlements.periods import has, money, ratio
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.policies import ParameterReading, Table
from domain.settlement.chronic_benefit import chronic_benefit_certifications
from domain.settlement.consultation import consultation_line
from domain.settlement.draws import (
    Cap,
    Deductible,
    Payment,
    money_cell,
    person_kind,
    quarter,
    ratio_cell,
    read,
    table,
)
from domain.settlement.errors import NotSettleable
from domain.settlement.levels import facility_row, mapped_note
from domain.settlement.model import BasicPoolResult, ClaimContext
from domain.settlement.places import check_outpatient_place
from domain.settlement.remote_outpatient import remote_emergency_ratio_change, remote_outpatient_pooling

DEDUCTIBLE_KEY = "outpatient_pooling.deductible"


def settle_outpatient_pooling(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """The basic pool's payment on an ordinary outpatient claim under the member's rule set."""
    remote_note, remote_readings = remote_outpatient_pooling(ctx)
    if has(ctx.edition, "outpatient_pooling.quarterly_cap"):
        payment = _quarterly(ctx)
    elif has(ctx.edition, "outpatient_pooling.annual_deductible"):
        payment = _annual_by_kind(ctx)
    elif has(ctx.edition, "outpatient_pooling.deductible"):
        payment = _annual_by_level(ctx)
    else:
        raise NotSettleable(msg("reason.no_outpatient_pooling", edition=ctx.edition.name))
    if remote_note:
        payment.notes.append(remote_note)
        payment.extra_readings.extend(remote_readings)
    if ctx.claim.data.location.value == "local":
        # The chosen clinic binds care at home; care away from home has its own places (remote_outpatient).
        check_outpatient_place(ctx, payment)
    payment.counts_against_basic_pool("outpatient_pooling")
    line = consultation_line(ctx, payment)
    result = payment.settle(explanations)
    return result if line is None else line.settle(ctx, result, explanations)


def settle_emergency(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """Emergency outpatient care: with the stay where the rule set says so, else the emergency ratio."""
    if has(ctx.edition, "emergency.outpatient_settled_as_inpatient"):
        with_stay = read(ctx, "emergency.outpatient_settled_as_inpatient")
        if with_stay.value is True:
            raise NotSettleable(
                msg("reason.emergency_with_stay", edition=ctx.edition.name, section=with_stay.reference.section)
            )
    change, remote_note, remote_readings = remote_emergency_ratio_change(ctx)
    emergency_ratio = read(ctx, "emergency.outpatient_ratio")
    fund_ratio = min(Decimal(1), max(Decimal(0), ratio(emergency_ratio) + change))
    payment = Payment(ctx, msg("label.emergency_outpatient"), fund_ratio, (emergency_ratio, *remote_readings))
    if remote_note:
        payment.notes.append(remote_note)
    if has(ctx.edition, "emergency.counts_toward_outpatient_cap"):
        counts = read(ctx, "emergency.counts_toward_outpatient_cap")
        payment.extra_readings.append(counts)
        if counts.value is True:
            raise NotSettleable(msg("reason.emergency_in_outpatient_cap"))
        payment.notes.append(msg("emergency.not_against_outpatient_cap"))
    else:
        payment.notes.append(msg("emergency.outpatient_cap_silent"))
    payment.counts_against_basic_pool("emergency")
    return payment.settle(explanations)


def _annual_by_level(ctx: ClaimContext) -> Payment:
    """Shenyang employee: the year's deductible of the facility level, less what the year already paid."""
    deductibles = read(ctx, "outpatient_pooling.deductible")
    ratios = read(ctx, "outpatient_pooling.ratio")
    level, level_readings, level_note = _level_row(ctx, table(deductibles), "outpatient_pooling.deductible")
    kind = person_kind(ctx, table(deductibles))
    fund_ratio = ratio_cell(table(ratios), level, kind)
    ratio_readings = [ratios]
    label = msg("label.outpatient_at_level", level=level, kind=kind)
    if "family_doctor" in {flag.value for flag in ctx.claim.data.flags}:
        raise_reading = read(ctx, "outpatient_pooling.family_doctor_ratio_raise")
        fund_ratio = min(fund_ratio + ratio(raise_reading), Decimal(1))
        ratio_readings.append(raise_reading)
        label = msg("label.with_family_doctor", label=label)
    payment = Payment(ctx, label, fund_ratio, tuple(ratio_readings))
    payment.notes.extend(level_note)
    payment.extra_readings.extend(level_readings)
    payment.deductible = Deductible.periodic(
        ctx, key=DEDUCTIBLE_KEY, amount_fen=money_cell(table(deductibles), level, kind), readings=(deductibles,)
    )
    if ctx.used(DEDUCTIBLE_KEY):
        payment.notes.append(msg("outpatient.deductible_already_paid"))
    payment.caps.append(_employee_annual_cap(ctx, kind))
    return payment


def _level_row(
    ctx: ClaimContext, by: Table, table_name: str
) -> tuple[str, tuple[ParameterReading, ...], tuple[Message, ...]]:
    """The row of a table keyed by facility level for the claim's level (see ``domain.settlement.levels``)."""
    level = ctx.claim.data.facility_level.value
    row, reading = facility_row(ctx.edition, level=level, table=by, table_name=table_name, on=ctx.claim.occurred_on)
    if reading is None:
        return row, (), ()
    return row, (reading,), (mapped_note(level=level, row=row, table_name=table_name, reading=reading),)


def _employee_annual_cap(ctx: ClaimContext, kind: str) -> Cap:
    """12,000 a year, or the lower cap for members certified for the chronic benefit (000 门诊统筹 注2)."""
    caps = read(ctx, "outpatient_pooling.annual_cap")
    if has(ctx.edition, "outpatient_pooling.annual_cap_with_chronic_benefit") and chronic_benefit_certifications(ctx):
        lower = read(ctx, "outpatient_pooling.annual_cap_with_chronic_benefit")
        return Cap("outpatient_pooling", money(lower), (lower,))
    return Cap("outpatient_pooling", money_cell(table(caps), kind), (caps,))


def _annual_by_kind(ctx: ClaimContext) -> Payment:
    """Bazhong: the year's deductible and cap by person kind; ratio by level, or one flat ratio."""
    deductibles = read(ctx, "outpatient_pooling.annual_deductible")
    caps = read(ctx, "outpatient_pooling.annual_cap")
    kind = person_kind(ctx, table(deductibles))
    level_readings: tuple[ParameterReading, ...] = ()
    level_note: tuple[Message, ...] = ()
    if has(ctx.edition, "outpatient_pooling.ratio"):
        ratios = read(ctx, "outpatient_pooling.ratio")
        level, level_readings, level_note = _level_row(ctx, table(ratios), "outpatient_pooling.ratio")
        fund_ratio = ratio_cell(table(ratios), level, kind)
        label = msg("label.outpatient_at_level", level=level, kind=kind)
    else:
        ratios = read(ctx, "outpatient_pooling.flat_ratio")
        fund_ratio = ratio(ratios)
        label = msg("label.outpatient_as_kind", kind=kind)
    payment = Payment(ctx, label, fund_ratio, (ratios,))
    payment.notes.extend(level_note)
    payment.extra_readings.extend(level_readings)
    payment.deductible = Deductible.periodic(
        ctx, key=DEDUCTIBLE_KEY, amount_fen=money_cell(table(deductibles), kind), readings=(deductibles,)
    )
    payment.caps.append(Cap("outpatient_pooling", money_cell(table(caps), kind), (caps,)))
    return payment


def _quarterly(ctx: ClaimContext) -> Payment:
    """Shenyang resident: per-quarter deductible and cap, village clinics inside them; students per year."""
    flat = read(ctx, "outpatient_pooling.flat_ratio")
    consultation = read(ctx, "outpatient_pooling.general_consultation_fee_ratio")
    payment = Payment(ctx, msg("label.outpatient_pooling"), ratio(flat), (flat,))
    if ctx.claim.data.general_consultation_fee is None:
        payment.notes.append(msg("outpatient.consultation_not_separated"))
    payment.extra_readings.append(consultation)
    if ctx.facts.has_category("university_student", ctx.service_on):
        deductible = read(ctx, "outpatient_pooling.university_student_deductible")
        cap = read(ctx, "outpatient_pooling.university_student_annual_cap")
        payment.label = msg("label.outpatient_student")
        payment.deductible = Deductible.periodic(
            ctx, key=DEDUCTIBLE_KEY, amount_fen=money(deductible), readings=(deductible,)
        )
        payment.caps.append(Cap("outpatient_pooling", money(cap), (cap,)))
        return payment
    q = quarter(ctx.claim.data.discharged_on)
    deductible = read(ctx, "outpatient_pooling.quarterly_deductible")
    cap = read(ctx, "outpatient_pooling.quarterly_cap")
    payment.label = msg("label.outpatient_quarter", quarter=q)
    payment.deductible = Deductible.periodic(
        ctx, key=f"{DEDUCTIBLE_KEY}:{q}", amount_fen=money(deductible), readings=(deductible,)
    )
    payment.caps.append(Cap(f"outpatient_pooling:{q}", money(cap), (cap,)))
    if "village_clinic" in {flag.value for flag in ctx.claim.data.flags}:
        village = read(ctx, "outpatient_pooling.village_clinic_quarterly_cap")
        payment.label = msg("label.at_village_clinic", label=payment.label)
        payment.caps.append(Cap(f"outpatient_pooling.village_clinic:{q}", money(village), (village,)))
    return payment
