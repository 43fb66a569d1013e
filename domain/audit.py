"""Audit diff: what a member's entitlements and payments are under one edition against another.

The other side is either a second fold (another edition, a patch) or the decisions the ledger
actually recorded (``ClaimSettled``). Each difference names the member, the claim where there
is one, the figure, both values and both explanations, so an auditor sees what changed and why.
The ledger's own retroactive-assistance decisions are compared too (their totals, the claims they name,
and each claim's top-up). Totals add the payment differences up by region, scheme, layer and year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.entitlements.fold import MemberLedger
from domain.messages import field_json
from domain.money import format_yuan

#: The side of a comparison that is what the ledger paid, not a fold.
RECORDED = "recorded"
#: Side B ``known-at:<ISO datetime with zone>``: the rulebook's fold as the ledger knew the member then
#: (before a correction, say), so the differences are what the events recorded since — retractions
#: included — changed.
KNOWN_AT_PREFIX = "known-at:"


def known_at_side(side: object) -> datetime | None:
    """The recorded-time horizon of a ``known-at:`` side B, None for any other side; ValueError when malformed."""
    if not isinstance(side, str) or not side.startswith(KNOWN_AT_PREFIX):
        return None
    moment = datetime.fromisoformat(side.removeprefix(KNOWN_AT_PREFIX).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{side}: the time must carry a zone, e.g. known-at:2026-01-01T00:00:00Z")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class RecordedDecision:
    """A decision as recorded by ``ClaimSettled``: the layers in fen and the document as returned."""

    claim_id: str
    edition_name: str | None
    edition_hash: str | None
    status: str
    layers_fen: Mapping[str, int]
    explanations: list[dict[str, Any]]


@dataclass(frozen=True)
class Difference:
    """One figure that differs between side A and side B."""

    member_id: str
    region: str | None
    scheme: str | None
    year: int
    kind: str
    claim_id: str | None
    field: str
    value_a: int | str | None
    value_b: int | str | None
    explanation_a: list[dict[str, Any]]
    explanation_b: list[dict[str, Any]]

    @property
    def delta_fen(self) -> int:
        """A − B for money figures (0 for dates and statuses)."""
        if isinstance(self.value_a, int) or isinstance(self.value_b, int):
            a = self.value_a if isinstance(self.value_a, int) else 0
            b = self.value_b if isinstance(self.value_b, int) else 0
            return a - b
        return 0

    def row(self) -> dict[str, Any]:
        """A flat row for CSV: money as two-decimal yuan."""

        def show(value: int | str | None) -> str:
            if value is None:
                return ""
            return format_yuan(value) if isinstance(value, int) else value

        return {
            "member_id": self.member_id,
            "region": self.region or "",
            "scheme": self.scheme or "",
            "year": self.year,
            "kind": self.kind,
            "claim_id": self.claim_id or "",
            "field": self.field,
            "value_a": show(self.value_a),
            "value_b": show(self.value_b),
            "delta": format_yuan(self.delta_fen) if self.kind == "payment" else "",
        }

    def as_json(self) -> dict[str, Any]:
        return self.row() | {"explanation_a": self.explanation_a, "explanation_b": self.explanation_b}


def _claim_explanations(ledger: MemberLedger, claim_id: str, layer: str) -> list[dict[str, Any]]:
    settlement = ledger.settlements.get(claim_id)
    if settlement is None:
        return []
    return [e for e in settlement.explanations.as_json() if e["field"] in (f"layers.{layer}", "layers.basic_pool")]


def compare_claims(a: MemberLedger, b: MemberLedger | Mapping[str, RecordedDecision]) -> list[Difference]:
    """Per claim and layer, the payments that differ (a claim missing on one side pays nothing there)."""
    differences: list[Difference] = []
    recorded = not isinstance(b, MemberLedger)
    claim_ids = sorted(set(a.settlements) | set(b if recorded else b.settlements))  # type: ignore[union-attr, arg-type]
    for claim_id in claim_ids:
        settled_a = a.settlements.get(claim_id)
        layers_a = dict(settled_a.layers_fen) if settled_a else {}
        if recorded:
            decision = b.get(claim_id)  # type: ignore[union-attr]
            layers_b = dict(decision.layers_fen) if decision else {}
        else:
            settled_b = b.settlements.get(claim_id)  # type: ignore[union-attr]
            layers_b = dict(settled_b.layers_fen) if settled_b else {}
        year = settled_a.year if settled_a else 0
        for layer in sorted(set(layers_a) | set(layers_b)):
            value_a, value_b = layers_a.get(layer, 0), layers_b.get(layer, 0)
            if value_a == value_b:
                continue
            if recorded:
                decision = b.get(claim_id)  # type: ignore[union-attr]
                explanation_b = [
                    e for e in (decision.explanations if decision else []) if e.get("field") == f"layers.{layer}"
                ]
            else:
                explanation_b = _claim_explanations(b, claim_id, layer)  # type: ignore[arg-type]
            differences.append(
                Difference(
                    member_id=a.facts.member_id,
                    region=_region(a),
                    scheme=_scheme(a, claim_id),
                    year=year,
                    kind="payment",
                    claim_id=claim_id,
                    field=layer,
                    value_a=value_a,
                    value_b=value_b,
                    explanation_a=_claim_explanations(a, claim_id, layer),
                    explanation_b=explanation_b,
                )
            )
    return differences


def compare_entitlements(a: MemberLedger, b: MemberLedger, years: Iterable[int]) -> list[Difference]:
    """Benefit starts of each coverage period and the major-illness cap of each year."""
    differences: list[Difference] = []
    starts_a = {(p.scheme, p.covered_from): p for p in a.periods}
    starts_b = {(p.scheme, p.covered_from): p for p in b.periods}
    for key in sorted(set(starts_a) | set(starts_b)):
        period_a, period_b = starts_a.get(key), starts_b.get(key)
        start_a = period_a.benefits_from.isoformat() if period_a else None
        start_b = period_b.benefits_from.isoformat() if period_b else None
        if start_a != start_b:
            differences.append(
                Difference(
                    member_id=a.facts.member_id,
                    region=_region(a),
                    scheme=key[0],
                    year=key[1].year,
                    kind="entitlement",
                    claim_id=None,
                    field="benefits_start",
                    value_a=start_a,
                    value_b=start_b,
                    explanation_a=[field_json("benefits_start", period_a.basis)] if period_a else [],
                    explanation_b=[field_json("benefits_start", period_b.basis)] if period_b else [],
                )
            )
    for year in years:
        period_a = a.period_on_year(year)
        period_b = b.period_on_year(year)
        if period_a is None or period_b is None or period_a.scheme != "resident" or period_b.scheme != "resident":
            continue
        cap_a, cap_b = a.major_illness(year, period_a.edition), b.major_illness(year, period_b.edition)
        for name, value_a, value_b in (
            ("major_illness.cap", None if cap_a.uncapped else cap_a.cap_fen, None if cap_b.uncapped else cap_b.cap_fen),
            ("major_illness.continuity_bonus", cap_a.continuity_bonus_fen, cap_b.continuity_bonus_fen),
            ("major_illness.zero_claim_bonus", cap_a.zero_claim_bonus_fen, cap_b.zero_claim_bonus_fen),
            ("major_illness.gap_penalty", cap_a.gap_penalty_fen, cap_b.gap_penalty_fen),
        ):
            if value_a != value_b:
                differences.append(
                    Difference(
                        member_id=a.facts.member_id,
                        region=_region(a),
                        scheme="resident",
                        year=year,
                        kind="entitlement",
                        claim_id=None,
                        field=name,
                        value_a=value_a,
                        value_b=value_b,
                        explanation_a=[field_json(name, cap_a.text)],
                        explanation_b=[field_json(name, cap_b.text)],
                    )
                )
    return differences


#: The figure a claim's retroactive top-ups are compared under (a payment, so the totals add it up).
RETROACTIVE_ASSISTANCE = "retroactive_assistance"


def compare_retroactive_assistance(a: MemberLedger, b: MemberLedger) -> list[Difference]:
    """The ledger's own retroactive-assistance decisions (依申请救助) on both sides, paired by decision id.

    Per decision (an ``entitlement``: the decision itself), its total and the claims it names, where either
    differs or the decision is taken on one side only; per claim (a ``payment``, in the totals), what the
    decisions topped it up by. The recorded side has no such figure: ``ClaimSettled`` records the claim as
    settled; the top-ups are decided later by the fold.
    """
    differences: list[Difference] = []
    decisions_a = {d.decision_id: d for d in a.retroactive_assistance}
    decisions_b = {d.decision_id: d for d in b.retroactive_assistance}
    for decision_id in sorted(set(decisions_a) | set(decisions_b)):
        decision_a, decision_b = decisions_a.get(decision_id), decisions_b.get(decision_id)
        either = decision_a or decision_b
        assert either is not None
        named = f"{RETROACTIVE_ASSISTANCE}[{either.certified_on} {either.category}]"
        claims_a = ", ".join(t.claim_id for t in decision_a.top_ups) if decision_a else None
        claims_b = ", ".join(t.claim_id for t in decision_b.top_ups) if decision_b else None
        for name, value_a, value_b in (
            (
                f"{named}.total",
                decision_a.total_fen if decision_a else None,
                decision_b.total_fen if decision_b else None,
            ),
            (f"{named}.claims", claims_a, claims_b),
        ):
            if value_a != value_b:
                differences.append(
                    Difference(
                        member_id=a.facts.member_id,
                        region=_region(a),
                        scheme=either.edition.scheme,
                        year=either.year,
                        kind="entitlement",
                        claim_id=None,
                        field=name,
                        value_a=value_a,
                        value_b=value_b,
                        explanation_a=decision_a.explanations.as_json() if decision_a else [],
                        explanation_b=decision_b.explanations.as_json() if decision_b else [],
                    )
                )
    topped_a, topped_b = _top_ups(a), _top_ups(b)
    for claim_id in sorted(set(topped_a) | set(topped_b)):
        value_a, value_b = topped_a.get(claim_id, 0), topped_b.get(claim_id, 0)
        if value_a == value_b:
            continue
        settled = a.settlements.get(claim_id) or b.settlements.get(claim_id)
        differences.append(
            Difference(
                member_id=a.facts.member_id,
                region=_region(a),
                scheme=_scheme(a, claim_id) or _scheme(b, claim_id),
                year=settled.year if settled else 0,
                kind="payment",
                claim_id=claim_id,
                field=RETROACTIVE_ASSISTANCE,
                value_a=value_a,
                value_b=value_b,
                explanation_a=_top_up_explanations(a, claim_id),
                explanation_b=_top_up_explanations(b, claim_id),
            )
        )
    return differences


def _top_ups(ledger: MemberLedger) -> dict[str, int]:
    """What the retroactive decisions added to each claim, in fen."""
    topped: dict[str, int] = {}
    for decision in ledger.retroactive_assistance:
        for top_up in decision.top_ups:
            topped[top_up.claim_id] = topped.get(top_up.claim_id, 0) + top_up.amount_fen
    return topped


def _top_up_explanations(ledger: MemberLedger, claim_id: str) -> list[dict[str, Any]]:
    settlement = ledger.settlements.get(claim_id)
    if settlement is None:
        return []
    return [e for e in settlement.explanations.as_json() if e["field"] == RETROACTIVE_ASSISTANCE]


def _region(ledger: MemberLedger) -> str | None:
    return ledger.facts.region


def _scheme(ledger: MemberLedger, claim_id: str) -> str | None:
    settlement = ledger.settlements.get(claim_id)
    return settlement.edition.scheme if settlement and settlement.edition else None


@dataclass
class AuditTotals:
    """Payment differences (A − B) and counts, by region, scheme, layer and year."""

    delta_fen: dict[tuple[str, str, str, int], int] = field(default_factory=dict)
    claims: dict[tuple[str, str, str, int], int] = field(default_factory=dict)
    members_compared: int = 0
    members_changed: int = 0

    def add(self, differences: list[Difference]) -> None:
        self.members_compared += 1
        if differences:
            self.members_changed += 1
        for difference in differences:
            if difference.kind != "payment":
                continue
            key = (difference.region or "", difference.scheme or "", difference.field, difference.year)
            self.delta_fen[key] = self.delta_fen.get(key, 0) + difference.delta_fen
            self.claims[key] = self.claims.get(key, 0) + 1

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "region": r,
                "scheme": s,
                "layer": layer,
                "year": y,
                "claims": self.claims[(r, s, layer, y)],
                "delta": format_yuan(delta),
            }
            for (r, s, layer, y), delta in sorted(self.delta_fen.items())
        ]
