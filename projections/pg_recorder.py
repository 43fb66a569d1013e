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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

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
