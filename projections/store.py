"""The event store: an eventsourcing Application, the one doorway for writes and stream reads.

``LedgerApplication.record_events`` appends a validated batch atomically (one transaction for
every member stream and event receipt it touches), idempotently by event_id, with optimistic
concurrency per member stream. ``member_events`` reads a member's stream back.

Persistence is eventsourcing's own: SQLite (the embedded default) or PostgreSQL, chosen by the
database URL (:func:`persistence_environment`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent, Transcoding
from eventsourcing.utils import get_topic

from domain.contract import AnyEvent, content_and_data
from domain.errors import ConcurrencyExhausted, ConflictingEventIds, EventIdConflict, FieldProblem, InvalidEvents
from domain.member_stream import (
    RETRACTION_TYPE,
    MemberStream,
    RecordedEvent,
    effective_order,
    member_stream_id,
    recorded_event,
    recorded_from_contract,
)
from domain.settlement import Settlement
from projections.batch_append import BatchState, PreparedEvent, batch_state, insert_rows, stored_rows
from projections.pg_recorder import RECORDER_TOPIC

#: How often a batch is retried when a concurrent writer advanced one of its member streams.
CONCURRENCY_ATTEMPTS_MAX = 16
#: Longest pause between two attempts; pauses grow exponentially with full jitter up to it.
CONCURRENCY_BACKOFF_S_MAX = 0.2

#: Most streams one bulk read (``member_streams``) asks for in one query.
STREAMS_PER_QUERY_MAX = 500

Outcome = Literal["stored", "duplicate"]


class DateAsISO(Transcoding):
    """``datetime.date`` as ``YYYY-MM-DD`` in stored events."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def persistence_environment(database_url: str) -> dict[str, str]:
    """eventsourcing's environment for a ``sqlite:///path`` or ``postgresql://…`` URL."""
    parts = urlsplit(database_url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite":
        path = unquote(database_url.split(":///", 1)[1]) if ":///" in database_url else ""
        if not path:
            raise ValueError("a SQLite database URL names a file: sqlite:///./ledger.db")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if scheme in ("postgresql", "postgres"):
        if not parts.path.strip("/"):
            raise ValueError("a PostgreSQL database URL names a database: postgresql://user:pw@host:5432/ledger")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # Test a pooled connection before use, so a restarted server costs one failed request, not many.
            "POSTGRES_PRE_PING": "y",
            # eventsourcing's recorder without pipeline mode, which deadlocked on 10,000-event batches; its
            # database-function insert takes no table lock, so projections would skip events (pg_recorder.py).
            "APPLICATION_RECORDER_TOPIC": RECORDER_TOPIC,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
        }
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}: use sqlite:/// or postgresql://")


@dataclass(frozen=True)
class BatchResult:
    """What happened to each event of a batch, in the batch's order."""

    outcomes: list[tuple[UUID, Outcome]]

    @property
    def stored_count(self) -> int:
        return sum(1 for _, outcome in self.outcomes if outcome == "stored")

    @property
    def duplicate_count(self) -> int:
        return sum(1 for _, outcome in self.outcomes if outcome == "duplicate")


class LedgerApplication(Application[UUID]):
    """Member streams and event receipts in one event store."""

    name = "Ledger"
    env: ClassVar[dict[str, str]] = {
        "COMPRESSOR_TOPIC": "",
        "CIPHER_TOPIC": "",
        # Recently used streams stay in memory; a get fast-forwards them from the store, so other
        # writers' events are never missed. Bounded (TIGER_STYLE: a limit on everything).
        "AGGREGATE_CACHE_MAXSIZE": "20000",
    }

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # ------------------------------------------------------------------ commands

    def record_events(self, events: Sequence[AnyEvent], *, now: datetime) -> BatchResult:
        """Store a validated batch: all new events in one transaction, or none.

        An event_id already stored with the same content (within this batch, in earlier
        batches, or by a concurrent writer) is a ``duplicate`` and not stored again; the same
        event_id with different content raises :class:`ConflictingEventIds` and stores nothing.
        ``now`` (aware, UTC) is the recorded time of events that do not carry one.
        """
        assert now.tzinfo is not None, "recorded times are aware UTC datetimes"
        outcomes: dict[int, Outcome] = {}
        # Each event serialised once: its content digest and its stored data come from the same dump
        # (a prepared event's were worked out where it was validated).
        contents: list[tuple[str, dict[str, Any] | str]] = [
            (e.digest, e.data_json) if e.__class__ is PreparedEvent else content_and_data(e)  # type: ignore[attr-defined]
            for e in events
        ]
        digests = [digest for digest, _ in contents]
        fresh = self._first_occurrences(events, digests, outcomes)
        member_ids = list(dict.fromkeys(events[index].member_id for index in fresh))
        event_ids = [events[index].event_id for index in fresh]
        # Only a batch carrying retractions needs its events by id (a retraction may name one of them).
        corrects = any(e.type == RETRACTION_TYPE for e in events)  # type: ignore[attr-defined]
        batch_events = {e.event_id: e for e in events} if corrects else {}
        for attempt in range(CONCURRENCY_ATTEMPTS_MAX):
            if attempt:
                time.sleep(random.uniform(0, min(CONCURRENCY_BACKOFF_S_MAX, 0.005 * 2**attempt)))
            # One read for the batch (stream versions, receipts), one write for its rows (batch_append.py).
            state = batch_state(self.recorder, self.mapper, member_ids, event_ids)
            # Judged after ``state`` is read, so against the stream the rows are appended to: a concurrent
            # registration or move committed since the caller's checks is seen here, or its version makes
            # the insert fail and the next attempt sees it.
            unstored = [index for index in fresh if events[index].event_id not in state.receipts]
            refusals = self._region_refusals(events, unstored, state)
            if refusals:
                raise InvalidEvents(refusals)
            pending: list[int] = []
            conflicts: list[EventIdConflict] = []
            streams: dict[str, MemberStream] = {}
            retracted_here: dict[UUID, UUID] = {}  # by a retraction earlier in this batch
            for index in fresh:
                event = events[index]
                receipt = state.receipts.get(event.event_id)
                if receipt is None:
                    if event.type == RETRACTION_TYPE:  # type: ignore[attr-defined]
                        # Rare: judged against the member's stream (what it holds, retracted or retracting).
                        stream = streams.get(event.member_id) or self._load_or_open(event.member_id)
                        streams[event.member_id] = stream
                        refusal = retraction_refusal(event, stream, batch=batch_events, earlier=retracted_here)
                        if refusal is not None:
                            refusals.append(
                                FieldProblem(index, str(event.event_id), "data.retracted_event_id", refusal)
                            )
                            continue
                        retracted_here[event.data.retracted_event_id] = event.event_id  # type: ignore[attr-defined]
                    pending.append(index)
                elif receipt.member_id == event.member_id and receipt.content_sha256 == digests[index]:
                    outcomes[index] = "duplicate"
                else:
                    where = "this member" if receipt.member_id == event.member_id else "another member"
                    conflicts.append(
                        EventIdConflict(
                            index, str(event.event_id), f"already stored for {where} with different content"
                        )
                    )
            if conflicts:
                raise ConflictingEventIds(conflicts)
            if refusals:
                raise InvalidEvents(refusals)
            if not pending:
                break
            rows = stored_rows(
                self.mapper,
                [events[i] for i in pending],
                [digests[i] for i in pending],
                state,
                now=now,
                data=[contents[i][1] for i in pending],
            )
            try:
                insert_rows(self.recorder, rows)
            except IntegrityError:
                # A concurrent writer advanced one of the streams or took one of the event_ids: read again.
                fresh = pending
                continue
            for index in pending:
                outcomes[index] = "stored"
            break
        else:
            raise ConcurrencyExhausted(
                f"member streams kept changing under {CONCURRENCY_ATTEMPTS_MAX} attempts; retry the batch"
            )
        return BatchResult([(events[i].event_id, outcomes[i]) for i in range(len(events))])

    def _region_refusals(
        self, events: Sequence[AnyEvent], fresh: Sequence[int], state: BatchState
    ) -> list[FieldProblem]:
        """Registrations into another region than the stored one, and moves from a region the member is not in.

        Only a batch registering a member whose stream exists, or moving one, reads streams here; a new
        member's registrations are checked within the batch by the caller, and a concurrent first write
        of the same member makes this batch's insert fail, so its next attempt reads the stream. ``fresh`` holds
        the events not stored yet: an event already stored is a duplicate (or a conflict), never refused here.
        """
        versions = state.versions
        registers = any(
            events[i].type == "MemberRegistered" and versions.get(events[i].member_id, 0) > 0  # type: ignore[attr-defined]
            for i in fresh
        )
        moves = any(events[i].type == "MemberTransferred" for i in fresh)  # type: ignore[attr-defined]
        if not (registers or moves):
            return []
        from projections.access import registration_conflicts

        refusals = registration_conflicts(self, events) if registers else []
        refusals += move_refusals(self, events) if moves else []
        return [p for p in refusals if p.event_id is None or UUID(p.event_id) not in state.receipts]

    def record_settlement(self, settlement: Settlement, *, decided_at: datetime) -> tuple[dict[str, Any], bool]:
        """Append the decision on a claim to the member's stream, once per claim_id.

        Returns the recorded settlement document and whether this call recorded it (False: the
        claim had been decided before, and that decision is returned unchanged).
        """
        document = settlement.as_json()
        for attempt in range(CONCURRENCY_ATTEMPTS_MAX):
            if attempt:
                time.sleep(random.uniform(0, min(CONCURRENCY_BACKOFF_S_MAX, 0.005 * 2**attempt)))
            stream = self._load_or_open(settlement.member_id)
            if stream.decided(settlement.claim_id):
                return stream.settled_claims[settlement.claim_id], False
            stream.record_settlement(
                claim_id=settlement.claim_id,
                claim_event_id=UUID(settlement.event_id),
                edition_name=settlement.edition.name if settlement.edition else None,
                edition_hash=settlement.edition.content_hash if settlement.edition else None,
                status=settlement.status,
                layers_fen=settlement.layers_fen,
                fund_total_fen=settlement.fund_total_fen,
                member_pays_fen=settlement.member_pays_fen,
                reasons=settlement.reasons,
                decided_at=decided_at,
                document=document,
            )
            try:
                self.save(stream)
            except IntegrityError:
                continue
            return document, True
        raise ConcurrencyExhausted(f"claim {settlement.claim_id}: the member stream kept changing; retry")

    def member_settlements(self, member_id: str) -> list[MemberStream.ClaimSettled]:
        """The decisions recorded on the member's claims, in the order they were made."""
        return [e for e in self.events.get(member_stream_id(member_id)) if isinstance(e, MemberStream.ClaimSettled)]

    @staticmethod
    def _first_occurrences(
        events: Sequence[AnyEvent], digests: Sequence[str], outcomes: dict[int, Outcome]
    ) -> list[int]:
        """Indexes of each event_id's first occurrence; repeats in the batch are duplicates or conflicts."""
        first: dict[UUID, tuple[int, str]] = {}
        fresh: list[int] = []
        conflicts: list[EventIdConflict] = []
        for index, event in enumerate(events):
            digest = digests[index]
            seen = first.get(event.event_id)
            if seen is None:
                first[event.event_id] = (index, digest)
                fresh.append(index)
            elif seen[1] == digest:
                outcomes[index] = "duplicate"
            else:
                conflicts.append(
                    EventIdConflict(
                        index,
                        str(event.event_id),
                        f"event #{seen[0]} of this batch has this event_id with different content",
                    )
                )
        if conflicts:
            raise ConflictingEventIds(conflicts)
        return fresh

    def _load_or_open(self, member_id: str) -> MemberStream:
        try:
            stream = self.repository.get(member_stream_id(member_id))
        except AggregateNotFoundError:
            return MemberStream.open(member_id)
        assert isinstance(stream, MemberStream)
        return stream

    # ------------------------------------------------------------------ queries

    def member_events(
        self,
        member_id: str,
        *,
        occurred_from: date | None = None,
        occurred_to: date | None = None,
    ) -> list[RecordedEvent]:
        """The member's events in effective-date order, optionally within [from, to] (inclusive)."""
        found: list[RecordedEvent] = []
        for stored in self.events.get(member_stream_id(member_id)):
            if not isinstance(stored, MemberStream.EventRecorded):
                continue
            if occurred_from is not None and stored.occurred_on < occurred_from:
                continue
            if occurred_to is not None and stored.occurred_on > occurred_to:
                continue
            found.append(recorded_event(stored, member_id=member_id))
        return effective_order(found)

    def member_streams(self, member_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        """Several members' events in one query, each list exactly as :meth:`member_events` gives it.

        For bulk readers (replays): one round trip for many streams instead of one per member.
        """
        return {member_id: events for member_id, (_, events) in self.stream_snapshots(member_ids).items()}

    def stream_snapshots(self, member_ids: Sequence[str]) -> dict[str, tuple[int, list[RecordedEvent]]]:
        """Several members' stream versions and events (as :meth:`member_streams`), in one query a few hundred."""
        members = {member_stream_id(member_id): member_id for member_id in member_ids}
        found: dict[str, list[RecordedEvent]] = {member_id: [] for member_id in member_ids}
        versions: dict[str, int] = dict.fromkeys(member_ids, 0)
        ids = list(members)
        stored_events = (
            stored
            for start in range(0, len(ids), STREAMS_PER_QUERY_MAX)
            for stored in _select_streams(self.recorder, ids[start : start + STREAMS_PER_QUERY_MAX])
        )
        recorded_topic = get_topic(MemberStream.EventRecorded)
        decode = self.mapper.transcoder.decode
        plain = not (self.mapper.compressor or self.mapper.cipher)
        for stored in stored_events:
            member_id = members[stored.originator_id]
            versions[member_id] = max(versions[member_id], stored.originator_version)
            if stored.topic != recorded_topic:
                continue  # the stream's opening, claim decisions: not contract events
            # Decode the stored JSON once, straight into the read form; eventsourcing's mapper (an event
            # object per row, then a copy) only for what needs its upcasting or decryption.
            state = decode(stored.state) if plain else None
            if state is None or "class_version" in state:
                event = self.mapper.to_domain_event(stored)
                assert isinstance(event, MemberStream.EventRecorded)
                found[member_id].append(recorded_event(event, member_id=member_id))
                continue
            found[member_id].append(
                RecordedEvent(
                    event_id=state["event_id"],
                    member_id=member_id,
                    type=state["event_type"],
                    occurred_on=state["occurred_on"],
                    recorded_at=state["recorded_at"],
                    source=state["source"],
                    data=state["data"],
                    content_sha256=state["content_sha256"],
                    contract_version=state["contract_version"],
                    stream_position=stored.originator_version,
                )
            )
        return {member_id: (versions[member_id], effective_order(found[member_id])) for member_id in member_ids}

    def member_exists(self, member_id: str) -> bool:
        return any(True for _ in self.events.get(member_stream_id(member_id), limit=1))

    def ping(self) -> dict[str, Any]:
        """Touch the store (for /healthz): the newest notification id."""
        return {"max_notification_id": self.recorder.max_notification_id() or 0}


def retraction_refusal(
    event: AnyEvent,
    stream: MemberStream,
    *,
    batch: Mapping[UUID, AnyEvent],
    earlier: Mapping[UUID, UUID] | None = None,
) -> str | None:
    """Why the retraction ``event`` cannot be true of ``stream`` (with the rest of its batch), or None.

    A retraction names an event of the same member, recorded before or in the same batch, that is
    neither a retraction itself nor retracted already. An event of another member is answered like
    an unknown one: the reason never tells whether some other member has that event_id.
    """
    target: UUID = event.data.retracted_event_id  # type: ignore[attr-defined]
    if target in stream.retraction_ids:
        return f"{target} is a retraction; a retraction cannot be retracted (post the event again instead)"
    if target in stream.retracted_by:
        return f"{target} was already retracted by {stream.retracted_by[target]}"
    if earlier and target in earlier:
        return f"{target} was already retracted by {earlier[target]}"
    if target in stream.content_by_event_id:
        return None
    in_batch = batch.get(target)
    if in_batch is None or in_batch.member_id != event.member_id:
        return f"no event {target} is recorded for member {event.member_id}"
    if in_batch.type == RETRACTION_TYPE:  # type: ignore[attr-defined]
        return f"{target} is a retraction; a retraction cannot be retracted (post the event again instead)"
    return None  # an event of the same batch, retracted as it arrives


def _select_streams(recorder: Any, stream_ids: list[UUID]) -> list[StoredEvent]:
    """The stored events of several streams, by stream then version (eventsourcing's tables and connections)."""
    if not stream_ids:
        return []
    from eventsourcing.postgres import PostgresApplicationRecorder

    if isinstance(recorder, PostgresApplicationRecorder):
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
            " WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(statement, [stream_ids])
            return [StoredEvent(i, v, t, bytes(state)) for i, v, t, state in cursor.fetchall()]
    placeholders = ", ".join("?" * len(stream_ids))
    statement = (
        f"SELECT * FROM {recorder.events_table_name} WHERE originator_id IN ({placeholders}) "
        "ORDER BY originator_id, originator_version"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, [stream_id.hex for stream_id in stream_ids])
        return [
            StoredEvent(
                recorder.convert_originator_id(row["originator_id"]),
                row["originator_version"],
                row["topic"],
                row["state"],
            )
            for row in cursor.fetchall()
        ]


def ingest(
    application: LedgerApplication,
    events: Sequence[AnyEvent],
    *,
    now: datetime,
    historical_import: bool,
    index_offset: int = 0,
) -> BatchResult:
    """Store validated events, enforcing who may set ``recorded_at``.

    Only historical imports may carry a client ``recorded_at``, and never one after ``now``:
    the recorded time is the ledger's, so bitemporal queries (known_at) stay honest.
    """
    problems = []
    for index, event in enumerate(events):
        if event.recorded_at is None:
            continue
        if not historical_import:
            reason = "may be sent only by historical imports (ledger import, or POST /v1/events?historical_import=true)"
        elif event.recorded_at > now:
            reason = f"{event.recorded_at.isoformat()} is in the future"
        else:
            continue
        problems.append(FieldProblem(index_offset + index, str(event.event_id), "recorded_at", reason))
    problems += move_refusals(application, events, index_offset=index_offset)
    if problems:
        raise InvalidEvents(problems)
    return application.record_events(events, now=now)


def move_refusals(
    application: LedgerApplication, events: Sequence[AnyEvent], *, index_offset: int = 0
) -> list[FieldProblem]:
    """Moves (``MemberTransferred``) that cannot be true: from a region the member is not in the day before.

    The member's region is the one access decides (``projections.access.member_region``) from the stored
    events and the batch's earlier events; a member with no known region is not checked.
    """
    moves = [(index, event) for index, event in enumerate(events) if event.type == "MemberTransferred"]  # type: ignore[attr-defined]
    if not moves:
        return []
    from projections.access import member_region

    # The member's earlier events of the batch are read as stored events: from the contract events themselves.
    events = [e.event if e.__class__ is PreparedEvent else e for e in events]  # type: ignore[attr-defined]
    moves = [(index, events[index]) for index, _ in moves]

    stored = application.member_streams(sorted({event.member_id for _, event in moves}))
    problems: list[FieldProblem] = []
    for index, move in moves:
        before = [
            recorded_from_contract(e, recorded_at=datetime.now(UTC), stream_position=10**9 + position)
            for position, e in enumerate(events[:index])
            if e.member_id == move.member_id
        ]
        data = move.data  # type: ignore[attr-defined]
        region = member_region([*stored[move.member_id], *before], on=data.transferred_on - timedelta(days=1))
        if region is not None and region != data.from_region.value:
            problems.append(
                FieldProblem(
                    index_offset + index,
                    str(move.event_id),
                    "data.from_region",
                    f"member {move.member_id} is in region {region} before {data.transferred_on}, not "
                    f"{data.from_region.value}",
                )
            )
    return problems


#: pg_advisory_lock key serialising schema changes (event-store tables, read-model migrations) across processes.
SCHEMA_LOCK_KEY = 0x1ED6E250C4E3A


@contextmanager
def schema_lock(database_url: str) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock while the schema is created or migrated (a no-op on SQLite).

    eventsourcing runs its CREATE statements on every open, and Alembic its revisions on every start:
    processes starting together (serve, project, workers) would run them concurrently and fail with
    "tuple concurrently updated" (found by the soak). One at a time, the later ones find nothing to do.
    """
    if not database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        yield
        return
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def open_store(database_url: str) -> LedgerApplication:
    """The event store at ``database_url`` (its tables created by eventsourcing on first use, one process at a
    time): the one way the service, the CLI and the workers open it."""
    environment = persistence_environment(database_url)
    environment["CREATE_TABLE"] = "y"
    with schema_lock(database_url):
        return LedgerApplication(env=environment)
