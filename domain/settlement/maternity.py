"""Maternity medical costs (生育医疗费) outside the inpatient tables; the claim's ``condition`` names the item.

- Bazhong (002 ch.2 二十八问 (二), ch.3 十四问 (二)(三)): 限额支付 — the policy-scope cost up to the
  item's limit (natural, difficult_or_caesarean, termination_16_weeks_plus,
  termination_under_16_weeks), lower costs paid as incurred; inside the basic-pool cap.
- Shenyang resident (001 生育保险待遇 2.1, 2.6): prenatal_examination at 60 % without deductible up
  to 1,500 a pregnancy; assisted_reproduction at 50 %, at most twice.
- Shenyang employee (000 生育保险待遇 2 生育待遇 5, 6): maternity outpatient costs under the
  outpatient-pooling rules; assisted_reproduction at 60 %, at most twice.

Fixed allowances (产前检查费 定额补助, the spouse subsidy, 生育津贴) are paid on application, not
from a bill, and are refused here with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.contract import ClaimFlag
from domain.entitlements.facts import MemberFacts
from domain.entitlements.periods import has, money, ratio
from domain.entitlements.periods import read as read_on
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.money import format_yuan
from domain.policies import Edition, ParameterReading
from domain.settlement.draws import Cap, Deductible, Payment, money_cell, read, table, text
from domain.settlement.errors import NotSettleable
from domain.settlement.model import BasicPoolResult, ClaimContext
from domain.settlement.outpatient import settle_outpatient_pooling

PRENATAL = "prenatal_examination"
ASSISTED_REPRODUCTION = "assisted_reproduction"
#: Readings of 一个孕期内 (readings.prenatal_cap_period): per calendar year, or per pregnancy bounded by
#: the maternity events of the history.
CALENDAR_YEAR = "calendar_year"
PER_PREGNANCY = "per_pregnancy"
#: MaternityOccurred kinds that are not the end of the member's own pregnancy.
NOT_A_PREGNANCY_END = ("male_nursing_leave",)
#: Rows of maternity.medical_cap that add to another item (per extra baby, caesarean termination).
ADD_ON_ITEMS = ("each_extra_baby", "termination_caesarean_extra")


def settle_maternity(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    item = ctx.claim.data.condition
    if item is None:
        raise NotSettleable(msg("reason.maternity_item_missing"))
    if has(ctx.edition, "maternity.prenatal_allowance"):
        allowance = table(read(ctx, "maternity.prenatal_allowance"))
        if item in allowance.rows:
            raise NotSettleable(msg("reason.prenatal_allowance", item=item))
    if has(ctx.edition, "maternity.medical_cap"):
        return _medical_cap(ctx, item, explanations)
    if item == ASSISTED_REPRODUCTION:
        return _assisted_reproduction(ctx, explanations)
    if item == PRENATAL and has(ctx.edition, "maternity.prenatal_cap"):
        return _prenatal(ctx, explanations)
    if item == PRENATAL and has(ctx.edition, "outpatient_pooling.deductible"):
        explanations.add(
            "layers.basic_pool",
            msg("maternity.as_outpatient"),
            ctx.edition,
        )
        return settle_outpatient_pooling(ctx, explanations)
    raise NotSettleable(msg("reason.no_maternity_item", edition=ctx.edition.name, item=item))


def _medical_cap(ctx: ClaimContext, item: str, explanations: Explanations) -> BasicPoolResult:
    """Bazhong 限额支付: the policy-scope cost, at most the item's limit (据实支付 below it)."""
    caps = read(ctx, "maternity.medical_cap")
    if item in ADD_ON_ITEMS:
        raise NotSettleable(msg("reason.add_on_item", item=item))
    if item not in table(caps).rows:
        raise NotSettleable(msg("reason.not_a_maternity_item", item=item, edition=ctx.edition.name))
    payment = Payment(ctx, msg("label.maternity_item", item=item), Decimal(1), (caps,))
    payment.event_limit_fen = money_cell(table(caps), item)
    payment.counts_against_basic_pool("maternity")
    return payment.settle(explanations)


def _prenatal(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """Shenyang resident prenatal examinations: ratio, deductible, a cap per pregnancy (001 生育保险待遇 2.1)."""
    period = read(ctx, "readings.prenatal_cap_period")
    fund_ratio = read(ctx, "maternity.prenatal_ratio")
    deductible = read(ctx, "maternity.prenatal_deductible")
    cap = read(ctx, "maternity.prenatal_cap")
    payment = Payment(ctx, msg("label.prenatal"), ratio(fund_ratio), (fund_ratio,))
    payment.deductible = Deductible(money(deductible), None, (deductible,))
    if text(period) == CALENDAR_YEAR:
        payment.caps.append(Cap(f"maternity:{PRENATAL}", money(cap), (cap, period)))
        payment.notes.append(msg("maternity.prenatal_cap_calendar_year"))
    elif text(period) == PER_PREGNANCY:
        began_after = pregnancy_began_after(ctx.facts, ctx.service_on)
        key = prenatal_cap_key(began_after)
        payment.caps.append(Cap(key, money(cap), (cap, period), across_years=True))
        since = msg("maternity.since_event", on=began_after) if began_after else msg("maternity.since_history_start")
        payment.notes.append(msg("maternity.prenatal_cap_pregnancy", since=since))
    else:
        raise NotSettleable(msg("reason.reading_not_applied", name="readings.prenatal_cap_period", value=text(period)))
    payment.counts_against_basic_pool("maternity")
    return payment.settle(explanations)


def prenatal_cap_key(began_after: date | None) -> str:
    """The balance of one pregnancy's prenatal cap (per_pregnancy): named by the maternity event it follows."""
    return f"maternity:{PRENATAL}:after:{began_after or 'start'}"


def pregnancy_began_after(facts: MemberFacts, on: date) -> date | None:
    """The day of the last maternity event (birth, miscarriage, termination) before ``on``, if any.

    An examination on ``on`` belongs to the pregnancy a later maternity event ends; one after the last
    such event starts the next pregnancy. The events are ``MaternityOccurred`` (not the father's nursing
    leave) and admissions flagged ``childbirth`` that were not reversed. The claim settlement and the
    status document (the current pregnancy's balance) both ask here.
    """
    ends = [
        event.occurred_on
        for event in facts.account_events
        if event.type == "MaternityOccurred" and event.data.kind.value not in NOT_A_PREGNANCY_END
    ]
    ends += [
        claim.data.admitted_on
        for claim in facts.claims
        if ClaimFlag.CHILDBIRTH in claim.data.flags and claim.data.claim_id not in facts.reversals
    ]
    before = [day for day in ends if day < on]
    return max(before) if before else None


@dataclass(frozen=True)
class PregnancyCap:
    """The prenatal cap of the pregnancy an examination on ``on`` would draw on (per_pregnancy)."""

    key: str
    cap_fen: int
    used_fen: int
    began_after: date | None
    readings: tuple[ParameterReading, ...]

    @property
    def text(self) -> Message:
        since = (
            msg("maternity.pregnancy_since_event", on=self.began_after)
            if self.began_after is not None
            else msg("maternity.pregnancy_since_start")
        )
        return msg(
            "maternity.pregnancy_cap_status",
            since=since,
            used=format_yuan(self.used_fen),
            cap=format_yuan(self.cap_fen),
        )


def pregnancy_cap(
    facts: MemberFacts, edition: Edition, used_fen: Mapping[tuple[str, int], int], on: date
) -> PregnancyCap | None:
    """The current pregnancy's prenatal balance on ``on``, the one the claim settlement draws on; None where the
    rule set has no prenatal cap or counts it per calendar year."""
    if not has(edition, "maternity.prenatal_cap") or not has(edition, "readings.prenatal_cap_period"):
        return None
    period = read_on(edition, "readings.prenatal_cap_period", on)
    if period.value != PER_PREGNANCY:
        return None
    cap = read_on(edition, "maternity.prenatal_cap", on)
    began_after = pregnancy_began_after(facts, on)
    key = prenatal_cap_key(began_after)
    used = sum(amount for (balance, _year), amount in used_fen.items() if balance == key)
    return PregnancyCap(key, money(cap), used, began_after, (cap, period))


def _assisted_reproduction(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """Assisted reproduction (辅助生殖门诊): no deductible, a ratio, at most a number of uses (one claim, one use)."""
    fund_ratio = read(ctx, "maternity.assisted_reproduction_ratio")
    uses_max = read(ctx, "maternity.assisted_reproduction_uses_max")
    assert isinstance(uses_max.value, int)
    used = sum(
        1
        for claim in ctx.earlier_claims
        if claim.data.setting.value == "maternity" and claim.data.condition == ASSISTED_REPRODUCTION
    )
    if used >= uses_max.value:
        raise NotSettleable(msg("reason.assisted_reproduction_used", used=used, most=uses_max.value))
    payment = Payment(ctx, msg("label.assisted_reproduction", use=used + 1), ratio(fund_ratio), (fund_ratio, uses_max))
    payment.notes.append(msg("payment.no_deductible"))
    payment.counts_against_basic_pool("maternity")
    return payment.settle(explanations)
