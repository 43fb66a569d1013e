"""The member history read model: the member's events exactly as the fold reads them.

The status of a member is bitemporal (``as_of``, ``known_at``), so no precomputed answer fits
every query; what every query needs is the member's recorded events. The entitlements
projection writes them, in effective order, into one ``member_history`` row per member together
with the member stream's version they reflect. A status query then reads one row instead of the
member's stream, and hands the same events to the same domain fold: both paths give the same
document because they fold the same list.

The row is *current* when its ``stream_version`` equals the stream's version now; streams are
append-only, so equal versions mean equal events. Otherwise the caller folds the stream. The row
and the stream's version are read in one query: the version is ``max(originator_version)`` of the
member's stream in the event store's table (named by eventsourcing's recorder, read through its
primary-key index), which halves the time of reading the events compared with the stream
(measured, docs/entitlements.md); the fold itself is the larger part of a status query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, column, func, select, table, update

from domain.member_stream import RecordedEvent, member_stream_id
from projections.readmodel import MemberHistory
from projections.store import LedgerApplication

#: The encoding of ``member_history.events_json``; a row of another format is never folded.
HISTORY_FORMAT = 1


def encode_history(events: Sequence[RecordedEvent]) -> str:
    """The events as JSON (every field of :class:`RecordedEvent`, in the given order; keys sorted)."""
    return json.dumps(
        [
            {
                "event_id": str(e.event_id),
                "type": e.type,
                "occurred_on": e.occurred_on.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
                "source": e.source,
                "data": e.data,
                "content_sha256": e.content_sha256,
                "contract_version": e.contract_version,
                "stream_position": e.stream_position,
            }
            for e in events
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def decode_history(text: str, *, member_id: str) -> list[RecordedEvent]:
    """The events :func:`encode_history` wrote, in the same order."""
    items: list[dict[str, Any]] = json.loads(text)
    return [
        RecordedEvent(
            event_id=UUID(item["event_id"]),
            member_id=member_id,
            type=item["type"],
            occurred_on=date.fromisoformat(item["occurred_on"]),
            recorded_at=datetime.fromisoformat(item["recorded_at"]),
            source=item["source"],
            data=item["data"],
            content_sha256=item["content_sha256"],
            contract_version=item["contract_version"],
            stream_position=item["stream_position"],
        )
        for item in items
    ]


def advance_history(connection: Connection, *, member_id: str, version: int, notification_id: int) -> None:
    """A stream event the fold does not read (a recorded decision) moves a row at ``version - 1`` to ``version``.

    The row's events are then still every event of the stream; a row at any other version is left
    alone (it is either ahead already, or will be rewritten by the refresh of its member).
    """
    connection.execute(
        update(MemberHistory)
        .where(MemberHistory.member_id == member_id, MemberHistory.stream_version == version - 1)
        .values(stream_version=version, last_notification_id=notification_id)
    )


def _history_statement(ledger: LedgerApplication, dialect: str) -> Any:
    """The query of :func:`history_at_version`, built once per event-store table (bound: ``stream_key``, the
    stream's id as the recorder binds it, and ``member_id``): ``max(originator_version)`` of the member's stream
    in the event store's own table, and the member's history row."""
    recorder: Any = ledger.recorder
    schema = getattr(recorder.datastore, "schema", None) if dialect == "postgresql" else None
    found = _HISTORY_STATEMENTS.get((recorder.events_table_name, schema, dialect))
    if found is not None:
        return found
    events = table(recorder.events_table_name, column("originator_id"), column("originator_version"), schema=schema)
    version_now = select(func.max(events.c.originator_version)).where(events.c.originator_id == bindparam("stream_key"))

    def of_row(column: Any) -> Any:
        return select(column).where(MemberHistory.member_id == bindparam("member_id")).scalar_subquery()

    statement = select(
        version_now.scalar_subquery().label("stream_version_now"),
        of_row(MemberHistory.stream_version).label("stream_version"),
        of_row(MemberHistory.history_format).label("history_format"),
        of_row(MemberHistory.events_json).label("events_json"),
    )
    _HISTORY_STATEMENTS[recorder.events_table_name, schema, dialect] = statement
    return statement


#: The statements of :func:`_history_statement` by (events table, schema, dialect): a status query runs one.
_HISTORY_STATEMENTS: dict[tuple[str, str | None, str], Any] = {}


def current_history(engine: Engine, ledger: LedgerApplication, member_id: str) -> list[RecordedEvent] | None:
    """The member's events from the read model when its row is current, else None (fold the stream)."""
    _version, text = history_at_version(engine, ledger, member_id)
    return None if text is None else decode_history(text, member_id=member_id)


def history_at_version(engine: Engine, ledger: LedgerApplication, member_id: str) -> tuple[int | None, str | None]:
    """The member stream's version now (None: no stream) and, when the read model's row is current, its events
    (``events_json`` for :func:`decode_history`; else None), in one query."""
    stream_id = member_stream_id(member_id)
    with engine.connect() as connection:
        dialect = connection.dialect.name
        row = connection.execute(
            _history_statement(ledger, dialect),
            # The stream id as the recorders bind it.
            {"stream_key": stream_id if dialect == "postgresql" else stream_id.hex, "member_id": member_id},
        ).one()
    current = row.stream_version is not None and row.history_format == HISTORY_FORMAT
    if not current or row.stream_version_now != row.stream_version:
        return row.stream_version_now, None
    return row.stream_version_now, row.events_json
