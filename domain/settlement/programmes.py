"""Basic-pool settlement of the settings other than inpatient care (rules-digest §5, §6).

Each setting has its own module: outpatient pooling and emergency care (``outpatient``), the
certified programmes — chronic and special diseases, the two diseases, single-payment drugs
(``chronic``) — and maternity (``maternity``). They share :mod:`domain.settlement.draws`: a
payment is ``(policy_amount − deductible) × ratio`` limited by every cap it draws on, and names
those balances (``basic_pool`` only where the setting counts against the basic-pool cap).
"""

from __future__ import annotations

from collections.abc import Callable

from domain.contract import ClaimSetting
from domain.explain import Explanations
from domain.messages import msg
from domain.settlement.chronic import settle_chronic, settle_single_payment_drug, settle_special, settle_two_diseases
from domain.settlement.errors import NotSettleable
from domain.settlement.maternity import settle_maternity
from domain.settlement.model import BasicPoolResult, ClaimContext
from domain.settlement.outpatient import settle_emergency, settle_outpatient_pooling

_SETTLERS: dict[ClaimSetting, Callable[[ClaimContext, Explanations], BasicPoolResult]] = {
    ClaimSetting.OUTPATIENT_POOLING: settle_outpatient_pooling,
    ClaimSetting.EMERGENCY: settle_emergency,
    ClaimSetting.CHRONIC: settle_chronic,
    ClaimSetting.SPECIAL: settle_special,
    ClaimSetting.TWO_DISEASES: settle_two_diseases,
    ClaimSetting.MATERNITY: settle_maternity,
    ClaimSetting.SINGLE_PAYMENT_DRUG: settle_single_payment_drug,
}


def settle_programme(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """The basic pool's payment on a non-inpatient claim."""
    settler = _SETTLERS.get(ctx.claim.data.setting)
    if settler is None:
        raise NotSettleable(msg("reason.not_a_programme", setting=ctx.claim.data.setting.value))
    return settler(ctx, explanations)
