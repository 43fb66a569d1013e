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

import hashlib
import json
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.persistence import InterfaceError, JSONTranscoder, Mapper, OperationalError, StoredEvent
from eventsourcing.utils import get_topic, retry

from domain.contract import CONTRACT_VERSION, AnyEvent, content_and_data, event_data_json, parse_event
from domain.member_stream import EVENT_RECEIPT_NAMESPACE, MEMBER_STREAM_NAMESPACE, EventReceipt, MemberStream

#: Most ids one state query asks about (SQLite's bound-parameter limit is far above it).
IDS_PER_QUERY_MAX = 500

_MEMBER_STREAM_TOPIC = get_topic(MemberStream)
_RECEIPT_TOPIC = get_topic(EventReceipt)
#: The stored events' own topics (what the mapper writes in the topic column).
_OPENED_TOPIC = get_topic(MemberStream.Opened)
_RECORDED_TOPIC = get_topic(MemberStream.EventRecorded)
_ISSUED_TOPIC = get_topic(EventReceipt.Issued)


def uuid5_in(namespace: UUID) -> Callable[[str], UUID]:
    """``uuid.uuid5(namespace, name)`` as a function of the name, with the namespace's hash state kept: the same
    ids (RFC 4122 version 5, SHA-1 of the namespace's bytes and the name's UTF-8), in half the time."""
    prefix = hashlib.sha1(namespace.bytes, usedforsecurity=False)
    keep = ~(0xF000 << 64) & ~(0xC000 << 48)  # clear the version and variant bits …
    mark = (5 << 76) | (0x8000 << 48)  # … and set version 5, variant RFC 4122

    def uuid5(name: str) -> UUID:
        digest = prefix.copy()
        digest.update(name.encode("utf-8"))
        return UUID(int=int.from_bytes(digest.digest()[:16], "big") & keep | mark)

    return uuid5


#: The JSON encoder of eventsourcing's JSON transcoder, as every ``JSONTranscoder`` builds it. A prepared
#: event's data (plain JSON values: the transcoder's own types never occur in it) is encoded with it where
#: it is prepared, possibly in another process, and written as it is when the store's mapper is such a
#: transcoder (:class:`DirectEncoding`).
_DATA_ENCODER = JSONTranscoder().encoder


class PreparedEvent:
    """A validated contract event in the form the store path writes: its envelope, content digest and data
    JSON, worked out once (by ``ledger import``'s validating pass, in worker processes) and stored later.

    It stands in for the event object on the append path: ``record_events`` takes the digest and data as
    they are, and the few checks that read an event's data (a retraction's target, a registration's or a
    move's regions) get it from :attr:`data`, which validates the stored form again when first asked.
    Picklable as a tuple of plain values (:meth:`as_tuple`, :meth:`from_tuple`).
    """

    __slots__ = (
        "_event",
        "data_json",
        "digest",
        "event_id",
        "member_id",
        "occurred_on",
        "recorded_at",
        "source",
        "type",
    )

    def __init__(
        self,
        event_id: UUID,
        member_id: str,
        type: str,
        occurred_on: date,
        recorded_at: datetime | None,
        source: str | None,
        digest: str,
        data_json: str,
    ) -> None:
        self.event_id, self.member_id, self.type = event_id, member_id, type
        self.occurred_on, self.recorded_at, self.source = occurred_on, recorded_at, source
        self.digest, self.data_json = digest, data_json
        self._event: AnyEvent | None = None

    @classmethod
    def of(cls, event: AnyEvent) -> PreparedEvent:
        digest, data = content_and_data(event)
        prepared = cls(
            event.event_id,
            event.member_id,
            event.type,  # type: ignore[attr-defined]
            event.occurred_on,
            event.recorded_at,
            event.source,
            digest,
            _DATA_ENCODER.encode(data),
        )
        prepared._event = event
        return prepared

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.event_id.bytes,
            self.member_id,
            self.type,
            self.occurred_on,
            self.recorded_at,
            self.source,
            self.digest,
            self.data_json,
        )

    @classmethod
    def from_tuple(cls, values: tuple[Any, ...]) -> PreparedEvent:
        event_id, *rest = values
        return cls(UUID(bytes=event_id), *rest)

    @property
    def event(self) -> AnyEvent:
        """The contract event again (validated from the stored form), for the checks that read its data."""
        if self._event is None:
            raw: dict[str, Any] = {
                "event_id": str(self.event_id),
                "member_id": self.member_id,
                "type": self.type,
                "occurred_on": self.occurred_on.isoformat(),
                "data": json.loads(self.data_json),
            }
            if self.recorded_at is not None:
                raw["recorded_at"] = self.recorded_at.isoformat()
            if self.source is not None:
                raw["source"] = self.source
            self._event = parse_event(raw)
        return self._event

    @property
    def data(self) -> Any:
        return self.event.data


#: :func:`~domain.member_stream.event_receipt_id` of an event_id's canonical text.
receipt_id = uuid5_in(EVENT_RECEIPT_NAMESPACE)
#: :func:`~domain.member_stream.member_stream_id` of a member_id.
stream_id_of = uuid5_in(MEMBER_STREAM_NAMESPACE)


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
    #: member_id → its stream's id (uuid5, computed once a batch).
    stream_ids: dict[str, UUID] = field(default_factory=dict)


def batch_state(
    recorder: Any, mapper: Mapper[UUID], member_ids: Sequence[str], event_ids: Sequence[UUID]
) -> BatchState:
    """Current versions of the members' streams and the receipts of the event_ids, in one query a few hundred."""
    streams = {stream_id_of(member_id): member_id for member_id in member_ids}
    receipt_ids = {receipt_id(str(event_id)): event_id for event_id in event_ids}
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
    return BatchState(
        versions,
        receipts,
        {event_id: receipt for receipt, event_id in receipt_ids.items()},
        {member_id: stream for stream, member_id in streams.items()},
    )


def stored_rows(
    mapper: Mapper[UUID],
    events: Sequence[AnyEvent],
    digests: Sequence[str],
    state: BatchState,
    *,
    now: datetime,
    data: Sequence[dict[str, Any] | str] | None = None,
    timestamp: datetime | None = None,
) -> list[StoredEvent]:
    """The stored events of new contract events: a stream opening for a member without one, then each
    event appended to its member's stream, and its receipt (what the aggregates would have saved).

    ``data``: each event's :func:`~domain.contract.event_data_json`, when the caller has it already
    (:func:`~domain.contract.content_and_data`), or its JSON text (:class:`PreparedEvent`). ``timestamp``:
    the events' creation time (now).

    With eventsourcing's JSON transcoder and neither compressor nor cipher, the stored bytes are written
    directly (:class:`DirectEncoding`) — byte for byte what the mapper writes for the same event objects,
    checked against the mapper once per mapper; otherwise each event object goes through the mapper.
    """
    timestamp = timestamp or MemberStream.Event.create_timestamp()
    if data is None:
        data = [event_data_json(event) for event in events]
    direct = DirectEncoding.of(mapper)
    if direct is not None:
        return direct.rows(mapper, events, digests, data, state, now=now, timestamp=timestamp)
    # A prepared event's data is JSON text already; the mapper takes it as the values it encodes.
    values = [json.loads(d) if isinstance(d, str) else d for d in data]
    return _mapper_rows(mapper, events, digests, values, state, now=now, timestamp=timestamp)


def _stream_positions(events: Sequence[AnyEvent], state: BatchState) -> Iterator[tuple[AnyEvent, UUID, int, bool]]:
    """Each event with its member's stream id, its version there, and whether the stream opens before it."""
    next_version = dict(state.versions)
    stream_ids = dict(state.stream_ids)
    for event in events:
        member_id = event.member_id
        stream_id = stream_ids.get(member_id) or stream_ids.setdefault(member_id, stream_id_of(member_id))
        version = next_version.get(member_id, 0)
        opens = version == 0
        version += 2 if opens else 1
        next_version[member_id] = version
        yield event, stream_id, version, opens


def _mapper_rows(
    mapper: Mapper[UUID],
    events: Sequence[AnyEvent],
    digests: Sequence[str],
    data: Sequence[dict[str, Any]],
    state: BatchState,
    *,
    now: datetime,
    timestamp: datetime,
) -> list[StoredEvent]:
    """The rows through eventsourcing's event objects and mapper (any transcoder, compressor, cipher)."""
    rows: list[StoredEvent] = []
    for (event, stream_id, version, opens), digest, event_data in zip(
        _stream_positions(events, state), digests, data, strict=True
    ):
        if opens:
            rows.append(
                mapper.to_stored_event(
                    MemberStream.Opened(  # type: ignore[call-arg]  # eventsourcing makes event classes dataclasses
                        originator_id=stream_id,
                        originator_version=1,
                        timestamp=timestamp,
                        originator_topic=_MEMBER_STREAM_TOPIC,
                        member_id=event.member_id,
                    )
                )
            )
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
                    data=event_data,
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
                    member_id=event.member_id,
                    content_sha256=digest,
                )
            )
        )
    return rows


class DirectEncoding:
    """The three stored events of the append path written as JSON text directly, without event objects.

    eventsourcing's mapper stores an event as its JSON transcoder's encoding of the event's attributes
    in their declared order (``vars(event)`` without ``originator_id`` and ``originator_version``), a
    UUID as ``{"_type_":"uuid_hex","_data_":hex}``, a datetime and a date as their ISO text under
    ``datetime_iso`` and ``date_iso``, everything else as JSON (compact, UTF-8 unescaped). The templates
    below spell that out; strings and ``data`` go through the transcoder's own JSON encoder. Whether the
    templates still are the mapper's encoding is checked once per mapper (:meth:`of`) on sample events
    holding every kind of value; a mapper they do not match (another transcoder, a compressor, a cipher,
    a library version storing events differently) keeps the mapper's path.
    """

    #: Each mapper's answer, found once (kept no longer than the mapper).
    _checked: ClassVar[weakref.WeakKeyDictionary[Mapper[UUID], DirectEncoding | None]] = weakref.WeakKeyDictionary()

    def __init__(self, encode: Any) -> None:
        self._encode = encode  # the transcoder's json.JSONEncoder.encode
        self._string = json.encoder.encode_basestring  # what that encoder writes for a str (ensure_ascii off)

    @classmethod
    def of(cls, mapper: Mapper[UUID]) -> DirectEncoding | None:
        """The direct encoding for this mapper, if it writes exactly what the mapper writes; else None."""
        if mapper in cls._checked:
            return cls._checked[mapper]
        direct: DirectEncoding | None = None
        transcoder = mapper.transcoder
        if type(transcoder) is JSONTranscoder and not mapper.compressor and not mapper.cipher:
            direct = cls(transcoder.encoder.encode)
            if not direct._matches(mapper):
                direct = None
        cls._checked[mapper] = direct
        return direct

    def _matches(self, mapper: Mapper[UUID]) -> bool:
        from domain.contract import content_and_data, parse_event

        samples = [
            {
                "event_id": "4be66a54-f6f8-5d58-b1f3-a52175e517cb",
                "member_id": "DIRECT-CHECK-1",
                "type": "MemberRegistered",
                "occurred_on": "2020-02-29",
                "source": '医保 "批量" \\ ✓',
                "data": {"region": "bazhong", "birth_date": "1960-01-01", "sex": "F"},
            },
            {
                "event_id": "0f6a4c1e-2b9d-4e37-9a51-7c3e8d2f6b10",
                "member_id": "DIRECT-CHECK-2",
                "type": "ClaimSubmitted",
                "occurred_on": "2021-05-10",
                "recorded_at": "2022-01-01T08:00:00.000001+08:00",
                "data": {
                    "claim_id": "C-1",
                    "admitted_on": "2021-05-01",
                    "discharged_on": "2021-05-10",
                    "setting": "inpatient",
                    "facility_level": "community",
                    "location": "local",
                    "flags": ["cancer"],
                    "total_amount": "4500.5",
                    "policy_amount": "4200.5",
                    "out_of_scope": "300.00",
                    "pre_self_pay": "0",
                },
            },
        ]
        events = [parse_event(sample) for sample in samples]
        contents = [content_and_data(event) for event in events]
        digests, data = [c[0] for c in contents], [c[1] for c in contents]
        state = BatchState({"DIRECT-CHECK-1": 0, "DIRECT-CHECK-2": 7}, {}, {e.event_id: uuid4() for e in events})
        now = datetime(2023, 4, 5, 6, 7, 8, 90, tzinfo=UTC)
        timestamp = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
        expected = _mapper_rows(mapper, events, digests, data, state, now=now, timestamp=timestamp)
        try:
            built = self.rows(mapper, events, digests, data, state, now=now, timestamp=timestamp)
        except Exception:  # any failure means: not the mapper's encoding, keep the mapper
            return False
        return built == expected

    def rows(
        self,
        mapper: Mapper[UUID],
        events: Sequence[AnyEvent],
        digests: Sequence[str],
        data: Sequence[dict[str, Any] | str],
        state: BatchState,
        *,
        now: datetime,
        timestamp: datetime,
    ) -> list[StoredEvent]:
        string, encode = self._string, self._encode
        stamp = '{"timestamp":{"_type_":"datetime_iso","_data_":' + string(timestamp.isoformat()) + "},"
        opened_head = (stamp + '"originator_topic":' + string(_MEMBER_STREAM_TOPIC) + ',"member_id":').encode()
        issued_head = (
            stamp + '"originator_topic":' + string(_RECEIPT_TOPIC) + ',"event_id":{"_type_":"uuid_hex","_data_":"'
        )
        recorded_head = stamp + '"event_id":{"_type_":"uuid_hex","_data_":"'
        recorded_tail = ',"contract_version":' + encode(CONTRACT_VERSION) + "}"
        now_text = string(now.astimezone(UTC).isoformat())
        receipt_ids = state.receipt_ids
        rows: list[StoredEvent] = []
        append = rows.append
        for (event, stream_id, version, opens), digest, event_data in zip(
            _stream_positions(events, state), digests, data, strict=True
        ):
            member = string(event.member_id)
            if opens:
                append(StoredEvent(stream_id, 1, _OPENED_TOPIC, opened_head + member.encode() + b"}"))
            event_hex = event.event_id.hex
            recorded_at = event.recorded_at
            source = event.source
            recorded = (
                f'{recorded_head}{event_hex}"}},"event_type":{string(event.type)},'  # type: ignore[attr-defined]
                f'"occurred_on":{{"_type_":"date_iso","_data_":"{event.occurred_on.isoformat()}"}},'
                '"recorded_at":{"_type_":"datetime_iso","_data_":'
                f"{now_text if recorded_at is None else string(recorded_at.astimezone(UTC).isoformat())}}},"
                f'"source":{"null" if source is None else string(source)},'
                f'"data":{event_data if event_data.__class__ is str else encode(event_data)},'
                f'"content_sha256":{string(digest)}{recorded_tail}'
            )
            append(StoredEvent(stream_id, version, _RECORDED_TOPIC, recorded.encode()))
            issued = f'{issued_head}{event_hex}"}},"member_id":{member},"content_sha256":{string(digest)}}}'
            append(StoredEvent(receipt_ids[event.event_id], 1, _ISSUED_TOPIC, issued.encode()))
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
