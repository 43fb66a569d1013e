"""One member never stops the others: a member whose fold fails is isolated, recorded and retried.

The contract refuses what cannot be true, but a fold can still fail on a stored stream (an event
stored before the contract learnt a limit, a defect in a rule). Where the projections fold one
member at a time, this module keeps such a member from stalling everyone else:

* **Live projection.** A batch is applied as before in one transaction. Only when it fails for a
  reason that is not the database's (:func:`member_fault`) is it applied again with every member's
  refresh inside its own SAVEPOINT: a member whose refresh fails is rolled back to its previous
  rows, recorded in ``fold_failure`` (member, stream version, first failing event, error) and the
  batch goes on, tracking position included. The happy path pays nothing.
* **Replays.** A member whose fold fails is recorded under ``replay:<job id>`` and left out of the
  set; the partition finishes.
* **Queries** (status, FHIR, console, claims) fold through :func:`guarded_fold`: an unfoldable
  member is a :class:`MemberUnfoldable` problem naming the event and the error, never a 500.
* **Retry.** A recorded member is refolded when its stream changes (every new event touches it)
  and, at every start of the runner, when the code or the rules differ from those it failed
  under (:func:`fingerprint`); ``ledger project --retry-failures`` retries all at once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from sqlalchemy import Connection, Engine, delete, func, select, text
from sqlalchemy.exc import InterfaceError, OperationalError

from domain.contract import DATE_MAX, DATE_MIN
from domain.entitlements.fold import MemberLedger, fold_member
from domain.errors import LedgerError
from domain.policies import Edition
from projections.readmodel import FoldFailure

logger = logging.getLogger("ledger.isolation")

#: Scope of the live projection's failures; a replay's is ``replay:<job id>``.
LIVE_SCOPE = "live"
#: Longest error text kept per failure.
ERROR_CHARS_MAX = 2_000
#: Errors of the infrastructure, not of one member: the batch is retried whole, nobody is isolated.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    StoreOperationalError,
    StoreInterfaceError,
    ConnectionError,
    TimeoutError,
    MemoryError,
)


#: A replay folds everything recorded (as ``projections.replay`` does).
_REPLAY_KNOWN_AT = datetime(9999, 12, 31, tzinfo=UTC)


class MemberUnfoldable(LedgerError):
    """The member's recorded events cannot be folded: the member is isolated, the others are served."""

    code = "member_unfoldable"


class DateOutOfRange(LedgerError):
    code = "date_out_of_range"


def replay_scope(job_id: str) -> str:
    return f"replay:{job_id}"


def member_fault(error: BaseException) -> bool:
    """Whether ``error`` may come from one member's events (a rule or data defect), not from the database."""
    return isinstance(error, Exception) and not isinstance(error, INFRASTRUCTURE_ERRORS)


@cache
def _code_digest() -> str:
    """Digest of the domain's source: a change of the folding code changes it."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent / "domain"
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(editions: Mapping[str, Edition]) -> str:
    """The code and rules a fold runs under (the domain's source and every edition's content hash)."""
    digest = hashlib.sha256(_code_digest().encode())
    for name in sorted(editions):
        digest.update(f"{name}={editions[name].content_hash};".encode())
    return digest.hexdigest()


def locate(events: Sequence[Any], fold: Callable[[list[Any]], object]) -> tuple[int | None, str | None]:
    """(stream position, event id) of the first event (in the fold's order) whose prefix fails, by bisection.

    (None, None) when the whole fold succeeds: what failed was writing its rows.
    """
    if not events:
        return None, None
    try:
        fold(list(events))
    except Exception:  # the fold fails: find where
        pass
    else:  # the fold succeeds: what failed was writing its rows
        return None, None
    low, high = 1, len(events)
    while low < high:
        middle = (low + high) // 2
        try:
            fold(list(events[:middle]))
        except Exception:  # the prefix up to here already fails
            high = middle
        else:
            low = middle + 1
    culprit = events[low - 1]
    event_id = getattr(culprit, "event_id", None)
    position = getattr(culprit, "stream_position", low)
    return int(position), None if event_id is None else str(event_id)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_CHARS_MAX]


def guarded_fold(events: list[Any], *, member_id: str, **fold_arguments: Any) -> MemberLedger:
    """``fold_member``, with a failure of the member's own events raised as :class:`MemberUnfoldable`.

    A date asked for outside the contract's range is the question's fault, not the member's: refused first.
    """
    as_of = fold_arguments.get("as_of")
    if isinstance(as_of, date) and not DATE_MIN <= as_of <= DATE_MAX:
        raise DateOutOfRange(f"as_of {as_of} is outside the dates the ledger answers for ({DATE_MIN} to {DATE_MAX})")
    try:
        return fold_member(events, member_id=member_id, **fold_arguments)
    except LedgerError:
        raise
    except Exception as error:
        if not member_fault(error):
            raise
        position, event_id = locate(events, lambda prefix: fold_member(prefix, member_id=member_id, **fold_arguments))
        logger.warning(
            "member %s cannot be folded at event %s (%s): %s",
            member_id,
            position,
            event_id,
            error,
            extra={"member_id": member_id, "event_position": position, "event_id": event_id},
        )
        raise MemberUnfoldable(
            f"member {member_id}'s recorded events cannot be folded: event {position} of the stream"
            f" ({event_id}) fails with {describe(error)}. The member is isolated: others are served; it is"
            " retried when its events, the code or the rules change"
        ) from None


# ------------------------------------------------------------------------------------------- the table


def record_failure(
    connection: Connection,
    *,
    scope: str,
    member_id: str,
    stream_version: int,
    events: Sequence[Any],
    error: BaseException,
    fingerprint_now: str,
    fold: Callable[[list[Any]], object] | None = None,
) -> None:
    """Upsert the member's failure row in the caller's transaction (attempts counted)."""
    position, event_id = locate(events, fold) if fold is not None else (None, None)
    now = datetime.now(UTC)
    row = connection.execute(
        select(FoldFailure.attempts).where(FoldFailure.scope == scope, FoldFailure.member_id == member_id)
    ).first()
    values = {
        "stream_version": stream_version,
        "event_position": position,
        "event_id": event_id,
        "error": describe(error),
        "fingerprint": fingerprint_now,
        "last_failed_at": now,
    }
    if row is None:
        connection.execute(
            FoldFailure.__table__.insert().values(
                scope=scope, member_id=member_id, attempts=1, first_failed_at=now, **values
            )
        )
    else:
        connection.execute(
            FoldFailure.__table__.update()
            .where(FoldFailure.scope == scope, FoldFailure.member_id == member_id)
            .values(attempts=int(row[0]) + 1, **values)
        )
    logger.warning(
        "%s: member %s isolated at event %s (%s): %s",
        scope,
        member_id,
        position,
        event_id,
        values["error"],
        extra={"scope": scope, "member_id": member_id, "event_position": position, "event_id": event_id},
    )


def clear_failures(connection: Connection, *, scope: str, member_ids: Sequence[str]) -> None:
    if member_ids:
        connection.execute(
            delete(FoldFailure).where(FoldFailure.scope == scope, FoldFailure.member_id.in_(list(member_ids)))
        )


def failures(engine: Engine, *, scope: str = LIVE_SCOPE, limit: int = 1_000) -> list[dict[str, Any]]:
    """The isolated members of ``scope``, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(FoldFailure)
            .where(FoldFailure.scope == scope)
            .order_by(FoldFailure.first_failed_at, FoldFailure.member_id)
            .limit(limit)
        ).mappings()
        return [
            {
                "member_id": row["member_id"],
                "stream_version": row["stream_version"],
                "event_position": row["event_position"],
                "event_id": row["event_id"],
                "error": row["error"],
                "attempts": row["attempts"],
                "first_failed_at": _utc(row["first_failed_at"]).isoformat(),
                "last_failed_at": _utc(row["last_failed_at"]).isoformat(),
            }
            for row in rows
        ]


def failure_count(engine: Engine, *, scope: str = LIVE_SCOPE) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(FoldFailure).where(FoldFailure.scope == scope)).scalar()
            or 0
        )


def is_isolated(engine: Engine, member_id: str, *, scope: str = LIVE_SCOPE) -> bool:
    with engine.connect() as connection:
        return (
            connection.execute(
                select(FoldFailure.member_id).where(FoldFailure.scope == scope, FoldFailure.member_id == member_id)
            ).first()
            is not None
        )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------- live projection


class LiveIsolation:
    """The live projection's isolated members: known in memory (one active runner writes them)."""

    def __init__(self, engine: Engine, editions: Mapping[str, Edition]) -> None:
        self.engine = engine
        self.fingerprint = fingerprint(editions)
        self._members: set[str] | None = None

    def members(self) -> set[str]:
        if self._members is None:
            with self.engine.connect() as connection:
                self._members = set(
                    connection.execute(select(FoldFailure.member_id).where(FoldFailure.scope == LIVE_SCOPE)).scalars()
                )
        return self._members

    def refreshed(self, connection: Connection, member_ids: Sequence[str]) -> None:
        """Members refolded without error in this transaction: no longer isolated."""
        known = self.members()
        back = [member_id for member_id in member_ids if member_id in known]
        clear_failures(connection, scope=LIVE_SCOPE, member_ids=back)
        known.difference_update(back)

    def guard(
        self,
        connection: Connection,
        member_id: str,
        snapshot: tuple[int, list[Any]],
        refresh: Callable[[], None],
        fold: Callable[[list[Any]], object],
    ) -> bool:
        """Run one member's refresh in a SAVEPOINT; on a member fault record it and return False."""
        try:
            with connection.begin_nested():
                refresh()
        except Exception as error:
            if not member_fault(error):
                raise
            version, events = snapshot
            record_failure(
                connection,
                scope=LIVE_SCOPE,
                member_id=member_id,
                stream_version=version,
                events=events,
                error=error,
                fingerprint_now=self.fingerprint,
                fold=fold,
            )
            self.members().add(member_id)
            return False
        self.refreshed(connection, [member_id])
        return True

    @staticmethod
    def open_transaction(connection: Connection) -> None:
        """Make sure the database transaction has begun before the first SAVEPOINT.

        SQLite's Python driver begins a transaction only before a write; a SAVEPOINT issued first
        would begin (and its RELEASE commit) a transaction of its own, outside the batch's.
        """
        if connection.dialect.name == "sqlite":
            connection.execute(text("DELETE FROM fold_failure WHERE 1 = 0"))

    def stale(self) -> list[str]:
        """Isolated members that failed under other code or rules than the current ones."""
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(FoldFailure.member_id).where(
                        FoldFailure.scope == LIVE_SCOPE, FoldFailure.fingerprint != self.fingerprint
                    )
                ).scalars()
            )


def retry_live(projection: Any, member_ids: Sequence[str]) -> tuple[int, int]:
    """Refold isolated members now (each in its own transaction): (back in the read model, still isolated)."""
    from projections.readmodel import MemberIndex

    back = still = 0
    for member_id in member_ids:
        with projection.view.transaction() as connection:
            projection.isolation.open_transaction(connection)
            notification_id = connection.execute(
                select(MemberIndex.last_notification_id).where(MemberIndex.member_id == member_id)
            ).scalar()
            snapshot = projection.ledger.stream_snapshots([member_id])[member_id]
            if projection.refresh_isolated(connection, member_id, int(notification_id or 0), snapshot):
                back += 1
            else:
                still += 1
    return back, still


def record_replay_failures(
    connection: Connection,
    job: Mapping[str, Any],
    members: Sequence[str],
    failed: Sequence[tuple[str, list[Any], Exception]],
    finder: Any,
) -> None:
    """Record a replay chunk's members whose fold failed under ``replay:<job id>`` (left out of the set).

    The chunk's other members fold now: a row left by an earlier run of the partition is removed.
    """
    scope = replay_scope(str(job["job_id"]))
    failing = {member_id for member_id, _, _ in failed}
    if connection.execute(select(FoldFailure.member_id).where(FoldFailure.scope == scope).limit(1)).first():
        clear_failures(connection, scope=scope, member_ids=[m for m in members if m not in failing])
    for member_id, events, error in failed:

        def fold(prefix: list[Any], member_id: str = member_id) -> object:
            return fold_member(
                prefix, member_id=member_id, as_of=job["as_of"], known_at=_REPLAY_KNOWN_AT, edition_for=finder
            )

        record_failure(
            connection,
            scope=scope,
            member_id=member_id,
            stream_version=len(events),
            events=events,
            error=error,
            fingerprint_now=str(job["edition_hash"])[:64],
            fold=fold,
        )


def promotable(engine: Engine, rulebook: Any, job_id: str) -> Any:
    """``projections.replay.promote``, refused while the job has isolated members.

    Their rows are missing from the set: promoting it would drop them from the live read model.
    """
    from projections.replay import ReplayError, promote

    isolated = failure_count(engine, scope=replay_scope(job_id))
    if isolated:
        raise ReplayError(
            f"job {job_id} isolated {isolated} member(s) whose fold failed under its edition: their rows are "
            f"missing from the set, which is therefore not promoted (GET /v1/replays/{job_id} lists them)"
        )
    return promote(engine, rulebook, job_id)
