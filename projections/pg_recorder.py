"""The PostgreSQL application recorder the ledger uses: eventsourcing's, inserting without pipeline mode.

eventsourcing 9.5's ``PostgresApplicationRecorder.insert_events`` sends the table lock, the NOTIFY and
one INSERT whose parameter is an array of every stored event through psycopg's pipeline mode. With a
10,000-event batch (about 30,000 stored events with receipts and stream openings) that deadlocked:
the server waited for the rest of the message while the client waited for results (psycopg 3.3.9,
found by the kill -9 fault test). Its other insert path, a database function, does not take the
table lock, so concurrent writers could commit notifications out of order and a projection tailing
the log would skip events (found by the soak, docs/reliability.md).

This recorder issues exactly the library's statements — EXCLUSIVE table lock, NOTIFY, the INSERT,
then reading the notification ids — one after another in one transaction, without the pipeline.
It is chosen by the event store's environment (``APPLICATION_RECORDER_TOPIC``).

``append_rows`` is the contract-event batch's insert (projections/batch_append.py): the same lock and
NOTIFY, then the rows by binary ``COPY`` instead of a composite-type array (which psycopg adapts in
Python, row by row), and no notification ids read back. The ``COPY`` stream is built in one buffer
(:func:`binary_copy`; a test compares it with what PostgreSQL writes for the same rows). The EXCLUSIVE
lock is taken just before the ``COPY`` and released by the commit that follows it, so it is held for
the insert only.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

#: The topic eventsourcing resolves to this class.
RECORDER_TOPIC = "projections.pg_recorder:LedgerPostgresRecorder"


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with self.datastore.get_connection() as connection, connection.transaction(), connection.cursor() as cursor:
            self._insert_events(cursor, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(cursor, stored_events, **kwargs)  # lock table, notify, insert
            return self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def append_rows(self, stored_events: Sequence[StoredEvent]) -> None:
        """Insert the rows in one transaction behind the table lock, by binary COPY; all or none."""
        if not stored_events:
            return
        statement = SQL(
            "COPY {schema}.{table} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        with self.datastore.get_connection() as connection, connection.transaction(), connection.cursor() as cursor:
            self._lock_table(cursor)
            self._notify_channel(cursor)
            with cursor.copy(statement) as copy:
                copy.write(binary_copy(stored_events))


#: PostgreSQL's binary COPY: the file header (signature, flags, no extension), each tuple, the trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_COPY_TRAILER = b"\xff\xff"
#: A tuple's start: 4 fields; the uuid (16 bytes); the version (int8, 8 bytes); the topic's length.
_ROW_HEAD = struct.Struct(">hi16siqi")
_LENGTH = struct.Struct(">i")


def binary_copy(stored_events: Sequence[StoredEvent]) -> bytes:
    """The rows (originator_id uuid, originator_version int8, topic text, state bytea) as one binary COPY
    stream — what psycopg's ``write_row`` sends for them, built in one buffer instead of row by row."""
    buffer = bytearray(_COPY_HEADER)
    head, length = _ROW_HEAD.pack, _LENGTH.pack
    topics: dict[str, bytes] = {}
    for row in stored_events:
        topic = topics.get(row.topic)
        if topic is None:
            topic = topics.setdefault(row.topic, row.topic.encode("utf-8"))
        originator_id = row.originator_id if isinstance(row.originator_id, UUID) else UUID(row.originator_id)
        buffer += head(4, 16, originator_id.bytes, 8, row.originator_version, len(topic))
        buffer += topic
        buffer += length(len(row.state))
        buffer += row.state
    buffer += _COPY_TRAILER
    return bytes(buffer)
