"""The shapes of a settlement: the claim's context, each layer's payment, the decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from domain.entitlements.contribution_years import ContributionYears, retired_on
from domain.entitlements.facts import Claim, MemberFacts
from domain.entitlements.periods import CoveragePeriod, has
from domain.explain import Explanations
from domain.messages import Message
from domain.money import format_yuan
from domain.policies import Bands, Edition, ParameterReading, Tier

#: Fund layers in settlement order; a scheme's rule set decides which of them it has.
LAYER_ORDER: tuple[str, ...] = (
    "basic_pool",
    "civil_servant",
    "supplementary",
    "large_amount",
    "major_illness",
    "medical_assistance",
)

#: A layer exists for a rule set when the rule set has this parameter.
_LAYER_MARKERS = {
    "basic_pool": "basic_pool.annual_cap",
    "civil_servant": "civil_servant.ratio",
    "supplementary": "supplementary.local_bands",
    "large_amount": "large_amount.annual_cap",
    "major_illness": "major_illness.annual_cap",
}
_ASSISTANCE_MARKERS = ("assistance.basic.ratio", "assistance.regular.ratio", "assistance.tilt.ratio")


#: Layers whose yearly cap is one parameter of the rule set (major illness is the member's own cap).
LAYER_CAP_PARAMETERS = {
    "basic_pool": "basic_pool.annual_cap",
    "large_amount": "large_amount.annual_cap",
    "civil_servant": "civil_servant.annual_cap",
}


def layers_of(edition: Edition) -> tuple[str, ...]:
    """Every fund layer of the rule set, in settlement order (worked out once per edition content)."""
    layers = _LAYERS_BY_EDITION.get(edition.content_hash)
    if layers is None:
        layers = _LAYERS_BY_EDITION[edition.content_hash] = _layers_of(edition)
    return layers


#: Each edition's layers by its content hash (an edition is immutable, and its hash names its content).
_LAYERS_BY_EDITION: dict[str, tuple[str, ...]] = {}


def _layers_of(edition: Edition) -> tuple[str, ...]:
    found = [layer for layer, marker in _LAYER_MARKERS.items() if has(edition, marker)]
    if any(has(edition, marker) for marker in _ASSISTANCE_MARKERS):
        found.append("medical_assistance")
    return tuple(layer for layer in LAYER_ORDER if layer in found)


@dataclass(frozen=True)
class ClaimContext:
    """What a claim is settled against: the member, the coverage on admission, running balances."""

    facts: MemberFacts
    claim: Claim
    period: CoveragePeriod
    edition: Edition
    used_fen: dict[tuple[str, int], int]
    earlier_claims: tuple[Claim, ...]
    paid_deductibles: tuple[tuple[Claim, int], ...]
    #: The member's major-illness cap this year (residents); None where there is none or no cap applies.
    major_illness_cap_fen: int | None = None
    major_illness_readings: tuple[ParameterReading, ...] = ()
    #: The member's contribution years (employees), for retirement by ``RetirementReached``.
    contribution_years: ContributionYears | None = None

    @property
    def year(self) -> int:
        return self.claim.data.discharged_on.year

    @property
    def service_on(self) -> date:
        return self.claim.data.admitted_on

    def retired(self, on: date) -> bool:
        """Whether the member is settled as a retiree on ``on`` (``contribution_years.retired_on``)."""
        return retired_on(self.facts, self.contribution_years, on)

    def used(self, balance_key: str) -> int:
        """What earlier claims of the year drew on a balance (a layer, or a programme's cap key)."""
        return self.used_fen.get((balance_key, self.year), 0)


@dataclass(frozen=True)
class LayerPayment:
    layer: str
    amount_fen: int
    deductible_fen: int = 0


@dataclass(frozen=True)
class SettlementLine:
    """A part of the bill settled on its own line (e.g. 一般诊疗费): the amount billed, what the fund paid."""

    line: str
    billed_fen: int
    fund_fen: int

    def as_json(self) -> dict[str, str]:
        return {
            "billed": format_yuan(self.billed_fen),
            "fund": format_yuan(self.fund_fen),
            "member": format_yuan(self.billed_fen - self.fund_fen),
        }


@dataclass(frozen=True)
class BasicPoolResult:
    """What the basic pool pays on a claim, and what it leaves to the member and the later layers.

    ``balances`` lists every annual (or quarterly) balance the payment draws on, as
    ``(balance key, fen)``: ``("basic_pool", …)`` when the setting counts against the basic-pool
    cap, and the programme's own cap keys (``"outpatient_pooling"``, ``"outpatient_pooling:q2"``,
    ``"two_diseases"``, ``"chronic:<condition>"`` …). ``second_layer_base_fen`` is the member's
    policy-scope co-pay the second layers work on (0 where the rule set sends nothing on).
    """

    amount_fen: int
    deductible_fen: int
    balances: tuple[tuple[str, int], ...]
    second_layer_base_fen: int
    #: The member's ratio share within the basic-pool stage, deductible excluded (supplementary insurance).
    copay_excluding_deductible_fen: int = 0
    #: The part of (policy − deductible) the basic pool could not pay because its annual cap ran out.
    capped_base_fen: int = 0
    #: The basic pool's ratio on this claim, where it is one figure (not bands).
    ratio: Decimal | None = None
    #: An inpatient stay's ratio and deductible of its table row before the remote-care changes (the
    #: temporary ×2.5 and −10 points, the emergency ×2): the 异地医疗机构起付标准和报销比例执行标准 that the
    #: Shenyang large-amount layer uses for temporary remote care (000 异地就医待遇 3, 5). None: as ``ratio``
    #: and ``deductible_fen``.
    standard_ratio: Decimal | None = None
    standard_deductible_fen: int | None = None
    #: The yearly (or quarterly) cap of each balance the claim drew on, as (balance key, cap in fen).
    caps: tuple[tuple[str, int], ...] = ()
    #: Parts of the bill settled on their own line inside the basic pool (the general consultation fee).
    lines: tuple[SettlementLine, ...] = ()


@dataclass
class Settlement:
    """The decision on one claim: every layer's payment, the member's share, reasons, explanations."""

    claim_id: str
    member_id: str
    event_id: str
    edition: Edition | None
    status: str
    total_fen: int
    layers_fen: dict[str, int]
    #: Why the claim was rejected or paid less, as catalogue messages (``reasons`` renders them in English; the
    #: edges render them again in zh). Kept as messages: a replay writes no text, so none is rendered for it.
    reason_messages: list[Message] = field(default_factory=list)
    explanations: Explanations = field(default_factory=Explanations)
    deductible_fen: int = 0
    year: int = 0
    balances: list[tuple[str, int]] = field(default_factory=list)
    #: Per layer, the yearly cap (None: no cap) and what the year had used once this claim was paid.
    balances_after: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    #: Caps of the programme balances the basic pool drew on (outpatient pooling, two diseases …).
    programme_caps: tuple[tuple[str, int], ...] = ()
    #: Parts of the bill settled on their own line inside the basic pool (shown only when there are any).
    lines: tuple[SettlementLine, ...] = ()
    #: Extra sections of the document added after settlement (e.g. retroactive assistance), shown when set.
    extra_json: dict[str, Any] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """The reasons' English text (stored with the decision, and the document's ``reasons``)."""
        return [reason.render() for reason in self.reason_messages]

    @property
    def fund_total_fen(self) -> int:
        return sum(self.layers_fen.values())

    @property
    def member_pays_fen(self) -> int:
        return self.total_fen - self.fund_total_fen

    def __post_init__(self) -> None:
        assert all(amount >= 0 for amount in self.layers_fen.values()), "no layer pays a negative amount"

    def as_json(self) -> dict[str, Any]:
        assert self.fund_total_fen + self.member_pays_fen == self.total_fen
        assert 0 <= self.fund_total_fen <= self.total_fen, "the funds never pay more than the bill"
        return {
            "claim_id": self.claim_id,
            "member_id": self.member_id,
            "edition": None if self.edition is None else {"name": self.edition.name, "hash": self.edition.content_hash},
            "status": self.status,
            "layers": {layer: format_yuan(amount) for layer, amount in self.layers_fen.items()},
            "deductible": format_yuan(self.deductible_fen),
            "fund_total": format_yuan(self.fund_total_fen),
            "member_pays": format_yuan(self.member_pays_fen),
            "total_amount": format_yuan(self.total_fen),
            "balances_after": {
                layer: {
                    "cap": None if cap is None else format_yuan(cap),
                    "used": format_yuan(used),
                    "remaining": None if cap is None else format_yuan(max(0, cap - used)),
                }
                for layer, (cap, used) in self.balances_after.items()
            },
            "reasons": list(self.reasons),
            "reason_messages": [reason.as_json() for reason in self.reason_messages],
            "explanations": self.explanations.as_json(),
            **({"lines": {line.line: line.as_json() for line in self.lines}} if self.lines else {}),
            **self.extra_json,
        }


def shifted(bands: Bands, points: Decimal) -> Bands:
    """Every tier's ratio moved by ``points`` (± percentage points), kept within [0, 1]."""
    return replace(
        bands,
        tiers=tuple(Tier(t.over_fen, min(Decimal(1), max(Decimal(0), t.ratio + points))) for t in bands.tiers),
    )
