"""Read-side use cases: a member's status and a claim's settlement, folded from the member's events.

The API and the CLI call these; they take the member's events from the member history read
model when it is current (``projections/history.py``), else from the event store, and hand them
to the one domain fold (``domain.entitlements.fold.fold_member``). Both sources hold the same
events, so the document is the same; only the time to read them differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Engine

from domain.entitlements.fold import MemberLedger, edition_finder
from domain.entitlements.status import RecordedFigures, status_document
from domain.errors import LedgerError
from domain.member_stream import RecordedEvent
from domain.policies import Edition
from projections.history import current_history
from projections.isolation import guarded_fold
from projections.store import LedgerApplication

#: Where a status document's events came from: the member history read model, or the member's stream.
Source = Literal["read-model", "stream"]

#: Shortest edition-hash prefix accepted where an edition is named by hash.
EDITION_HASH_PREFIX_LENGTH_MIN = 8


class UnknownMember(LedgerError):
    code = "unknown_member"


class UnknownClaim(LedgerError):
    code = "unknown_claim"


class UnknownEdition(LedgerError):
    code = "unknown_edition"


def find_edition(editions: Mapping[str, Edition], reference: str) -> Edition:
    """An edition by rule-set name, or by its content hash (full or a prefix of at least 8 hex digits)."""
    if reference in editions:
        return editions[reference]
    if len(reference) >= EDITION_HASH_PREFIX_LENGTH_MIN:
        found = [e for e in editions.values() if e.content_hash.startswith(reference.lower())]
        if len(found) == 1:
            return found[0]
    raise UnknownEdition(f"no edition {reference!r}: name one of {', '.join(sorted(editions))} or an edition hash")


def member_ledger(
    ledger: LedgerApplication,
    editions: Mapping[str, Edition],
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    edition: Edition | None = None,
) -> MemberLedger:
    return _fold(ledger.member_events(member_id), editions, member_id, as_of=as_of, known_at=known_at, edition=edition)


def _fold(
    events: list[RecordedEvent],
    editions: Mapping[str, Edition],
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    edition: Edition | None,
) -> MemberLedger:
    if not events:
        raise UnknownMember(f"no events recorded for member {member_id}")
    return guarded_fold(
        events, member_id=member_id, as_of=as_of, known_at=known_at, edition_for=edition_finder(editions, edition)
    )


def member_status(
    ledger: LedgerApplication,
    editions: Mapping[str, Edition],
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    edition: Edition | None = None,
) -> dict[str, Any]:
    """The status document v1 of the member on ``as_of`` as known at ``known_at``."""
    folded = member_ledger(ledger, editions, member_id, as_of=as_of, known_at=known_at, edition=edition)
    return status_document(folded, recorded_beside(ledger, folded))


def recorded_beside(ledger: LedgerApplication, folded: MemberLedger) -> dict[str, RecordedFigures]:
    """The member's recorded decisions, read only when a correction may have changed one (events retracted)."""
    if not folded.facts.retractions:
        return {}
    return {
        event.claim_id: RecordedFigures(
            claim_id=event.claim_id,
            claim_event_id=str(event.claim_event_id),
            status=event.status,
            fund_total_fen=event.fund_total_fen,
            member_pays_fen=event.member_pays_fen,
            layers_fen=event.layers_fen,
            decided_at=event.decided_at,
        )
        for event in ledger.member_settlements(folded.facts.member_id)
    }


def served_member_status(
    ledger: LedgerApplication,
    read_engine: Engine,
    editions: Mapping[str, Edition],
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    edition: Edition | None = None,
) -> tuple[dict[str, Any], Source]:
    """The status document, folded from the member history read model when current, else from the stream.

    Returns the document and where its events came from. The fold and the document are the same
    domain code either way (tested: equal documents over random populations and dates).
    """
    source: Source = "read-model"
    events = current_history(read_engine, ledger, member_id)
    if events is None:
        source, events = "stream", ledger.member_events(member_id)
    folded = _fold(events, editions, member_id, as_of=as_of, known_at=known_at, edition=edition)
    return status_document(folded, recorded_beside(ledger, folded)), source
