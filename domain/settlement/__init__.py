"""Claim settlement (一站式结算): what each fund layer pays on a claim, and why.

The entitlement fold (``domain.entitlements.fold``) calls :func:`settle_claim` for every claim
in effective-date order with the balances in force on its date; this package computes the
layers. Layers run in order — basic pool, then the scheme's second layers, then medical
assistance — each on what the previous left to the member.
"""

from __future__ import annotations

from domain.settlement.model import (
    LAYER_ORDER,
    ClaimContext,
    LayerPayment,
    Settlement,
    layers_of,
)
from domain.settlement.settle import settle_claim

__all__ = ["LAYER_ORDER", "ClaimContext", "LayerPayment", "Settlement", "layers_of", "settle_claim"]
