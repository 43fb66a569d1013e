"""Retroactive assistance on certification (依申请救助, 002 ch.6 五问 (三)).

因高额医疗费用支出导致家庭基本生活出现严重困难的大病患者,经民政、乡村振兴部门认定为6类救助对象的,以认定时间
为节点,按照认定类别和对应救助标准,对其年度内经基本医保、补充医疗保险等支付后个人自付的合规医疗费用追溯救助.
救助对象具有多重困难身份属性的,按"待遇就高"原则实施救助,不重复享受医疗救助待遇.

When a member is certified during a year as one of the assistance categories (a ``CategoryCertified``
whose ``valid_from`` — the node — falls after 1 January), the ledger decides on its own: every claim
of that year admitted before the node, in the settings assistance pays on, is assisted at the routine
standard (常规救助: the year's deductible, ratio and yearly limit) of the most favourable category the
member holds on the node, on the compliant self-pay the other layers left. What a claim already
received as assistance counts against it, so nothing is paid twice. The decision names the claims it
tops up; it is part of the fold, so a replay recomputes it, and later claims of the year see the
deductible and limit it used. Rules are data: ``assistance.on_application.retroactive`` switches it on
for a rule set (Bazhong); the standard is ``assistance.regular.*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.entitlements.facts import Claim, MemberFacts
from domain.entitlements.periods import has
from domain.explain import Explanations
from domain.messages import msg
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading, Table
from domain.settlement.model import Settlement

LAYER = "medical_assistance"
SWITCH = "assistance.on_application.retroactive"


@dataclass(frozen=True)
class TopUp:
    claim_id: str
    self_pay_fen: int
    already_fen: int
    due_fen: int
    amount_fen: int


@dataclass
class RetroactiveAssistance:
    """The ledger's own decision: the claims of a year topped up when a certification arrived."""

    decision_id: str
    member_id: str
    category: str
    certified_on: date
    year: int
    edition: Edition
    top_ups: list[TopUp] = field(default_factory=list)
    explanations: Explanations = field(default_factory=Explanations)

    @property
    def total_fen(self) -> int:
        return sum(t.amount_fen for t in self.top_ups)

    def as_json(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "kind": "retroactive_assistance",
            "category": self.category,
            "certified_on": self.certified_on.isoformat(),
            "year": self.year,
            "edition": {"name": self.edition.name, "hash": self.edition.content_hash},
            "total": format_yuan(self.total_fen),
            "claims": [
                {
                    "claim_id": t.claim_id,
                    "self_pay": format_yuan(t.self_pay_fen),
                    "already_assisted": format_yuan(t.already_fen),
                    "due": format_yuan(t.due_fen),
                    "amount": format_yuan(t.amount_fen),
                }
                for t in self.top_ups
            ],
            "explanations": self.explanations.as_json(),
        }


def _value(edition: Edition, name: str, on: date) -> ParameterReading:
    return edition.reading(name, on)


def _cell(reading: ParameterReading, row: str) -> Any:
    assert isinstance(reading.value, Table)
    return reading.value.cell(row)


def certification_nodes(facts: MemberFacts) -> list[tuple[date, str]]:
    """Every (node, category) a certification gives, in date order (a node on 1 January has nothing before it)."""
    return sorted(
        {
            (span.valid_from, span.category)
            for span in facts.categories
            if (span.valid_from.month, span.valid_from.day) != (1, 1)
        }
    )


def decide_retroactive_assistance(
    *,
    facts: MemberFacts,
    node: date,
    category: str,
    claims: Iterable[Claim],
    settlements: Mapping[str, Settlement],
    used_fen: MutableMapping[tuple[str, int], int],
    assisted_fen: MutableMapping[str, int],
) -> RetroactiveAssistance | None:
    """The decision for a certification of ``category`` valid from ``node``; None where nothing is due.

    ``assisted_fen`` is each claim's assistance so far (its own layer plus earlier top-ups); it and
    ``used_fen`` (the year's balances) are updated with what this decision pays.
    """
    year = node.year
    eligible: list[tuple[Claim, Settlement]] = []
    for claim in claims:
        settlement = settlements.get(claim.data.claim_id)
        if settlement is None or settlement.status != "settled" or settlement.edition is None:
            continue
        if settlement.year != year or claim.data.admitted_on >= node:
            continue
        claim_edition = settlement.edition
        if not has(claim_edition, SWITCH) or _value(claim_edition, SWITCH, claim.occurred_on).value is not True:
            continue
        settings = _value(claim_edition, "assistance.settings", claim.occurred_on).value
        assert isinstance(settings, tuple)
        if claim.data.setting.value in settings:
            eligible.append((claim, settlement))
    if not eligible:
        return None
    edition = eligible[0][1].edition
    assert edition is not None
    ratios = _value(edition, "assistance.regular.ratio", node)
    assert isinstance(ratios.value, Table)
    held = [row for row in ratios.value.rows if facts.has_category(row, node)]
    if category not in held:
        return None
    # 待遇就高: the most favourable category held on the node (highest ratio; the table's order breaks ties).
    best = max(held, key=lambda row: (_cell(ratios, row), -ratios.value.rows.index(row)))  # type: ignore[union-attr]
    if best != category:
        return None  # the decision for the most favourable category of this node is taken once, under it
    decision = RetroactiveAssistance(
        decision_id=str(uuid5(NAMESPACE_URL, f"urn:ledger:retroactive-assistance:{facts.member_id}:{category}:{node}")),
        member_id=facts.member_id,
        category=category,
        certified_on=node,
        year=year,
        edition=edition,
    )
    deductible_used = 0
    due_total = 0
    readings: list[ParameterReading] = []
    for claim, settlement in eligible:
        on = claim.occurred_on
        ratio_reading = _value(edition, "assistance.regular.ratio", on)
        shares = _value(edition, "assistance.regular.deductible_income_share", on)
        income = _value(edition, "income.prior_year_disposable_income_per_capita", on)
        caps = _value(edition, "assistance.regular.annual_cap", on)
        switch = _value(edition, SWITCH, on)
        readings = [switch, ratio_reading, shares, income, caps]
        fund_ratio = _cell(ratio_reading, category)
        cap_fen = _cell(caps, category)
        assert isinstance(fund_ratio, Decimal) and isinstance(income.value, int) and isinstance(cap_fen, int)
        deductible_year = fen_times_ratio(income.value, _cell(shares, category))
        already = assisted_fen.get(claim.data.claim_id, settlement.layers_fen.get(LAYER, 0))
        self_pay = max(0, claim.data.policy_amount - (settlement.fund_total_fen - settlement.layers_fen.get(LAYER, 0)))
        owed = min(self_pay, max(0, deductible_year - deductible_used))
        deductible_used += owed
        due = min(fen_times_ratio(self_pay - owed, fund_ratio), max(0, cap_fen - due_total))
        due_total += due
        amount = max(0, due - already)
        if amount == 0:
            continue
        decision.top_ups.append(TopUp(claim.data.claim_id, self_pay, already, due, amount))
        assisted_fen[claim.data.claim_id] = already + amount
        settlement.extra_json.setdefault("retroactive_assistance", []).append(
            {
                "decision_id": decision.decision_id,
                "category": category,
                "certified_on": node.isoformat(),
                "amount": format_yuan(amount),
                "member_pays_after": format_yuan(settlement.member_pays_fen - amount),
            }
        )
    if not decision.top_ups:
        return None
    for top_up in decision.top_ups:
        settlements[top_up.claim_id].explanations.add(
            "retroactive_assistance",
            msg(
                "retroactive.top_up",
                amount=format_yuan(top_up.amount_fen),
                decision=decision.decision_id,
                category=category,
                since=node,
                due=format_yuan(top_up.due_fen),
                self_pay=format_yuan(top_up.self_pay_fen),
                already=format_yuan(top_up.already_fen),
            ),
            edition,
            *readings,
        )
    for key in (LAYER, "assistance.regular"):
        used_fen[(key, year)] = used_fen.get((key, year), 0) + decision.total_fen
    deductible_key = ("assistance.regular.deductible", year)
    used_fen[deductible_key] = max(used_fen.get(deductible_key, 0), deductible_used)
    named = [f"{t.claim_id} {format_yuan(t.amount_fen)}" for t in decision.top_ups]
    decision.explanations.add(
        "retroactive_assistance",
        msg(
            "retroactive.decision",
            category=category,
            since=node,
            year=year,
            named=named,
            total=format_yuan(decision.total_fen),
        ),
        edition,
        *readings,
    )
    return decision
