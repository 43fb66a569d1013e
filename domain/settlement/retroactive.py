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
the deductible, limits and monitoring-line count it leaves.

One decision per certification, whenever its claims arrive: the top-up covers the year's compliant self-pay
of care before the node, so a claim for such care submitted after the fold has passed the node (after claims
for care after it) is not left out: the fold retakes the decision, under the same id, over every claim of care
before the node, which the standard takes in admission order — what the late claim receives is what it would
have received had it arrived before. The decision's effect on the year's balances is kept as differences
claim by claim, so a retaken decision replaces the earlier one exactly. Claims for care after the node settled
in between keep their layers, and what they drew counts first (the year's deductible is borne once, its limits
hold); where they share a deductible, limit or monitoring line with the late claim, the year's assistance is the
same and only its split between the claims differs.

The major-illness layer (大病保险) is not recomputed: its low-income tilt (002 ch.3 二十四问: a lower threshold,
higher ratios; 二十六问: no cap) is an insurance benefit settled at discharge (二十五问 一站式即时报销) for a
member certified on the admission day; 以认定时间为节点 … 追溯救助 is a rule of medical assistance (医疗救助)
alone. The self-pay the decision assists is the one the major-illness layer left, and the explanation says so.

Rules are data:
``assistance.on_application.retroactive`` switches it on for a rule set (Bazhong); the standards are
``assistance.regular.*`` and ``assistance.tilt.*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.entitlements.facts import Claim, MemberFacts
from domain.entitlements.periods import has
from domain.explain import Explanations
from domain.messages import Message, msg
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
class ClaimAssistance:
    """A claim's medical assistance as the year's balances count it: routine (常规救助) and tilt (倾斜救助) paid,
    the routine deductible it bore, and the self-pay after routine assistance it counted towards the monitoring
    line."""

    routine_fen: int
    tilt_fen: int
    deductible_fen: int = 0
    counted_fen: int = 0

    def counts(self) -> tuple[int, int, int, int]:
        """The claim's part of each of :data:`_ASSISTED_BALANCES`, in that order."""
        return (self.routine_fen, self.tilt_fen, self.deductible_fen, self.counted_fen)


#: The year's balances a decision restates claim by claim (as :meth:`ClaimAssistance.counts` gives them).
_ASSISTED_BALANCES = ("assistance.regular", "assistance.tilt", "assistance.regular.deductible", "assistance.tilt.base")


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
    #: The part of the year's routine deductible the standard puts on this claim.
    deductible_fen: int = 0

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


@dataclass
class DecisionTaken:
    """A decision with what it changed: the year's balances (differences, in fen) and each claim's assistance."""

    decision: RetroactiveAssistance
    dues: list[_Due]
    readings: list[ParameterReading]
    changes_fen: dict[tuple[str, int], int]
    #: Each claim of the decision's assistance before it (None: its own layer's) and after it.
    prior: dict[str, ClaimAssistance | None]
    after: dict[str, ClaimAssistance]


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


def _apply_standard(
    edition: Edition, category: str, eligible: list[tuple[Claim, Settlement]], others: ClaimAssistance
) -> _Standard:
    """The category's routine assistance (五问 (一): the year's deductible, ratio, yearly limit) and then its tilt
    assistance (五问 (二): the year's self-pay after routine assistance above the monitoring line, for care in
    the province — not emergencies elsewhere or long-term filings —, ratio, yearly limit), claim by claim.

    The claims are taken in admission order (then claim id), whatever order they were settled in. ``others`` is
    what the year's other claims already drew — nothing when the fold reaches the node; the claims of care after
    it settled before a late claim of care before it made the decision be retaken —, so the year's deductible is
    borne once and its limits hold.
    """
    deductible_used, routine_total, tilt_total = others.deductible_fen, others.routine_fen, others.tilt_fen
    base = others.counted_fen
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
        dues.append(_Due(claim, settlement, self_pay, routine, tilt, counts, owed))
    return _Standard(category, dues, deductible_used - others.deductible_fen, readings)


def _own_assistance(settlement: Settlement) -> ClaimAssistance:
    """What a claim's own assistance layer paid and counted, from the balances it drew on."""
    routine = sum(amount for key, amount in settlement.balances if key == "assistance.regular")
    tilt = sum(amount for key, amount in settlement.balances if key == "assistance.tilt")
    other = settlement.layers_fen.get(LAYER, 0) - routine - tilt
    return ClaimAssistance(
        routine_fen=routine + max(0, other),
        tilt_fen=tilt,
        deductible_fen=sum(amount for key, amount in settlement.balances if key == "assistance.regular.deductible"),
        counted_fen=sum(amount for key, amount in settlement.balances if key == "assistance.tilt.base"),
    )


def _eligible(
    claims: Iterable[Claim], settlements: Mapping[str, Settlement], node: date
) -> list[tuple[Claim, Settlement]]:
    """The settled claims of the node's year admitted before it, in the settings assistance pays on, where the
    claim's rule set has retroactive assistance — in admission order, then claim id (not the order they came in)."""
    eligible: list[tuple[Claim, Settlement]] = []
    for claim in claims:
        settlement = settlements.get(claim.data.claim_id)
        if settlement is None or settlement.status != "settled" or settlement.edition is None:
            continue
        if settlement.year != node.year or claim.data.admitted_on >= node:
            continue
        claim_edition = settlement.edition
        if not has(claim_edition, SWITCH) or _value(claim_edition, SWITCH, claim.occurred_on).value is not True:
            continue
        settings = _value(claim_edition, "assistance.settings", claim.occurred_on).value
        assert isinstance(settings, tuple)
        if claim.data.setting.value in settings:
            eligible.append((claim, settlement))
    return sorted(eligible, key=lambda pair: (pair[0].data.admitted_on, pair[0].data.claim_id))


def decide_retroactive_assistance(
    *,
    facts: MemberFacts,
    node: date,
    category: str,
    claims: Iterable[Claim],
    settlements: Mapping[str, Settlement],
    assisted: Mapping[str, ClaimAssistance],
    used_fen: Mapping[tuple[str, int], int],
) -> DecisionTaken | None:
    """The decision for a certification of ``category`` valid from ``node``; None where nothing is due.

    The standard is the category's whole standard: routine assistance, then tilt assistance where the rule set
    has it. Of the categories the member holds on the node the most favourable one decides — the one whose
    standard owes the most on these claims (待遇就高), the table's order breaking ties —, once: what a claim
    already received as assistance counts against it (不重复享受). ``assisted`` is each claim's assistance so far
    where earlier decisions changed it (else its own layer); ``used_fen`` the year's balances, of which what the
    decision's claims did not draw was drawn by others. Nothing is written: the caller applies what the decision
    changes (:class:`RetroactiveDecisions`).
    """
    year = node.year
    eligible = _eligible(claims, settlements, node)
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
    before = {claim.data.claim_id: assisted.get(claim.data.claim_id) or _own_assistance(s) for claim, s in eligible}
    others = _drawn_by_others(before.values(), used_fen, year)
    standards = [_apply_standard(edition, row, eligible, others) for row in held]
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
    priors = {due.claim.data.claim_id: assisted.get(due.claim.data.claim_id) for due in best.dues}
    for due in best.dues:
        prior = before[due.claim.data.claim_id]
        already = prior.routine_fen + prior.tilt_fen
        if due.due_fen > already:
            top_up = TopUp(
                due.claim.data.claim_id,
                due.self_pay_fen,
                already,
                due.due_fen,
                due.due_fen - already,
                due.routine_fen,
                due.tilt_fen,
            )
            decision.top_ups.append(top_up)
    if not decision.top_ups:
        return None
    after = _assisted_after(edition, best, before, {t.claim_id for t in decision.top_ups})
    changes: dict[tuple[str, int], int] = {(LAYER, year): decision.total_fen}
    for position, key in enumerate(_ASSISTED_BALANCES):
        changes[(key, year)] = sum(after[c].counts()[position] - before[c].counts()[position] for c in after)
    readings = list(best.readings)
    named = [f"{t.claim_id} {format_yuan(t.amount_fen)}" for t in decision.top_ups]
    compared = [msg("retroactive.compared", category=s.category, total=format_yuan(s.total_fen)) for s in standards]
    drawn_first = _drawn_first(edition, best, eligible, others)
    decision.explanations.add(
        "retroactive_assistance",
        msg(
            "retroactive.decision_tilt",
            category=category,
            since=node,
            year=year,
            compared=compared,
            named=named,
            total=format_yuan(decision.total_fen),
            drawn_first=drawn_first if drawn_first is not None else "",
        ),
        edition,
        *readings,
    )
    low_income = major_illness_note(edition, category, node)
    if low_income is not None:
        decision.explanations.add("retroactive_assistance", low_income[0], edition, low_income[1])
    return DecisionTaken(decision, best.dues, readings, changes, priors, after)


def _drawn_by_others(
    before: Iterable[ClaimAssistance], used_fen: Mapping[tuple[str, int], int], year: int
) -> ClaimAssistance:
    """What the year's balances hold beyond the decision's own claims: drawn by the claims of care after the node
    settled before a late claim of care before it (nothing when the fold reaches the node)."""
    drawn = [sum(claim.counts()[position] for claim in before) for position in range(len(_ASSISTED_BALANCES))]
    left = [max(0, used_fen.get((key, year), 0) - drawn[i]) for i, key in enumerate(_ASSISTED_BALANCES)]
    return ClaimAssistance(routine_fen=left[0], tilt_fen=left[1], deductible_fen=left[2], counted_fen=left[3])


def _drawn_first(
    edition: Edition, best: _Standard, eligible: list[tuple[Claim, Settlement]], others: ClaimAssistance
) -> Message | None:
    """What the year's claims of care after the node, settled before a late claim of care before it, drew first —
    said where it changed what the standard owes (else the decision reads as had the claims come in order)."""
    if others.counts() == (0, 0, 0, 0):
        return None
    alone = _apply_standard(edition, best.category, eligible, ClaimAssistance(0, 0))
    if [(d.routine_fen, d.tilt_fen) for d in alone.dues] == [(d.routine_fen, d.tilt_fen) for d in best.dues]:
        return None
    return msg(
        "retroactive.drawn_first",
        deductible=format_yuan(others.deductible_fen),
        routine=format_yuan(others.routine_fen),
        tilt=format_yuan(others.tilt_fen),
        counted=format_yuan(others.counted_fen),
    )


def _assisted_after(
    edition: Edition, best: _Standard, before: Mapping[str, ClaimAssistance], topped: set[str]
) -> dict[str, ClaimAssistance]:
    """Each claim's assistance once the decision is taken: a topped-up claim is assisted exactly as the standard
    says (routine, tilt — one may fall where the other rises; the sum is the top-up); the year's routine deductible
    is the standard's where it puts more on these claims than they bore; with tilt assistance, each claim counts
    its self-pay after routine assistance towards the monitoring line (care in the province only)."""
    deductible_more = best.deductible_used_fen > sum(before[d.claim.data.claim_id].deductible_fen for d in best.dues)
    tilt = has(edition, "assistance.tilt.ratio")
    after: dict[str, ClaimAssistance] = {}
    for due in best.dues:
        claim_id = due.claim.data.claim_id
        prior = before[claim_id]
        topped_up = claim_id in topped
        routine = due.routine_fen if topped_up else prior.routine_fen
        tilt_fen = due.tilt_fen if topped_up else prior.tilt_fen
        after[claim_id] = ClaimAssistance(
            routine_fen=routine,
            tilt_fen=tilt_fen,
            deductible_fen=due.deductible_fen if deductible_more else prior.deductible_fen,
            counted_fen=(max(0, due.self_pay_fen - routine) if due.tilt_counts else 0) if tilt else prior.counted_fen,
        )
    return after


def major_illness_note(edition: Edition, category: str, node: date) -> tuple[Message, ParameterReading] | None:
    """Why the major-illness layer of the claims before the node stays as settled, for a category the layer
    treats as low-income (None for another category or a rule set without the tilt)."""
    if not has(edition, "major_illness.low_income_categories"):
        return None
    listed = _value(edition, "major_illness.low_income_categories", node)
    assert isinstance(listed.value, tuple)
    if category not in listed.value:
        return None
    return msg("retroactive.major_illness_stays", node=node, category=category), listed
