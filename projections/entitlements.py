"""The entitlements projection: member index, coverage periods, claim settlements, cap usage.

Built on the eventsourcing library's projection machinery: :class:`ReadModelView` is a
``TrackingRecorder`` over the SQLAlchemy read-model tables, and
:class:`EntitlementsProjection` is a ``Projection`` whose every write puts the rows and the
tracking position in one transaction, so each notification has its effect exactly once.

For each member touched by a notification, the projection refolds the member's whole stream
with the one domain fold (``fold_member`` with everything recorded) and replaces the member's
rows; the rows are therefore identical to a rebuild from zero, whatever the batching. In the
same transaction it writes the member's history row (the events status queries fold,
``projections/history.py``) and the side effects the fold justifies into the outbox
(``projections/outbox.py``). :func:`catch_up` reads the notification log in bounded batches (on
SQLite, which has no LISTEN/NOTIFY, the runner polls it; on PostgreSQL the runner subscribes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache, singledispatchmethod
from typing import Any

from eventsourcing.persistence import Notification, Tracking, TrackingRecorder
from eventsourcing.projection import Projection
from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from domain.entitlements.facts import member_facts
from domain.entitlements.fold import MemberLedger, NoRuleSet, edition_finder, fold_member
from domain.member_stream import MemberStream
from domain.policies import Edition
from projections.history import HISTORY_FORMAT, advance_history, encode_history
from projections.isolation import LiveIsolation, member_fault
from projections.member_list import name_search_key
from projections.outbox import member_effects, record_effects
from projections.readmodel import (
    CapUsage,
    ClaimSettlementRow,
    MemberCoverage,
    MemberHistory,
    MemberIndex,
    ProjectionTracking,
    RetroactiveAssistanceRow,
)
from projections.store import LedgerApplication

#: The tables holding a member's folded rows, replaced whole on each refresh of the member.
MEMBER_TABLES = (MemberCoverage, ClaimSettlementRow, CapUsage, RetroactiveAssistanceRow)

#: Notifications read and applied per transaction during catch-up.
CATCH_UP_BATCH_NOTIFICATIONS = 500

#: The fold behind the read model sees every event: the end of time, everything recorded.
_ALL_OF_TIME = date(9999, 12, 31)
_ALL_RECORDED = datetime(9999, 12, 31, tzinfo=UTC)


def _upsert(connection: Connection, table: Any, values: Mapping[str, Any], keys: Sequence[str]) -> None:
    """Insert a row, or update the row with the same ``keys``; the values are bound, not built into the statement."""
    connection.execute(_upsert_statement(connection.dialect.name, table, tuple(values), tuple(keys)), dict(values))


@cache
def _upsert_statement(dialect_name: str, table: Any, columns: tuple[str, ...], keys: tuple[str, ...]) -> Any:
    """One ``INSERT … ON CONFLICT DO UPDATE`` per table and column set, built once: a statement built with its
    values each time cost SQLAlchemy more than the database did (a catch-up writes a row per member)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    updates = {column: statement.excluded[column] for column in columns if column not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updates)


def _write_pending(connection: Connection, pending: dict[Any, list[dict[str, Any]]]) -> None:
    """Refreshed members' history rows (upserted) and entitlement rows (inserted, their old rows deleted before),
    one executemany of one statement a table: a statement built per row cost SQLAlchemy more than the database."""
    for table, rows in pending.items():
        if not rows:
            continue
        if table is MemberHistory:
            statement = _upsert_statement(connection.dialect.name, table.__table__, tuple(rows[0]), ("member_id",))
            connection.execute(statement, rows)
        else:
            connection.execute(table.__table__.insert(), rows)


class ReadModelView(TrackingRecorder):
    """Read-model tables and their tracking position, in one SQLAlchemy database."""

    def __init__(self, engine: Engine, *, projection_name: str) -> None:
        self.engine = engine
        self.projection_name = projection_name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def track(self, connection: Connection, tracking: Tracking) -> None:
        """Advance the tracking position inside the caller's transaction; positions only move forward."""
        current = self._position(connection, tracking.application_name)
        if current is not None and tracking.notification_id <= current:
            raise ValueError(
                f"{self.projection_name}: notification {tracking.notification_id} already applied (at {current})"
            )
        _upsert(
            connection,
            ProjectionTracking.__table__,
            {
                "projection_name": self.projection_name,
                "application_name": tracking.application_name,
                "notification_id": tracking.notification_id,
                "updated_at": datetime.now(UTC),
            },
            ["projection_name"],
        )

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.transaction() as connection:
            self.track(connection, tracking)

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.engine.connect() as connection:
            return self._position(connection, application_name)

    def _position(self, connection: Connection, application_name: str) -> int | None:
        row = connection.execute(
            select(ProjectionTracking.notification_id).where(
                ProjectionTracking.projection_name == self.projection_name,
                ProjectionTracking.application_name == application_name,
            )
        ).first()
        return None if row is None else int(row[0])


class EntitlementsProjection(Projection[ReadModelView]):
    """Keeps the entitlement read models current from the event store's notification log."""

    name = "entitlements"

    def __init__(self, view: ReadModelView, *, ledger: LedgerApplication, editions: Mapping[str, Edition]) -> None:
        super().__init__(view)
        self.ledger = ledger
        self.editions = editions
        #: Members whose fold fails are isolated from the batch, not allowed to stall it.
        self.isolation = LiveIsolation(view.engine, editions)

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Events that change no read model (event receipts) only advance the position."""
        self.process_batch([(domain_event, tracking)])

    def process_batch(self, items: Sequence[tuple[Any, Tracking]]) -> None:
        """Apply a run of notifications in one transaction: rows of every touched member, then the position."""
        if not items:
            return
        try:
            self._apply_batch(items, isolate=False)
        except Exception as error:
            if not member_fault(error):
                raise
            # Applied again with each member in a SAVEPOINT: whoever fails is recorded, the rest goes on.
            self._apply_batch(items, isolate=True)

    def _apply_batch(self, items: Sequence[tuple[Any, Tracking]], *, isolate: bool) -> None:
        with self.view.transaction() as connection:
            if isolate:
                self.isolation.open_transaction(connection)
            touched: dict[str, int] = {}
            members: dict[str, str] = {}
            for domain_event, tracking in items:
                if isinstance(domain_event, MemberStream.Opened):
                    _upsert(
                        connection,
                        MemberIndex.__table__,
                        {
                            "member_id": domain_event.member_id,
                            "stream_id": str(domain_event.originator_id),
                            "event_count": 0,
                            "last_notification_id": 0,
                            "updated_at": datetime.now(UTC),
                        },
                        ["member_id"],
                    )
                elif isinstance(domain_event, MemberStream.EventRecorded):
                    member_id = self._member_of(connection, str(domain_event.originator_id), members)
                    touched[member_id] = tracking.notification_id
                elif isinstance(domain_event, MemberStream.ClaimSettled):
                    # A recorded decision is not read by the fold: the history row only moves on.
                    advance_history(
                        connection,
                        member_id=self._member_of(connection, str(domain_event.originator_id), members),
                        version=domain_event.originator_version,
                        notification_id=tracking.notification_id,
                    )
            # One query for every touched member's stream (not one each): the runner keeps up under load.
            snapshots = self.ledger.stream_snapshots(list(touched)) if touched else {}
            # Not isolated, the members' new rows are written together, a statement a table for the whole batch.
            pending: dict[Any, list[dict[str, Any]]] | None = None if isolate else {}
            for member_id, notification_id in touched.items():
                if isolate:
                    self.refresh_isolated(connection, member_id, notification_id, snapshots[member_id])
                else:
                    self._refresh_member(connection, member_id, notification_id, snapshots[member_id], pending)
            if pending:
                _write_pending(connection, pending)
            if not isolate:
                self.isolation.refreshed(connection, list(touched))
            last = items[-1][1]
            self.view.track(connection, last)

    def refresh_isolated(
        self, connection: Connection, member_id: str, notification_id: int, snapshot: tuple[int, list[Any]]
    ) -> bool:
        """Refresh one member in a SAVEPOINT; a member whose refresh fails is recorded and skipped."""

        def fold(events: list[Any]) -> object:
            return fold_member(
                events,
                member_id=member_id,
                as_of=_ALL_OF_TIME,
                known_at=_ALL_RECORDED,
                edition_for=edition_finder(self.editions),
            )

        return self.isolation.guard(
            connection,
            member_id,
            snapshot,
            lambda: self._refresh_member(connection, member_id, notification_id, snapshot),
            fold,
        )

    @staticmethod
    def _member_of(connection: Connection, stream_id: str, members: dict[str, str]) -> str:
        if stream_id not in members:
            members[stream_id] = connection.execute(
                select(MemberIndex.member_id).where(MemberIndex.stream_id == stream_id)
            ).scalar_one()
        return members[stream_id]

    def _refresh_member(
        self,
        connection: Connection,
        member_id: str,
        notification_id: int,
        snapshot: tuple[int, list[Any]],
        pending: dict[Any, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Fold one member and replace its rows; with ``pending`` its history and entitlement rows are added
        there for :func:`_write_pending` (after every member of the batch), else written now."""
        version, events = snapshot
        rows: dict[Any, list[dict[str, Any]]] = {} if pending is None else pending
        history = {
            "member_id": member_id,
            "stream_version": version,
            "history_format": HISTORY_FORMAT,
            "event_count": len(events),
            "events_json": encode_history(events),
            "last_notification_id": notification_id,
            "updated_at": datetime.now(UTC),
        }
        rows.setdefault(MemberHistory, []).append(history)
        for table in MEMBER_TABLES:
            connection.execute(delete(table).where(table.member_id == member_id))
        try:
            ledger = fold_member(
                events,
                member_id=member_id,
                as_of=_ALL_OF_TIME,
                known_at=_ALL_RECORDED,
                edition_for=edition_finder(self.editions),
            )
        except NoRuleSet:
            # A member of a region without full rule sets (anshan, liaoning) is indexed, not entitled.
            if pending is None:
                _write_pending(connection, rows)
            facts = member_facts(events, member_id=member_id, as_of=_ALL_OF_TIME, known_at=_ALL_RECORDED)
            connection.execute(
                MemberIndex.__table__.update()
                .where(MemberIndex.member_id == member_id)
                .values(
                    event_count=len(events),
                    last_notification_id=notification_id,
                    updated_at=datetime.now(UTC),
                    **_name_columns(facts.name),
                )
            )
            return
        latest = ledger.latest_period(_ALL_OF_TIME)
        connection.execute(
            MemberIndex.__table__.update()
            .where(MemberIndex.member_id == member_id)
            .values(
                region=(
                    ledger.facts.region_on(_ALL_OF_TIME)
                    if ledger.facts.transfers
                    else (latest.region if latest else ledger.facts.region)
                ),
                scheme=latest.scheme if latest else None,
                event_count=len(events),
                first_occurred_on=min(e.occurred_on for e in events),
                last_occurred_on=max(e.occurred_on for e in events),
                last_notification_id=notification_id,
                updated_at=datetime.now(UTC),
                **_name_columns(ledger.facts.name),
            )
        )
        rows.setdefault(MemberCoverage, []).extend(coverage_rows(ledger))
        rows.setdefault(ClaimSettlementRow, []).extend(settlement_rows(ledger))
        rows.setdefault(CapUsage, []).extend(cap_usage_rows(ledger))
        rows.setdefault(RetroactiveAssistanceRow, []).extend(retroactive_rows(ledger))
        if pending is None:
            _write_pending(connection, rows)
        record_effects(connection, member_effects(ledger), member_id=member_id, notification_id=notification_id)


def coverage_rows(ledger: MemberLedger) -> list[dict[str, Any]]:
    """A folded member's coverage rows, one per coverage spell in order (the live read model and replay sets share
    them): the same spells as the status document, FHIR Coverage and the console timeline."""
    return [
        {
            "member_id": ledger.facts.member_id,
            "period_number": number,
            "scheme": period.scheme,
            "covered_from": period.covered_from,
            "covered_until": period.covered_until,
            "region": period.region,
            "rule_set": period.edition.name,
            "edition_hash": period.edition.content_hash,
            "benefits_from": period.benefits_from,
            "benefits_until": period.benefits_until,
            "waiting_reason": period.waiting.reason if period.waiting else None,
            "waiting_total_months": period.waiting.total_months if period.waiting else None,
        }
        for number, period in enumerate(ledger.spell_periods)
    ]


def settlement_rows(ledger: MemberLedger) -> list[dict[str, Any]]:
    """The claim-settlement rows of a folded member (the live read model and replay sets share them)."""
    return [
        {
            "member_id": ledger.facts.member_id,
            "claim_id": settlement.claim_id,
            "rule_set": settlement.edition.name if settlement.edition else None,
            "edition_hash": settlement.edition.content_hash if settlement.edition else None,
            "status": settlement.status,
            "year": settlement.year,
            "total_fen": settlement.total_fen,
            "fund_total_fen": settlement.fund_total_fen,
            "member_pays_fen": settlement.member_pays_fen,
            "layers_json": json.dumps(settlement.layers_fen, sort_keys=True),
        }
        for settlement in ledger.settlements.values()
    ]


def cap_usage_rows(ledger: MemberLedger) -> list[dict[str, Any]]:
    """What each balance used per year, as read-model rows."""
    return [
        {"member_id": ledger.facts.member_id, "layer": layer, "year": year, "used_fen": used}
        for (layer, year), used in sorted(ledger.used_fen.items())
    ]


def retroactive_rows(ledger: MemberLedger) -> list[dict[str, Any]]:
    """The retroactive-assistance decisions of a folded member (依申请救助), one row each, as the fold took them."""
    return [
        {
            "member_id": ledger.facts.member_id,
            "decision_id": decision.decision_id,
            "category": decision.category,
            "certified_on": decision.certified_on,
            "year": decision.year,
            "rule_set": decision.edition.name,
            "edition_hash": decision.edition.content_hash,
            "total_fen": decision.total_fen,
            "claims_json": json.dumps(
                [
                    {
                        "claim_id": top_up.claim_id,
                        "self_pay_fen": top_up.self_pay_fen,
                        "already_fen": top_up.already_fen,
                        "due_fen": top_up.due_fen,
                        "routine_fen": top_up.routine_fen,
                        "tilt_fen": top_up.tilt_fen,
                        "amount_fen": top_up.amount_fen,
                    }
                    for top_up in decision.top_ups
                ],
                sort_keys=True,
            ),
        }
        for decision in ledger.retroactive_assistance
    ]


def catch_up(
    ledger: LedgerApplication, projection: EntitlementsProjection, *, batch: int = CATCH_UP_BATCH_NOTIFICATIONS
) -> int:
    """Apply every notification after the projection's position; returns how many were applied."""
    applied = 0
    while True:
        position = projection.view.max_tracking_id(ledger.name) or 0
        notifications: Sequence[Notification] = ledger.recorder.select_notifications(
            start=position, limit=batch, inclusive_of_start=False
        )
        if not notifications:
            return applied
        items = [(ledger.mapper.to_domain_event(n), Tracking(ledger.name, n.id)) for n in notifications]
        projection.process_batch(items)
        applied += len(items)


def _name_columns(name: str | None) -> dict[str, str | None]:
    """The member index's name and its search key (None without a name on the registration)."""
    return {"name": name, "name_key": None if name is None else name_search_key(name)}


def lag(ledger: LedgerApplication, view: ReadModelView) -> int:
    """Notifications recorded but not yet applied to the read model."""
    return (ledger.recorder.max_notification_id() or 0) - (view.max_tracking_id(ledger.name) or 0)


def open_projection(
    database_url: str, ledger: LedgerApplication, editions: Mapping[str, Edition]
) -> EntitlementsProjection:
    """The entitlements projection writing to the read-model tables of ``database_url`` (SQLAlchemy URL)."""
    from sqlalchemy import create_engine

    view = ReadModelView(create_engine(database_url), projection_name=EntitlementsProjection.name)
    return EntitlementsProjection(view, ledger=ledger, editions=editions)


#: The live read model's tables, emptied by :func:`reset_read_model` (the outbox stays: its ids are
#: deterministic, so a rebuild finds every effect already decided).
LIVE_TABLES = (
    MemberIndex,
    MemberCoverage,
    ClaimSettlementRow,
    CapUsage,
    RetroactiveAssistanceRow,
    MemberHistory,
    ProjectionTracking,
)


def reset_read_model(engine: Engine) -> None:
    """Empty the live read model and its tracking position, so the next catch-up rebuilds it from zero."""
    with engine.begin() as connection:
        for table in LIVE_TABLES:
            connection.execute(delete(table))


def read_model_checksum(engine: Engine) -> str:
    """A digest of every read-model row (sorted), to compare a live read model with a clean rebuild.

    Left out: write times, and the notification that last wrote a history row (batching decides it).
    """
    import hashlib

    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in (MemberIndex, *MEMBER_TABLES, MemberHistory):
            skipped = ("updated_at", "last_notification_id") if table is MemberHistory else ("updated_at",)
            columns = [c for c in table.__table__.columns if c.name not in skipped]
            rows = connection.execute(select(*columns).order_by(*table.__table__.primary_key.columns)).all()
            digest.update(f"{table.__tablename__}:{[tuple(map(str, row)) for row in rows]}".encode())
    return digest.hexdigest()
