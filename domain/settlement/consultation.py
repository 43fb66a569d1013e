"""The general consultation fee (一般诊疗费) on its own settlement line (001 门、急诊待遇 3 门诊统筹待遇;
002 ch.1 十五, ch.3 二十七问).

Bazhong residents pay no general consultation fee at township and community health centres and village
clinics: the resident fund pays it to the clinic (免缴, ratio 1), outside the yearly outpatient cap.

其中一般诊疗费每次支付比例为80% at the chosen township or community clinic; at a village clinic the fee
is 6 yuan a visit, of which the fund pays 5.5 and the member 0.5, the fund at most 11 a year per
person. The claim's ``general_consultation_fee`` is the part of ``policy_amount`` that is this fee;
the rest of the policy amount is settled by the outpatient-pooling rules. How the line sits among
the other limits is the reading ``readings.general_consultation_fee_line``: its own ratio (or
per-visit share), no deductible, outside the quarterly outpatient cap, inside the basic-pool cap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.entitlements.periods import has, money, ratio
from domain.explain import Explanations
from domain.messages import Message, msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import ParameterReading
from domain.settlement.draws import Payment, read, text
from domain.settlement.errors import NotSettleable
from domain.settlement.model import BasicPoolResult, ClaimContext, SettlementLine

LINE = "general_consultation_fee"
#: The yearly balance of the village-clinic consultation fund share (统筹基金最高支付限额每年每人11元).
VILLAGE_KEY = "general_consultation_fee.village_clinic"
#: The one reading of the line's place among the limits that the ledger applies.
OWN_LINE = "own_ratio_no_deductible_outside_quarterly_cap"


@dataclass(frozen=True)
class ConsultationLine:
    """The fee being settled on its own line; the payment settles the rest of the policy amount."""

    fee_fen: int

    def settle(self, ctx: ClaimContext, rest: BasicPoolResult, explanations: Explanations) -> BasicPoolResult:
        basis = read(ctx, "readings.general_consultation_fee_line")
        if text(basis) != OWN_LINE:
            raise NotSettleable(
                msg("reason.reading_not_applied", name="readings.general_consultation_fee_line", value=text(basis))
            )
        readings: list[ParameterReading] = [basis]
        balances: list[tuple[str, int]] = []
        village = "village_clinic" in {flag.value for flag in ctx.claim.data.flags}
        if village and has(ctx.edition, "outpatient_pooling.village_clinic_consultation_fund_share"):
            raw, words = self._village(ctx, readings, balances)
        else:
            fund_ratio = read(ctx, "outpatient_pooling.general_consultation_fee_ratio")
            readings.append(fund_ratio)
            raw = fen_times_ratio(self.fee_fen, ratio(fund_ratio))
            words = msg(
                "consultation.ratio", fee=format_yuan(self.fee_fen), ratio=ratio(fund_ratio), raw=format_yuan(raw)
            )
        paid = raw
        limits: list[Message] = []
        if any(key == "basic_pool" for key, _ in rest.caps):
            cap = read(ctx, "basic_pool.annual_cap")
            left = max(0, money(cap) - ctx.used("basic_pool") - rest.amount_fen)
            if left < paid:
                paid = left
                limits.append(msg("consultation.limited_basic_pool", left=format_yuan(left)))
            balances.append(("basic_pool", paid))
            readings.append(cap)
        if balances and balances[0][0] == VILLAGE_KEY:
            balances[0] = (VILLAGE_KEY, paid)
        explanations.add(
            f"lines.{LINE}",
            msg(
                "list.joined",
                parts=[msg("consultation.own_line", words=words), *limits, msg("consultation.own_line_terms")],
            ),
            ctx.edition,
            *readings,
        )
        unpaid = self.fee_fen - paid
        return replace(
            rest,
            amount_fen=rest.amount_fen + paid,
            balances=rest.balances + tuple(balances),
            second_layer_base_fen=rest.second_layer_base_fen + unpaid,
            copay_excluding_deductible_fen=rest.copay_excluding_deductible_fen + unpaid,
            lines=(*rest.lines, SettlementLine(LINE, self.fee_fen, paid)),
        )

    def _village(
        self, ctx: ClaimContext, readings: list[ParameterReading], balances: list[tuple[str, int]]
    ) -> tuple[int, Message]:
        """Village clinic: the fund's share of each visit's fee, within the yearly fund limit per person."""
        fee = read(ctx, "outpatient_pooling.village_clinic_consultation_fee")
        share = read(ctx, "outpatient_pooling.village_clinic_consultation_fund_share")
        cap = read(ctx, "outpatient_pooling.village_clinic_consultation_fund_annual_cap")
        readings.extend((fee, share, cap))
        visits, remainder = divmod(self.fee_fen, money(fee))
        if remainder:
            raise NotSettleable(
                msg("reason.village_fee_not_whole", fee=format_yuan(self.fee_fen), each=format_yuan(money(fee)))
            )
        raw = visits * money(share)
        left = max(0, money(cap) - ctx.used(VILLAGE_KEY))
        paid = min(raw, left)
        balances.append((VILLAGE_KEY, paid))
        words = msg("consultation.village", visits=visits, share=format_yuan(money(share)), raw=format_yuan(raw))
        if paid < raw:
            words = msg(
                "consultation.village_limited", words=words, left=format_yuan(left), cap=format_yuan(money(cap))
            )
        return paid, words


def consultation_line(ctx: ClaimContext, payment: Payment) -> ConsultationLine | None:
    """Split the fee off the payment where the rule set pays it on its own line; None where it does not."""
    fee_fen = ctx.claim.data.general_consultation_fee
    if not fee_fen:
        return None
    if not has(ctx.edition, "readings.general_consultation_fee_line"):
        payment.notes.append(msg("consultation.no_line", fee=format_yuan(fee_fen), edition=ctx.edition.name))
        return None
    village = "village_clinic" in {flag.value for flag in ctx.claim.data.flags}
    level = ctx.claim.data.facility_level.value
    if not village and has(ctx.edition, "outpatient_pooling.general_consultation_fee_levels"):
        levels = read(ctx, "outpatient_pooling.general_consultation_fee_levels")
        assert isinstance(levels.value, tuple)
        if level not in levels.value:
            payment.extra_readings.append(levels)
            payment.notes.append(
                msg("consultation.level_not_listed", fee=format_yuan(fee_fen), level=level, levels=list(levels.value))
            )
            return None
    payment.policy_fen = ctx.claim.data.policy_amount - fee_fen
    return ConsultationLine(fee_fen)
