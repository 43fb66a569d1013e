"""Moves between pooling regions (医保关系转移接续, ``MemberTransferred``) in the fold.

002 ch.2 二十一问: 基本医疗保险关系随本人转移，只转移参保关系和个人账户，缴费年限累计计算.

* From the transfer date the member's region (:meth:`MemberFacts.region_on`) and rule set are the
  destination's: coverage the origin sold for later days is cut at the transfer date
  (:func:`cut_at_transfers`), so claims before it settle under the origin's rules and claims
  from it on under the destination's (or not at all until the destination is paid).
* The first destination payment after the move starts benefits by the destination's transfer rule
  (:func:`arrival`; Bazhong 002 ch.2 二十一问 by the gap, reading ``transfer_gap_months``; Shenyang
  次月, reading ``transfer_in_wait_shenyang``).
* Contribution years count in both regions: the destination counts the origin's months as months
  paid outside (``contribution_years``), the personal account moves (``personal_account``).
* A destination without a rule set: the move is stored, its payments are set aside and the status
  says what cannot be computed (:func:`beyond_rule_book`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from domain.entitlements.facts import MemberFacts, Payment, Transfer
from domain.entitlements.periods import CoveragePeriod, EditionFinder
from domain.errors import LedgerError
from domain.messages import Message, joined, msg


def transfers_of(facts: MemberFacts, scheme: str) -> list[Transfer]:
    return [t for t in facts.transfers if t.scheme == scheme]


def arrival(facts: MemberFacts, payment: Payment, earlier: list[Payment]) -> Transfer | None:
    """The move that brought the member to ``payment``'s region, when this is the first payment there after it."""
    moves = [
        t
        for t in transfers_of(facts, payment.scheme)
        if t.to_region == payment.region and t.on <= max(payment.paid_on, payment.coverage_end)
    ]
    if not moves:
        return None
    move = moves[-1]
    paid_there = any(p.region == move.to_region and p.coverage_end >= move.on for p in earlier)
    return None if paid_there else move


def cut_at_transfers(period: CoveragePeriod, facts: MemberFacts) -> CoveragePeriod:
    """Coverage of a region the member left ends the day before the transfer date (its rules no longer apply)."""
    for move in transfers_of(facts, period.scheme):
        if period.region == move.from_region and period.covered_from < move.on < max(
            period.covered_until, period.benefits_until
        ):
            return replace(
                period,
                covered_until=min(period.covered_until, move.on),
                benefits_until=min(period.benefits_until, move.on),
                benefits_from=min(period.benefits_from, move.on),
                basis=joined(
                    period.basis,
                    msg("period.moved_to", target=move.to_region, on=move.on, source=move.from_region),
                ),
            )
    return period


@dataclass(frozen=True)
class BeyondRuleBook:
    """A region and scheme the member moved to that the rulebook has no rule set for."""

    region: str
    scheme: str
    since: date
    payments_set_aside: int

    def text(self) -> Message:
        return msg(
            "beyond.moved",
            region=self.region,
            scheme=self.scheme,
            since=self.since,
            set_aside=msg("beyond.set_aside", count=self.payments_set_aside) if self.payments_set_aside else "",
        )


def beyond_rule_book(facts: MemberFacts, edition_for: EditionFinder) -> list[BeyondRuleBook]:
    """Destinations of the member's moves without a rule set (the fold sets their payments aside with every
    payment to a region and scheme without one: coverage facts, not entitlements)."""
    found: list[BeyondRuleBook] = []
    for move in facts.transfers:
        if any(b.region == move.to_region and b.scheme == move.scheme for b in found):
            continue
        try:
            edition_for(move.to_region, move.scheme)
        except LedgerError:
            aside = [p for p in facts.payments if p.region == move.to_region and p.scheme == move.scheme]
            found.append(BeyondRuleBook(move.to_region, move.scheme, move.on, len(aside)))
    return found


def moves_json(facts: MemberFacts, beyond: list[BeyondRuleBook]) -> dict[str, object] | None:
    """The status document's ``transfers``: every move and what cannot be computed (null: never moved)."""
    if not facts.transfers:
        return None
    return {
        "moves": [
            {
                "event_id": t.event_id,
                "transferred_on": t.on.isoformat(),
                "from_region": t.from_region,
                "to_region": t.to_region,
                "scheme": t.scheme,
            }
            for t in facts.transfers
        ],
        "not_computable": [b.text().render() for b in beyond],
    }
