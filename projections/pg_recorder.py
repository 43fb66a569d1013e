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

The same lock starves autovacuum: its ANALYZE of the events table needs a lock the writers' EXCLUSIVE
one excludes, and it gives way to them, so a long import can leave the table without statistics.
Without them PostgreSQL plans the batch's state query (``originator_id = ANY(…)``) as a parallel scan of
the whole table — seconds per batch at ten million rows, found by the 100,000-member province run. A
writer therefore keeps the statistics itself (:meth:`LedgerPostgresRecorder.keep_statistics`): every
``statistics_check_rows`` rows it appends, it compares the rows the statistics know (``reltuples``)
with the rows stored (the notification sequence: the table is append-only) and runs ``ANALYZE`` when
more than a fifth are missing.
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


#: Rows a writer appends between two looks at the events table's statistics.
STATISTICS_CHECK_ROWS = 50_000
#: ``ANALYZE`` when the rows stored exceed the rows the statistics know by this share (and the check interval).
STATISTICS_STALE_SHARE = 0.2


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    #: Rows appended between two looks at the statistics (an attribute, so a test can look often).
    statistics_check_rows = STATISTICS_CHECK_ROWS
    _rows_since_check = 0

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
        self._rows_since_check += len(stored_events)
        if self._rows_since_check >= self.statistics_check_rows:
            self._rows_since_check = 0
            self.keep_statistics()

    def keep_statistics(self) -> bool:
        """``ANALYZE`` the events table when its statistics miss more than a fifth of its rows; True if it ran.

        Outside the batch's transaction and lock: it waits for a writer's ``COPY`` to commit, samples the table
        (a few hundred milliseconds at ten million rows) and lets the writers go on.
        """
        table = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name)
        )
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(
                SQL(
                    "SELECT c.reltuples, (SELECT max(notification_id) FROM {table}) AS stored FROM pg_class c"
                    " WHERE c.oid = %s::regclass"
                ).format(table=table),
                [f'"{self.datastore.schema}"."{self.events_table_name}"'],
            )
            row = cursor.fetchone()
            if row is None or row["stored"] is None:
                return False
            known = max(float(row["reltuples"]), 0.0)  # -1: never analyzed
            if row["stored"] <= known * (1 + STATISTICS_STALE_SHARE) + self.statistics_check_rows:
                return False
            cursor.execute(SQL("ANALYZE {table}").format(table=table))
            return True


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
