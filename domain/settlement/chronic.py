"""Certified outpatient programmes: chronic (门诊慢病) and special (门诊特病) diseases, the two
diseases (两病) and single-payment drugs (单行支付药品).

- Bazhong chronic (002 ch.4 三问): 90 %, an annual cap per disease; a member with several
  certified chronic diseases is settled under the highest of their caps only (one balance).
- Bazhong special (ch.4 五问): the level-2 inpatient deductible once a year, then 70 % (employee)
  or 60 % (resident); counted against the basic-pool cap as class II (``special_disease.annual_cap_class``).
- Shenyang employee (000 门、急诊待遇 2): special 94 % for dialysis, else 85 %; chronic 75 % in
  service / 85 % retired, only on certifications from before new ones stopped.
- Shenyang resident (001 门、急诊待遇 2): the listed diseases 80 %, the others by facility level.
- Two diseases (002 ch.4 十九问; 001 门、急诊待遇 4): a ratio and an annual cap for hypertension,
  diabetes or both.
- Single-payment drugs (002 ch.5 二问 (一)): no deductible, a ratio, nothing to the second layers.
"""

from __future__ import annotations

from domain.contract import ConditionCertifiedData
from domain.entitlements.periods import has, money, ratio
from domain.explain import Explanations
from domain.messages import msg
from domain.settlement.chronic_benefit import accepted_when_made, cutoff_readings
from domain.settlement.draws import (
    Cap,
    Deductible,
    Payment,
    certified,
    money_cell,
    person_kind,
    ratio_cell,
    read,
    require_local,
    table,
    text,
)
from domain.settlement.errors import NotSettleable
from domain.settlement.levels import facility_row, mapped_note
from domain.settlement.model import BasicPoolResult, ClaimContext
from domain.settlement.outpatient import settle_outpatient_pooling
from domain.settlement.places import check_two_diseases_place

#: The only multiple-disease rule the seeds state (002 ch.4 三问: 只按其中限额标准最高的一种结算).
HIGHEST_CAP_ONLY = "highest_cap_only"
#: Bazhong special diseases (002 ch.4 五问: 一个自然年度内只扣减一次二级定点医疗机构住院起付标准).
LEVEL2_DEDUCTIBLE_ONCE_PER_YEAR = "level2_inpatient_deductible_once_per_year"
LEVEL2 = "level2"


def settle_chronic(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    require_local(ctx)
    certifications = certified(ctx, "chronic")
    if has(ctx.edition, "chronic.ratio_by_kind") and not any(accepted_when_made(ctx, d) for d in certifications):
        return _as_ordinary_outpatient(ctx, certifications, explanations)
    if has(ctx.edition, "chronic.annual_cap"):
        payment = _chronic_with_disease_caps(ctx, certifications)
    elif has(ctx.edition, "chronic.ratio_by_kind"):
        payment = _chronic_by_kind(ctx, certifications)
    else:
        payment = _shenyang_resident_chronic_special(ctx, certifications, "chronic")
    payment.counts_against_basic_pool("chronic")
    return payment.settle(explanations)


def settle_special(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    require_local(ctx)
    certifications = certified(ctx, "special")
    if has(ctx.edition, "special_disease.deductible_rule"):
        payment = _bazhong_special(ctx)
        cap_class = read(ctx, "special_disease.annual_cap_class")
        payment.extra_readings.append(cap_class)
        payment.counts_against_basic_pool(text(cap_class))
    else:
        if has(ctx.edition, "special_disease.ratio"):
            payment = _shenyang_employee_special(ctx, certifications)
        else:
            payment = _shenyang_resident_chronic_special(ctx, certifications, "special")
        payment.counts_against_basic_pool("special")
    return payment.settle(explanations)


def settle_two_diseases(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """Hypertension and diabetes drugs: the cap of the certified disease, or of both."""
    require_local(ctx)
    if not has(ctx.edition, "two_diseases.annual_cap"):
        raise NotSettleable(msg("reason.no_two_diseases", edition=ctx.edition.name))
    certifications = certified(ctx, "two_diseases")
    caps = read(ctx, "two_diseases.annual_cap")
    diseases = sorted({data.condition for data in certifications})
    unknown = [d for d in diseases if d not in table(caps).rows]
    if unknown:
        raise NotSettleable(msg("reason.condition_without_cap", conditions=unknown, name="two_diseases.annual_cap"))
    row = diseases[0] if len(diseases) == 1 else "both"
    fund_ratio = read(ctx, "two_diseases.ratio")
    payment = Payment(ctx, msg("label.two_diseases", row=row), ratio(fund_ratio), (fund_ratio,))
    if has(ctx.edition, "two_diseases.deductible"):
        deductible = read(ctx, "two_diseases.deductible")
        payment.deductible = Deductible.periodic(
            ctx, key="two_diseases.deductible", amount_fen=money(deductible), readings=(deductible,)
        )
    payment.caps.append(Cap("two_diseases", money_cell(table(caps), row), (caps,)))
    check_two_diseases_place(ctx, payment)
    payment.counts_against_basic_pool("two_diseases")
    return payment.settle(explanations)


def settle_single_payment_drug(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """Single-payment drugs (002 ch.5 二问 (一)): 不计起付线, a ratio, no second layer on the rest."""
    if not has(ctx.edition, "drugs.single_payment_ratio"):
        raise NotSettleable(msg("reason.no_single_payment_drug", edition=ctx.edition.name))
    certified(ctx, "single_payment_drug")
    fund_ratio = read(ctx, "drugs.single_payment_ratio")
    deductible = read(ctx, "drugs.single_payment_deductible")
    onward = read(ctx, "drugs.single_payment_to_second_layer")
    payment = Payment(ctx, msg("label.single_payment_drug"), ratio(fund_ratio), (fund_ratio,))
    payment.deductible = Deductible(money(deductible), None, (deductible,))
    payment.to_second_layer = onward.value is True
    payment.extra_readings.append(onward)
    if not payment.to_second_layer:
        payment.notes.append(msg("payment.no_second_layer"))
    payment.counts_against_basic_pool("single_payment_drug")
    return payment.settle(explanations)


def _chronic_with_disease_caps(ctx: ClaimContext, certifications: list[ConditionCertifiedData]) -> Payment:
    """Bazhong: 90 %, the cap of the disease — of the highest-cap disease when several are certified."""
    caps = read(ctx, "chronic.annual_cap")
    rule = read(ctx, "chronic.multiple_diseases_rule")
    if text(rule) != HIGHEST_CAP_ONLY:
        raise NotSettleable(msg("reason.reading_not_applied", name="chronic.multiple_diseases_rule", value=text(rule)))
    diseases = sorted({data.condition for data in certifications})
    unknown = [d for d in diseases if d not in table(caps).rows]
    if unknown:
        raise NotSettleable(msg("reason.condition_without_cap", conditions=unknown, name="chronic.annual_cap"))
    highest = max(diseases, key=lambda d: (money_cell(table(caps), d), d))
    fund_ratio = read(ctx, "chronic.ratio")
    payment = Payment(
        ctx,
        msg("label.chronic_disease", condition=ctx.claim.data.condition or highest),
        ratio(fund_ratio),
        (fund_ratio,),
    )
    payment.caps.append(Cap(f"chronic:{highest}", money_cell(table(caps), highest), (caps, rule)))
    if len(diseases) > 1:
        payment.notes.append(msg("chronic.highest_cap_only", diseases=diseases, highest=highest))
    return payment


def _chronic_by_kind(ctx: ClaimContext, certifications: list[ConditionCertifiedData]) -> Payment:
    """Shenyang employee: 75 % in service, 85 % retired, for certifications made before new ones stopped."""
    accepted = read(ctx, "chronic.new_certifications_accepted")
    if not any(accepted_when_made(ctx, data) for data in certifications):
        raise NotSettleable(msg("reason.chronic_certifications_stopped", section=accepted.reference.section))
    ratios = read(ctx, "chronic.ratio_by_kind")
    kind = person_kind(ctx, table(ratios))
    payment = Payment(ctx, msg("label.chronic_by_kind", kind=kind), ratio_cell(table(ratios), kind), (ratios, accepted))
    payment.notes.append(msg("chronic.no_deductible_no_cap"))
    return payment


def _as_ordinary_outpatient(
    ctx: ClaimContext, certifications: list[ConditionCertifiedData], explanations: Explanations
) -> BasicPoolResult:
    """A chronic certification made after they stopped: no chronic benefit, the care is ordinary outpatient
    pooling (000 门、急诊待遇 2 门诊慢特病 3: 门诊医疗费按普通门诊统筹政策报销)."""
    made = sorted(str(d.valid_from) for d in certifications)
    explanations.add(
        "layers.basic_pool",
        msg("chronic.after_cutoff", made=made),
        ctx.edition,
        *cutoff_readings(ctx),
    )
    return settle_outpatient_pooling(ctx, explanations)


def _bazhong_special(ctx: ClaimContext) -> Payment:
    """Bazhong special diseases: the level-2 inpatient deductible once a year, then the special ratio."""
    rule = read(ctx, "special_disease.deductible_rule")
    if text(rule) != LEVEL2_DEDUCTIBLE_ONCE_PER_YEAR:
        raise NotSettleable(msg("reason.reading_not_applied", name="special_disease.deductible_rule", value=text(rule)))
    deductibles = read(ctx, "inpatient.deductible")
    kind = person_kind(ctx, table(deductibles))
    fund_ratio = read(ctx, "special_disease.ratio")
    payment = Payment(
        ctx,
        (
            msg("label.special_disease", condition=ctx.claim.data.condition)
            if ctx.claim.data.condition
            else msg("label.special_disease_unnamed")
        ),
        ratio(fund_ratio),
        (fund_ratio,),
    )
    payment.deductible = Deductible.periodic(
        ctx,
        key="special_disease.deductible",
        amount_fen=money_cell(table(deductibles), LEVEL2, kind),
        readings=(rule, deductibles),
    )
    if ctx.used("special_disease.deductible"):
        payment.notes.append(msg("special.deductible_already_paid"))
    return payment


def _shenyang_employee_special(ctx: ClaimContext, certifications: list[ConditionCertifiedData]) -> Payment:
    """Shenyang employee special diseases: dialysis at its own ratio, the others at the special ratio."""
    dialysis = read(ctx, "special_disease.dialysis_conditions")
    assert isinstance(dialysis.value, tuple)
    condition = ctx.claim.data.condition
    if condition is None and len({data.condition for data in certifications}) > 1:
        raise NotSettleable(msg("reason.which_disease", programme="special"))
    condition = condition or certifications[0].condition
    name = "special_disease.dialysis_ratio" if condition in dialysis.value else "special_disease.ratio"
    fund_ratio = read(ctx, name)
    payment = Payment(ctx, msg("label.special_disease", condition=condition), ratio(fund_ratio), (fund_ratio, dialysis))
    payment.notes.append(msg("special.no_deductible_no_cap"))
    return payment


def _shenyang_resident_chronic_special(
    ctx: ClaimContext, certifications: list[ConditionCertifiedData], programme: str
) -> Payment:
    """Shenyang resident: the listed diseases at one ratio, the other diseases by facility level."""
    listed = read(ctx, "chronic_special.listed_diseases")
    assert isinstance(listed.value, tuple)
    condition = ctx.claim.data.condition
    if condition is None and len({data.condition for data in certifications}) > 1:
        raise NotSettleable(msg("reason.which_disease", programme=programme))
    condition = condition or certifications[0].condition
    if condition in listed.value:
        fund_ratio = read(ctx, "chronic_special.listed_disease_ratio")
        payment = Payment(
            ctx,
            msg("label.programme_listed", programme=programme, condition=condition),
            ratio(fund_ratio),
            (fund_ratio, listed),
        )
    else:
        ratios = read(ctx, "chronic_special.other_ratio")
        level = ctx.claim.data.facility_level.value
        row, mapping = facility_row(
            ctx.edition,
            level=level,
            table=table(ratios),
            table_name="chronic_special.other_ratio",
            on=ctx.claim.occurred_on,
        )
        payment = Payment(
            ctx,
            msg("label.programme_at_level", programme=programme, condition=condition, level=row),
            ratio_cell(table(ratios), row),
            (ratios, listed),
        )
        if mapping is not None:
            payment.notes.append(
                mapped_note(level=level, row=row, table_name="chronic_special.other_ratio", reading=mapping)
            )
            payment.extra_readings.append(mapping)
    payment.notes.append(msg("chronic_special.no_deductible_no_cap"))
    return payment
