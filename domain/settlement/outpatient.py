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
        raise NotSettleable(f"{ctx.edition.name} has no outpatient-pooling parameters; nothing paid")
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
                f"emergency outpatient costs are settled with the inpatient stay under {ctx.edition.name} "
                f"(emergency.outpatient_settled_as_inpatient, {with_stay.reference.section}); submit them with the stay"
            )
    change, remote_note, remote_readings = remote_emergency_ratio_change(ctx)
    emergency_ratio = read(ctx, "emergency.outpatient_ratio")
    fund_ratio = min(Decimal(1), max(Decimal(0), ratio(emergency_ratio) + change))
    payment = Payment(ctx, "emergency outpatient care", fund_ratio, (emergency_ratio, *remote_readings))
    if remote_note:
        payment.notes.append(remote_note)
    if has(ctx.edition, "emergency.counts_toward_outpatient_cap"):
        counts = read(ctx, "emergency.counts_toward_outpatient_cap")
        payment.extra_readings.append(counts)
        if counts.value is True:
            raise NotSettleable("emergency payments inside the outpatient-pooling cap are not settled yet")
        payment.notes.append("not counted against the outpatient-pooling cap")
    else:
        payment.notes.append(
            "the rule set is silent on the outpatient-pooling cap: emergency care is not counted in it"
        )
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
    label = f"outpatient pooling at {level} as {kind}"
    if "family_doctor" in {flag.value for flag in ctx.claim.data.flags}:
        raise_reading = read(ctx, "outpatient_pooling.family_doctor_ratio_raise")
        fund_ratio = min(fund_ratio + ratio(raise_reading), Decimal(1))
        ratio_readings.append(raise_reading)
        label += " with a family-doctor visit"
    payment = Payment(ctx, label, fund_ratio, tuple(ratio_readings))
    payment.notes.extend(level_note)
    payment.extra_readings.extend(level_readings)
    payment.deductible = Deductible.periodic(
        ctx, key=DEDUCTIBLE_KEY, amount_fen=money_cell(table(deductibles), level, kind), readings=(deductibles,)
    )
    if ctx.used(DEDUCTIBLE_KEY):
        payment.notes.append("the year's deductible already paid counts towards this level's deductible")
    payment.caps.append(_employee_annual_cap(ctx, kind))
    return payment


def _level_row(
    ctx: ClaimContext, by: Table, table_name: str
) -> tuple[str, tuple[ParameterReading, ...], tuple[str, ...]]:
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
    level_note: tuple[str, ...] = ()
    if has(ctx.edition, "outpatient_pooling.ratio"):
        ratios = read(ctx, "outpatient_pooling.ratio")
        level, level_readings, level_note = _level_row(ctx, table(ratios), "outpatient_pooling.ratio")
        fund_ratio = ratio_cell(table(ratios), level, kind)
        label = f"outpatient pooling at {level} as {kind}"
    else:
        ratios = read(ctx, "outpatient_pooling.flat_ratio")
        fund_ratio = ratio(ratios)
        label = f"outpatient pooling as {kind}"
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
    payment = Payment(ctx, "outpatient pooling", ratio(flat), (flat,))
    if ctx.claim.data.general_consultation_fee is None:
        payment.notes.append(
            "the claim does not separate the general consultation fee (一般诊疗费, paid at its own ratio), "
            "so the whole policy amount is paid at the outpatient ratio"
        )
    payment.extra_readings.append(consultation)
    if ctx.facts.has_category("university_student", ctx.service_on):
        deductible = read(ctx, "outpatient_pooling.university_student_deductible")
        cap = read(ctx, "outpatient_pooling.university_student_annual_cap")
        payment.label = "outpatient pooling as a university student"
        payment.deductible = Deductible.periodic(
            ctx, key=DEDUCTIBLE_KEY, amount_fen=money(deductible), readings=(deductible,)
        )
        payment.caps.append(Cap("outpatient_pooling", money(cap), (cap,)))
        return payment
    q = quarter(ctx.claim.data.discharged_on)
    deductible = read(ctx, "outpatient_pooling.quarterly_deductible")
    cap = read(ctx, "outpatient_pooling.quarterly_cap")
    payment.label = f"outpatient pooling in {q}"
    payment.deductible = Deductible.periodic(
        ctx, key=f"{DEDUCTIBLE_KEY}:{q}", amount_fen=money(deductible), readings=(deductible,)
    )
    payment.caps.append(Cap(f"outpatient_pooling:{q}", money(cap), (cap,)))
    if "village_clinic" in {flag.value for flag in ctx.claim.data.flags}:
        village = read(ctx, "outpatient_pooling.village_clinic_quarterly_cap")
        payment.label += " at a village clinic"
        payment.caps.append(Cap(f"outpatient_pooling.village_clinic:{q}", money(village), (village,)))
    return payment
