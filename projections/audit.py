"""Audits over the event store: fold every member under edition A and compare with B or with what was paid.

Members are read from the notification log (the ``MemberStream.Opened`` events, in the order the
ledger learned them), so an audit needs no read model. Each member is folded with the one domain
fold (``fold_member``) on each side and compared by ``domain.audit``; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from eventsourcing.utils import get_topic

from domain.audit import RECORDED, AuditTotals, Difference, RecordedDecision, compare_claims, compare_entitlements
from domain.entitlements.fold import NoRuleSet, edition_finder, fold_member
from domain.member_stream import MemberStream
from domain.policies import Edition
from projections.store import LedgerApplication

#: Notifications read per page while listing members.
MEMBER_LISTING_PAGE_NOTIFICATIONS = 1000


def member_ids(ledger: LedgerApplication) -> Iterator[str]:
    """Every member the ledger holds, in the order their streams were opened (streamed, page by page)."""
    topic = get_topic(MemberStream.Opened)
    position = 0
    while True:
        page = ledger.recorder.select_notifications(
            start=position, limit=MEMBER_LISTING_PAGE_NOTIFICATIONS, topics=[topic], inclusive_of_start=False
        )
        if not page:
            return
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            assert isinstance(event, MemberStream.Opened)
            yield event.member_id
        position = page[-1].id


def recorded_decisions(ledger: LedgerApplication, member_id: str) -> dict[str, RecordedDecision]:
    """The ClaimSettled decisions of a member, by claim_id."""
    return {
        event.claim_id: RecordedDecision(
            claim_id=event.claim_id,
            edition_name=event.edition_name,
            edition_hash=event.edition_hash,
            status=event.status,
            layers_fen=event.layers_fen,
            explanations=list(event.document.get("explanations", [])),
        )
        for event in ledger.member_settlements(member_id)
    }


def audit_members(
    ledger: LedgerApplication,
    editions: Mapping[str, Edition],
    *,
    edition_a: Edition | None,
    against: Edition | str | None,
    members: Iterable[str],
    as_of: date,
    known_at: datetime,
    region: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[str, list[Difference]]]:
    """Per member, the differences between side A (``edition_a``, default the rulebook) and side B.

    ``against`` is another edition, ``None`` for the rulebook's own editions, or ``"recorded"`` for the
    decisions the ledger recorded. Members of other regions than ``region`` are skipped, and so are
    members whose region has no full rule set.
    """
    finder_a = edition_finder(editions, edition_a)
    finder_b = (
        None if against == RECORDED else edition_finder(editions, against if isinstance(against, Edition) else None)
    )
    for member_id in members:
        events = ledger.member_events(member_id)
        if progress is not None:
            progress(member_id)
        if not events:
            continue
        try:
            side_a = fold_member(events, member_id=member_id, as_of=as_of, known_at=known_at, edition_for=finder_a)
            if region is not None and side_a.facts.region != region:
                continue
            if finder_b is None:
                differences = compare_claims(side_a, recorded_decisions(ledger, member_id))
            else:
                side_b = fold_member(events, member_id=member_id, as_of=as_of, known_at=known_at, edition_for=finder_b)
                years = sorted(
                    {p.covered_from.year for p in side_a.periods} | {p.covered_from.year for p in side_b.periods}
                )
                differences = compare_entitlements(side_a, side_b, years) + compare_claims(side_a, side_b)
        except NoRuleSet:
            continue
        yield member_id, differences


def summarise(results: Iterable[tuple[str, list[Difference]]]) -> tuple[AuditTotals, list[Difference]]:
    totals = AuditTotals()
    everything: list[Difference] = []
    for _member_id, differences in results:
        totals.add(differences)
        everything.extend(differences)
    return totals, everything


def audit_json(totals: AuditTotals, differences: list[Difference], *, side_a: str, side_b: str) -> dict[str, Any]:
    return {
        "side_a": side_a,
        "side_b": side_b,
        "members_compared": totals.members_compared,
        "members_changed": totals.members_changed,
        "totals": totals.rows(),
        "differences": [d.as_json() for d in differences],
    }
