"""Basic-pool settlement of the settings other than inpatient care (placeholder until built).

Outpatient pooling, emergency, chronic and special programmes, two diseases, maternity and
single-payment drugs each have their own deductible, ratio and caps (rules-digest §5, §6).
"""

from __future__ import annotations

from domain.explain import Explanations
from domain.settlement.errors import NotSettleable
from domain.settlement.model import BasicPoolResult, ClaimContext


def settle_programme(ctx: ClaimContext, explanations: Explanations) -> BasicPoolResult:
    """The basic pool's payment on a non-inpatient claim."""
    raise NotSettleable(f"settlement of {ctx.claim.data.setting.value} claims is not built yet; nothing paid")
