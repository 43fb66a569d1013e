"""The fold's retroactive-assistance decisions (依申请救助, 002 ch.6 五问 (三)), one per certification node.

:mod:`domain.settlement.retroactive` decides; this module keeps the decisions as the fold goes: taken when the
fold reaches a node, retaken — under the same id — when a claim of care before a node the fold has already
passed is settled (a stay begun before the node, discharged after a stay begun after it), each decision's
effect on the year's balances applied and, on a retake, taken back first; the settlements are annotated once
the fold is done, from the decisions as they finally stand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from datetime import date

from domain.entitlements.facts import Claim, MemberFacts
from domain.messages import msg
from domain.money import format_yuan
from domain.settlement.model import Settlement
from domain.settlement.retroactive import (
    LAYER,
    ClaimAssistance,
    DecisionTaken,
    RetroactiveAssistance,
    certification_nodes,
    decide_retroactive_assistance,
    major_illness_note,
)


class RetroactiveDecisions:
    """The fold's retroactive-assistance decisions (依申请救助), one per certification node, taken as the fold
    reaches the node and retaken when a claim for care before a node arrives after the fold has passed it.

    ``used_fen`` is the fold's year balances: a decision adds its changes, a retaken one first takes back what
    its earlier version added, so later claims of the year see the balances the decision leaves. The settlements
    are annotated once the fold is done (:meth:`finish`), from the decisions as they finally stand.
    """

    def __init__(
        self, facts: MemberFacts, settlements: Mapping[str, Settlement], used_fen: MutableMapping[tuple[str, int], int]
    ) -> None:
        self.facts = facts
        self.settlements = settlements
        self.used_fen = used_fen
        self.pending = certification_nodes(facts)
        #: Nodes the fold has reached, in date order.
        self.passed: list[tuple[date, str]] = []
        self.taken: dict[tuple[date, str], DecisionTaken] = {}
        #: Each claim's assistance where a decision changed it.
        self.assisted: dict[str, ClaimAssistance] = {}

    def decide_up_to(self, day: date, settled_claims: Iterable[Claim]) -> None:
        """Take the decision of every node on or before ``day`` not reached yet, over the claims settled so far."""
        claims = list(settled_claims)
        while self.pending and self.pending[0][0] <= day:
            node = self.pending.pop(0)
            self.passed.append(node)
            self._take(node, claims)

    def settled(self, claim: Claim, settled_claims: Iterable[Claim]) -> None:
        """A claim just settled: if it is care before a node the fold has passed (it arrived after claims for care
        after the node), the decisions of its year from that node on are retaken with it, in node order."""
        settlement = self.settlements.get(claim.data.claim_id)
        if settlement is None or settlement.status != "settled":
            return
        year_nodes = [node for node in self.passed if node[0].year == settlement.year]
        late = [node for node in year_nodes if claim.data.admitted_on < node[0]]
        if not late:
            return
        retaken = [node for node in year_nodes if node >= late[0]]
        for node in reversed(retaken):
            self._take_back(node)
        claims = list(settled_claims)
        for node in retaken:
            self._take(node, claims)

    def finish(self) -> list[RetroactiveAssistance]:
        """The decisions in node order, each named in the settlements of the claims it tops up."""
        decisions = []
        for node in sorted(self.taken):
            taken = self.taken[node]
            _annotate(taken, self.settlements)
            decisions.append(taken.decision)
        return decisions

    def _take(self, node: tuple[date, str], claims: list[Claim]) -> None:
        taken = decide_retroactive_assistance(
            facts=self.facts,
            node=node[0],
            category=node[1],
            claims=claims,
            settlements=self.settlements,
            assisted=self.assisted,
            used_fen=self.used_fen,
        )
        if taken is None:
            return
        self.assisted.update(taken.after)
        for key, change in taken.changes_fen.items():
            self.used_fen[key] = self.used_fen.get(key, 0) + change
        self.taken[node] = taken

    def _take_back(self, node: tuple[date, str]) -> None:
        taken = self.taken.pop(node, None)
        if taken is None:
            return
        for key, change in taken.changes_fen.items():
            self.used_fen[key] = self.used_fen.get(key, 0) - change
        for claim_id, prior in taken.prior.items():
            if prior is None:
                self.assisted.pop(claim_id, None)
            else:
                self.assisted[claim_id] = prior


def _annotate(taken: DecisionTaken, settlements: Mapping[str, Settlement]) -> None:
    """Name the decision in each topped-up claim's settlement: the top-up, and what the member is left with."""
    decision = taken.decision
    dues = {due.claim.data.claim_id: due for due in taken.dues}
    note = major_illness_note(decision.edition, decision.category, decision.certified_on)
    for top_up in decision.top_ups:
        settlement = settlements[top_up.claim_id]
        settlement.extra_json.setdefault("retroactive_assistance", []).append(
            {
                "decision_id": decision.decision_id,
                "category": decision.category,
                "certified_on": decision.certified_on.isoformat(),
                "amount": format_yuan(top_up.amount_fen),
                # What the member is left with once the claim is assisted at the standard (earlier top-ups too).
                "member_pays_after": format_yuan(
                    settlement.member_pays_fen - (top_up.due_fen - settlement.layers_fen.get(LAYER, 0))
                ),
            }
        )
        settlement.explanations.add(
            "retroactive_assistance",
            msg(
                "retroactive.top_up_tilt",
                amount=format_yuan(top_up.amount_fen),
                decision=decision.decision_id,
                category=decision.category,
                since=decision.certified_on,
                due=format_yuan(top_up.due_fen),
                routine=format_yuan(top_up.routine_fen),
                tilt=format_yuan(top_up.tilt_fen),
                self_pay=format_yuan(top_up.self_pay_fen),
                already=format_yuan(top_up.already_fen),
            ),
            decision.edition,
            *taken.readings,
        )
        if note is not None and "major_illness" in dues[top_up.claim_id].settlement.layers_fen:
            settlement.explanations.add("retroactive_assistance", note[0], decision.edition, note[1])
