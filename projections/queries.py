"""Read-side use cases: a member's status and a claim's settlement, folded from the member's events.

The API and the CLI call these; they take the member's events from the member history read
model when it is current (``projections/history.py``), else from the event store, and hand them
to the one domain fold (``domain.entitlements.fold.fold_member``). Both sources hold the same
events, so the document is the same; only the time to read them differs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from datetime import date, datetime
from typing import Any, Literal
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from domain.entitlements.fold import MemberLedger, edition_finder
from domain.entitlements.status import RecordedFigures, as_known_at, known_at_independent, status_document
from domain.errors import LedgerError
from domain.member_stream import RecordedEvent
from domain.policies import Edition
from projections.history import decode_history, history_at_version
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
    domain code either way (tested: equal documents over random populations and dates). A document
    that every later ``known_at`` would give alike (every event recorded by then, none retracted) is
    kept per member stream version (:class:`StatusCache`): a query of the same member, ``as_of`` and
    editions at the same stream version is then answered without folding, restated at its own ``known_at``.
    The document is shared with the kept one: callers read it, never change it.
    """
    version, history = history_at_version(read_engine, ledger, member_id)
    source: Source = "read-model" if history is not None else "stream"
    cache = status_cache(ledger)
    key = _status_key(editions, member_id, as_of=as_of, edition=edition)
    if version is not None:
        cached = cache.get(key, version, known_at)
        if cached is not None:
            return cached, source
    if history is not None:
        events = decode_history(history, member_id=member_id)
    else:
        version, events = ledger.stream_snapshots([member_id])[member_id]
    folded = _fold(events, editions, member_id, as_of=as_of, known_at=known_at, edition=edition)
    document = status_document(folded, recorded_beside(ledger, folded))
    if version and known_at_independent(folded, events):
        cache.put(key, version, max(event.recorded_at for event in events), document)
    return document, source


#: Status documents a process keeps per event store, least recently used out first when full: a Bazhong
#: member's document of 5 years takes about 50 KB in memory (measured), so about 50 MB when full.
STATUS_CACHE_ENTRIES_MAX = 1024


class StatusCache:
    """Status documents by (editions, member, ``as_of``) with the member stream version they were folded at.

    Streams are append-only, so a stream at the same version holds the same events; a document is
    kept only when it holds for every later ``known_at`` (:func:`known_at_independent`), and is served
    restated at the query's ``known_at`` (:func:`as_known_at`) to queries that see all of its events.
    A new event (or recorded decision) moves the version: the kept document is then never served again.
    """

    def __init__(self, entries_max: int = STATUS_CACHE_ENTRIES_MAX) -> None:
        self.entries_max = entries_max
        self._entries: OrderedDict[Hashable, tuple[int, datetime, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int, known_at: datetime) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version or known_at < entry[1]:
                return None  # another stream version, or a horizon before the latest event: folded again
            self._entries.move_to_end(key)
        return as_known_at(entry[2], known_at)

    def put(self, key: Hashable, version: int, latest_recorded_at: datetime, document: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = (version, latest_recorded_at, document)
            self._entries.move_to_end(key)
            while len(self._entries) > self.entries_max:
                self._entries.popitem(last=False)


_status_caches: WeakKeyDictionary[LedgerApplication, StatusCache] = WeakKeyDictionary()
_status_caches_lock = threading.Lock()


def status_cache(ledger: LedgerApplication) -> StatusCache:
    """The status documents kept for one event store (one cache per open store, gone with it)."""
    with _status_caches_lock:
        cache = _status_caches.get(ledger)
        if cache is None:
            cache = _status_caches[ledger] = StatusCache()
        return cache


def _status_key(editions: Mapping[str, Edition], member_id: str, *, as_of: date, edition: Edition | None) -> Hashable:
    return (
        member_id,
        as_of,
        None if edition is None else edition.content_hash,
        tuple((name, found.content_hash) for name, found in editions.items()),
    )
