"""Retroactive assistance on certification (依申请救助, 002 ch.6 五问 (三)).

因高额医疗费用支出导致家庭基本生活出现严重困难的大病患者,经民政、乡村振兴部门认定为6类救助对象的,以认定时间
为节点,按照认定类别和对应救助标准,对其年度内经基本医保、补充医疗保险等支付后个人自付的合规医疗费用追溯救助.
救助对象具有多重困难身份属性的,按"待遇就高"原则实施救助,不重复享受医疗救助待遇.

When a member is certified during a year as one of the assistance categories (a ``CategoryCertified``
whose ``valid_from`` — the node — falls after 1 January), the ledger decides on its own: every claim
of that year admitted before the node, in the settings assistance pays on, is assisted at the standard
of the category (按照认定类别和对应救助标准) — its whole standard, as a claim of a certified member is
settled: routine assistance (五问 (一) 常规救助: the year's deductible, ratio and yearly limit), then tilt
assistance (五问 (二) 倾斜救助: the year's self-pay after routine assistance above the monitoring line, for
care in the province — not emergencies elsewhere or long-term filings —, at the category's ratio, within
its yearly limit) — on the compliant self-pay the other layers left. Of the categories held on the node the
most favourable decides (待遇就高: the standard that owes the most on those claims); what a claim already
received as assistance counts against it, so nothing is paid twice (不重复享受). The decision names the
claims it tops up; it is part of the fold, so a replay recomputes it, and later claims of the year see
the deductible, limits and monitoring-line count it leaves. Rules are data:
``assistance.on_application.retroactive`` switches it on for a rule set (Bazhong); the standards are
``assistance.regular.*`` and ``assistance.tilt.*``.
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
from domain.money import fen_times_ratio, format_yuan
from domain.policies import Edition, ParameterReading, Table
from domain.settlement.model import Settlement

LAYER = "medical_assistance"
SWITCH = "assistance.on_application.retroactive"


@dataclass(frozen=True)
class TopUp:
    """One claim of the decision: what the category's standard owes on its self-pay, and what is added."""

    claim_id: str
    self_pay_fen: int
    already_fen: int
    due_fen: int
    amount_fen: int
    #: ``due_fen`` split: routine assistance (常规救助) and tilt assistance (倾斜救助).
    routine_fen: int = 0
    tilt_fen: int = 0


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
                    "due_routine": format_yuan(t.routine_fen),
                    "due_tilt": format_yuan(t.tilt_fen),
                    "amount": format_yuan(t.amount_fen),
                }
                for t in self.top_ups
            ],
            "explanations": self.explanations.as_json(),
        }


@dataclass(frozen=True)
class _Due:
    """What one claim is owed at a category's standard (routine then tilt), on the self-pay the other layers left."""

    claim: Claim
    settlement: Settlement
    self_pay_fen: int
    routine_fen: int
    tilt_fen: int
    #: Whether the claim's self-pay counts towards the monitoring line (care in the province).
    tilt_counts: bool

    @property
    def due_fen(self) -> int:
        return self.routine_fen + self.tilt_fen


@dataclass
class _Standard:
    """A category's standard (按照认定类别和对应救助标准) applied over the year's claims before the node."""

    category: str
    dues: list[_Due]
    deductible_used_fen: int
    readings: list[ParameterReading]

    @property
    def total_fen(self) -> int:
        return sum(d.due_fen for d in self.dues)


def _value(edition: Edition, name: str, on: date) -> ParameterReading:
    return edition.reading(name, on)


def _cell(reading: ParameterReading, row: str) -> Any:
    assert isinstance(reading.value, Table)
    return reading.value.cell(row)


def _money(value: object) -> int:
    assert isinstance(value, int) and not isinstance(value, bool)
    return value


def _ratio(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def certification_nodes(facts: MemberFacts) -> list[tuple[date, str]]:
    """Every (node, category) a certification gives, in date order (a node on 1 January has nothing before it)."""
    return sorted(
        {
            (span.valid_from, span.category)
            for span in facts.categories
            if (span.valid_from.month, span.valid_from.day) != (1, 1)
        }
    )


def _apply_standard(edition: Edition, category: str, eligible: list[tuple[Claim, Settlement]]) -> _Standard:
    """The category's routine assistance (五问 (一): the year's deductible, ratio, yearly limit) and then its tilt
    assistance (五问 (二): the year's self-pay after routine assistance above the monitoring line, for care in
    the province — not emergencies elsewhere or long-term filings —, ratio, yearly limit), claim by claim.

    The claims are every claim of the year that counted towards the line, so the count starts at nothing.
    """
    deductible_used = routine_total = tilt_total = 0
    base = 0
    dues: list[_Due] = []
    readings: list[ParameterReading] = []
    for claim, settlement in eligible:
        on = claim.occurred_on
        ratios = _value(edition, "assistance.regular.ratio", on)
        shares = _value(edition, "assistance.regular.deductible_income_share", on)
        income = _value(edition, "income.prior_year_disposable_income_per_capita", on)
        caps = _value(edition, "assistance.regular.annual_cap", on)
        readings = [_value(edition, SWITCH, on), ratios, shares, income, caps]
        deductible_year = fen_times_ratio(_money(income.value), _ratio(_cell(shares, category)))
        self_pay = max(0, claim.data.policy_amount - (settlement.fund_total_fen - settlement.layers_fen.get(LAYER, 0)))
        owed = min(self_pay, max(0, deductible_year - deductible_used))
        deductible_used += owed
        routine = min(
            fen_times_ratio(self_pay - owed, _ratio(_cell(ratios, category))),
            max(0, _money(_cell(caps, category)) - routine_total),
        )
        routine_total += routine
        tilt = 0
        counts = False
        if has(edition, "assistance.tilt.ratio"):
            excluded = _value(edition, "assistance.tilt.excluded_locations", on)
            line = _value(edition, "assistance.tilt.threshold", on)
            tilt_ratios = _value(edition, "assistance.tilt.ratio", on)
            tilt_caps = _value(edition, "assistance.tilt.annual_cap", on)
            readings += [line, tilt_ratios, tilt_caps, excluded]
            assert isinstance(excluded.value, tuple)
            counts = claim.data.location.value not in excluded.value
            if counts:
                counted = self_pay - routine
                line_fen = _money(line.value)
                above = max(0, base + counted - line_fen) - max(0, base - line_fen)
                base += counted
                tilt = min(
                    fen_times_ratio(above, _ratio(_cell(tilt_ratios, category))),
                    max(0, _money(_cell(tilt_caps, category)) - tilt_total),
                )
                tilt_total += tilt
        dues.append(_Due(claim, settlement, self_pay, routine, tilt, counts))
    return _Standard(category, dues, deductible_used, readings)


def _own_assistance(settlement: Settlement) -> tuple[int, int]:
    """What a claim's own assistance layer paid as (routine, tilt), from the balances it drew on."""
    routine = sum(amount for key, amount in settlement.balances if key == "assistance.regular")
    tilt = sum(amount for key, amount in settlement.balances if key == "assistance.tilt")
    other = settlement.layers_fen.get(LAYER, 0) - routine - tilt
    return routine + max(0, other), tilt


def decide_retroactive_assistance(
    *,
    facts: MemberFacts,
    node: date,
    category: str,
    claims: Iterable[Claim],
    settlements: Mapping[str, Settlement],
    used_fen: MutableMapping[tuple[str, int], int],
    assisted_fen: MutableMapping[str, tuple[int, int]],
) -> RetroactiveAssistance | None:
    """The decision for a certification of ``category`` valid from ``node``; None where nothing is due.

    The standard is the category's whole standard: routine assistance, then tilt assistance where the rule set
    has it. Of the categories the member holds on the node the most favourable one decides — the one whose
    standard owes the most on these claims (待遇就高), the table's order breaking ties —, once: what a claim
    already received as assistance counts against it (不重复享受). ``assisted_fen`` is each claim's assistance so
    far as (routine, tilt) — its own layer plus earlier top-ups; it and ``used_fen`` (the year's balances) are
    updated with what this decision pays.
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
    rows = ratios.value.rows
    held = [row for row in rows if facts.has_category(row, node)]
    if category not in held:
        return None
    standards = [_apply_standard(edition, row, eligible) for row in held]
    # 待遇就高: the most favourable standard held on the node (the most owed; the table's order breaks ties).
    best = max(standards, key=lambda standard: (standard.total_fen, -rows.index(standard.category)))
    if best.category != category:
        return None  # the decision for the most favourable category of this node is taken once, under it
    decision = RetroactiveAssistance(
        decision_id=str(uuid5(NAMESPACE_URL, f"urn:ledger:retroactive-assistance:{facts.member_id}:{category}:{node}")),
        member_id=facts.member_id,
        category=category,
        certified_on=node,
        year=year,
        edition=edition,
    )
    # A topped-up claim is now assisted exactly as the standard says (routine, tilt): the year's routine and tilt
    # balances move by the difference from what it had (one may fall where the other rises; the sum is the top-up).
    routine_change = tilt_change = 0
    for due in best.dues:
        claim_id = due.claim.data.claim_id
        prior_routine, prior_tilt = assisted_fen.get(claim_id, _own_assistance(due.settlement))
        already = prior_routine + prior_tilt
        amount = max(0, due.due_fen - already)
        if amount == 0:
            continue
        routine_change += due.routine_fen - prior_routine
        tilt_change += due.tilt_fen - prior_tilt
        assisted_fen[claim_id] = (due.routine_fen, due.tilt_fen)
        decision.top_ups.append(
            TopUp(claim_id, due.self_pay_fen, already, due.due_fen, amount, due.routine_fen, due.tilt_fen)
        )
        due.settlement.extra_json.setdefault("retroactive_assistance", []).append(
            {
                "decision_id": decision.decision_id,
                "category": category,
                "certified_on": node.isoformat(),
                "amount": format_yuan(amount),
                # What the member is left with once the claim is assisted at the standard (earlier top-ups too).
                "member_pays_after": format_yuan(
                    due.settlement.member_pays_fen - (due.due_fen - due.settlement.layers_fen.get(LAYER, 0))
                ),
            }
        )
    if not decision.top_ups:
        return None
    for top_up in decision.top_ups:
        settlements[top_up.claim_id].explanations.add(
            "retroactive_assistance",
            f"topped up {format_yuan(top_up.amount_fen)} by the ledger's retroactive-assistance decision "
            f"{decision.decision_id} (依申请救助): certified {category} from {node}; "
            f"{format_yuan(top_up.due_fen)} due at the {category} standard (routine {format_yuan(top_up.routine_fen)}"
            f" + tilt {format_yuan(top_up.tilt_fen)}) on the self-pay {format_yuan(top_up.self_pay_fen)}, "
            f"less {format_yuan(top_up.already_fen)} already assisted",
            edition,
            *best.readings,
        )
    for key, paid in (
        (LAYER, decision.total_fen),
        ("assistance.regular", routine_change),
        ("assistance.tilt", tilt_change),
    ):
        used_fen[(key, year)] = used_fen.get((key, year), 0) + paid
    deductible_key = ("assistance.regular.deductible", year)
    used_fen[deductible_key] = max(used_fen.get(deductible_key, 0), best.deductible_used_fen)
    if has(edition, "assistance.tilt.ratio"):
        # The year's self-pay after routine assistance, as the decision leaves it: what later claims count on
        # towards the monitoring line (every claim that counted before is among this decision's).
        used_fen[("assistance.tilt.base", year)] = sum(
            max(0, due.self_pay_fen - assisted_fen.get(due.claim.data.claim_id, _own_assistance(due.settlement))[0])
            for due in best.dues
            if due.tilt_counts
        )
    named = ", ".join(f"{t.claim_id} {format_yuan(t.amount_fen)}" for t in decision.top_ups)
    compared = "; ".join(f"as {s.category} {format_yuan(s.total_fen)} due" for s in standards)
    decision.explanations.add(
        "retroactive_assistance",
        f"certified {category} from {node} (依申请救助, 以认定时间为节点): the {year} claims admitted before it "
        f"are assisted at the {category} standard — routine assistance, then tilt assistance above the monitoring "
        f"line for care in the province — on the self-pay the other layers left ({compared}: 待遇就高), less what "
        f"they already received (不重复享受): {named}; total {format_yuan(decision.total_fen)}",
        edition,
        *best.readings,
    )
    return decision
