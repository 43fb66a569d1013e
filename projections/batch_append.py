"""Appending a validated batch below the aggregate level: one read for its state, one write for its rows.

``LedgerApplication.record_events`` used to load every touched member stream as an aggregate
(``repository.get``, one query a member, every stored event decoded and applied) and to save
them through eventsourcing's ``Application.save``. A batch only needs two facts from the store:
each touched stream's current version (where its new events go) and the receipts already issued
for its event_ids (duplicates and conflicts). :func:`batch_state` reads both in one query (a few
hundred streams a query); :func:`stored_rows` builds the new stored events with eventsourcing's own
event classes and mapper — exactly what ``MemberStream.record`` and ``EventReceipt.issue`` would
save, so every reader decodes them unchanged — and :func:`insert_rows` writes them in one
transaction: eventsourcing's recorder on SQLite, ``COPY`` behind the table lock on PostgreSQL
(``LedgerPostgresRecorder.append_rows``).

The guarantees stay the store's: a stream version already taken (a concurrent writer advanced the
stream) or a receipt already issued (a concurrent writer stored the event_id) violates the events
table's primary key, the transaction stores nothing, and the caller reads the state again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Mapper, OperationalError, StoredEvent
from eventsourcing.utils import get_topic, retry

from domain.contract import CONTRACT_VERSION, AnyEvent, event_data_json
from domain.member_stream import EventReceipt, MemberStream, event_receipt_id, member_stream_id

#: Most ids one state query asks about (SQLite's bound-parameter limit is far above it).
IDS_PER_QUERY_MAX = 500

_MEMBER_STREAM_TOPIC = get_topic(MemberStream)
_RECEIPT_TOPIC = get_topic(EventReceipt)


@dataclass(frozen=True)
class Receipt:
    """An issued event receipt: which member took the event_id, for which content."""

    member_id: str
    content_sha256: str


@dataclass(frozen=True)
class BatchState:
    """The store's state for one batch: stream versions by member_id (0: not opened), receipts by event_id."""

    versions: dict[str, int]
    receipts: dict[UUID, Receipt]
    #: event_id → its receipt's id (uuid5, computed once a batch).
    receipt_ids: dict[UUID, UUID]


def batch_state(
    recorder: Any, mapper: Mapper[UUID], member_ids: Sequence[str], event_ids: Sequence[UUID]
) -> BatchState:
    """Current versions of the members' streams and the receipts of the event_ids, in one query a few hundred."""
    streams = {member_stream_id(member_id): member_id for member_id in member_ids}
    receipt_ids = {event_receipt_id(event_id): event_id for event_id in event_ids}
    versions = dict.fromkeys(member_ids, 0)
    receipts: dict[UUID, Receipt] = {}
    stream_ids, receipt_list = list(streams), list(receipt_ids)
    for start in range(0, max(len(stream_ids), len(receipt_list)), IDS_PER_QUERY_MAX):
        rows = _select_state(
            recorder, stream_ids[start : start + IDS_PER_QUERY_MAX], receipt_list[start : start + IDS_PER_QUERY_MAX]
        )
        for originator_id, version, topic, state in rows:
            if originator_id in streams:
                versions[streams[originator_id]] = version
                continue
            issued = mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))
            assert isinstance(issued, EventReceipt.Issued)
            receipts[issued.event_id] = Receipt(issued.member_id, issued.content_sha256)
    return BatchState(versions, receipts, {event_id: receipt_id for receipt_id, event_id in receipt_ids.items()})


def stored_rows(
    mapper: Mapper[UUID],
    events: Sequence[AnyEvent],
    digests: Sequence[str],
    state: BatchState,
    *,
    now: datetime,
) -> list[StoredEvent]:
    """The stored events of new contract events: a stream opening for a member without one, then each
    event appended to its member's stream, and its receipt (what the aggregates would have saved)."""
    timestamp = MemberStream.Event.create_timestamp()
    next_version = dict(state.versions)
    stream_ids: dict[str, UUID] = {}
    rows: list[StoredEvent] = []
    for event, digest in zip(events, digests, strict=True):
        member_id = event.member_id
        stream_id = stream_ids.get(member_id) or stream_ids.setdefault(member_id, member_stream_id(member_id))
        version = next_version.get(member_id, 0)
        if version == 0:
            version = 1
            rows.append(
                mapper.to_stored_event(
                    MemberStream.Opened(  # type: ignore[call-arg]  # eventsourcing makes event classes dataclasses
                        originator_id=stream_id,
                        originator_version=1,
                        timestamp=timestamp,
                        originator_topic=_MEMBER_STREAM_TOPIC,
                        member_id=member_id,
                    )
                )
            )
        version += 1
        next_version[member_id] = version
        rows.append(
            mapper.to_stored_event(
                MemberStream.EventRecorded(  # type: ignore[call-arg]  # eventsourcing makes event classes dataclasses
                    originator_id=stream_id,
                    originator_version=version,
                    timestamp=timestamp,
                    event_id=event.event_id,
                    event_type=event.type,  # type: ignore[attr-defined]
                    occurred_on=event.occurred_on,
                    recorded_at=(event.recorded_at or now).astimezone(UTC),
                    source=event.source,
                    data=event_data_json(event),
                    content_sha256=digest,
                    contract_version=CONTRACT_VERSION,
                )
            )
        )
        rows.append(
            mapper.to_stored_event(
                EventReceipt.Issued(  # type: ignore[call-arg]  # eventsourcing makes event classes dataclasses
                    originator_id=state.receipt_ids[event.event_id],
                    originator_version=1,
                    timestamp=timestamp,
                    originator_topic=_RECEIPT_TOPIC,
                    event_id=event.event_id,
                    member_id=member_id,
                    content_sha256=digest,
                )
            )
        )
    return rows


def insert_rows(recorder: Any, rows: Sequence[StoredEvent]) -> None:
    """Insert the rows in one transaction, all or none (eventsourcing's IntegrityError on a taken key)."""
    append = getattr(recorder, "append_rows", None)
    if append is not None:
        append(rows)
    else:
        recorder.insert_events(rows)


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def _select_state(recorder: Any, stream_ids: list[UUID], receipt_ids: list[UUID]) -> list[tuple[UUID, int, str, bytes]]:
    """(id, version, topic, state) of each stream's newest version (state empty) and of each receipt.

    Retried like eventsourcing's own reads, so a restarted server costs a pause, not a failed batch."""
    from eventsourcing.postgres import PostgresApplicationRecorder

    if isinstance(recorder, PostgresApplicationRecorder):
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "SELECT originator_id, max(originator_version) AS v, NULL AS topic, NULL::bytea AS state FROM {t}"
            " WHERE originator_id = ANY(%s) GROUP BY originator_id"
            " UNION ALL SELECT originator_id, originator_version, topic, state FROM {t} WHERE originator_id = ANY(%s)"
        ).format(t=SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)))
        with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement, [stream_ids, receipt_ids])
            return [
                (row["originator_id"], row["v"], row["topic"], bytes(row["state"] or b"")) for row in cursor.fetchall()
            ]
    table = recorder.events_table_name
    streams = ", ".join("?" * len(stream_ids)) or "NULL"
    receipts = ", ".join("?" * len(receipt_ids)) or "NULL"
    sql = (
        f"SELECT originator_id, max(originator_version) AS v, NULL AS topic, NULL AS state FROM {table}"
        f" WHERE originator_id IN ({streams}) GROUP BY originator_id"
        f" UNION ALL SELECT originator_id, originator_version, topic, state FROM {table}"
        f" WHERE originator_id IN ({receipts})"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(sql, [i.hex for i in stream_ids] + [i.hex for i in receipt_ids])
        return [
            (recorder.convert_originator_id(row["originator_id"]), row["v"], row["topic"], row["state"] or b"")
            for row in cursor.fetchall()
        ]
