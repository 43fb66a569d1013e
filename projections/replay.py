"""Replays: refold every member under one edition into that edition's own read-model set.

A replay is a job (``replay_job``) split into partitions by a stable hash of the member id, so N
workers on N machines share it; each partition writes its progress to its own row
(``replay_partition``) and its members' rows into the set ``<edition name>@<hash>``
(``replay_member_coverage``, ``replay_claim_settlement``, ``replay_cap_usage``), replacing a few
hundred members' rows in one transaction (their streams read in one query, their rows written with
``COPY`` on PostgreSQL): a partition run twice (a redelivered message, a restarted worker) gives the
same rows. The live read models are untouched until :func:`promote`. The job carries the edition's
source (a rulebook name, or the text of a rule-set or patch file) and every worker checks it
rebuilds the same content hash.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, delete, func, literal, select, text, union

from domain.entitlements.fold import MemberLedger, NoRuleSet, edition_finder, fold_member
from domain.errors import LedgerError
from domain.policies import HASH_DISPLAY_LENGTH, Edition
from projections.audit import member_ids
from projections.entitlements import cap_usage_rows, coverage_rows, retroactive_rows, settlement_rows
from projections.isolation import member_fault, record_replay_failures
from projections.readmodel import (
    CapUsage,
    ClaimSettlementRow,
    MemberCoverage,
    MemberIndex,
    ReplayCapUsage,
    ReplayClaimSettlement,
    ReplayJob,
    ReplayMemberCoverage,
    ReplayPartition,
    ReplayPromotion,
    ReplayRetroactiveAssistance,
    RetroactiveAssistanceRow,
)
from projections.rulebook import Rulebook
from projections.store import LedgerApplication

#: Most partitions one replay is split into.
PARTITIONS_MAX = 256
#: Members whose rows (and the partition's progress) are written in one transaction.
MEMBERS_PER_TRANSACTION = 200
_RECORDED_BY = datetime(9999, 12, 31, tzinfo=UTC)
#: The effective date of the live read model (``projections.entitlements`` folds to the end of time);
#: only a set replayed as of this date can be promoted.
LIVE_AS_OF = date(9999, 12, 31)
#: A set's tables and the live tables ``promote`` replaces with them, column for column.
PROMOTED_TABLES = (
    (ReplayMemberCoverage, MemberCoverage),
    (ReplayClaimSettlement, ClaimSettlementRow),
    (ReplayCapUsage, CapUsage),
    (ReplayRetroactiveAssistance, RetroactiveAssistanceRow),
)
#: A set's tables of member rows (each with ``model_set`` and ``member_id``).
SET_TABLES = tuple(replay for replay, _live in PROMOTED_TABLES)
#: A set table's statistics are taken again once the rows changed since they were taken exceed this plus
#: :data:`SET_STATISTICS_STALE_SHARE` of the rows they know (autovacuum's form of rule, checked every chunk).
SET_STATISTICS_ROWS_MIN = 1_000
SET_STATISTICS_STALE_SHARE = 0.2


class ReplayError(LedgerError):
    code = "replay_error"


def partition_of(member_id: str, partitions: int) -> int:
    """The partition of a member: a stable hash (sha256), the same on every machine and run."""
    return int(hashlib.sha256(member_id.encode("utf-8")).hexdigest()[:12], 16) % partitions


def model_set_name(edition: Edition) -> str:
    """The read-model set a replay writes: named after the edition and versioned by its hash."""
    return f"{edition.name}@{edition.hash_short}"


def edition_source(edition: Edition, *, file: Path | None) -> str:
    """What a job stores so every worker can rebuild the edition: a rulebook name, or a file's text."""
    if file is None:
        return json.dumps({"rulebook": edition.name})
    return json.dumps({"file_name": file.name, "text": file.read_text(encoding="utf-8")}, ensure_ascii=False)


def resolve_edition(source: str, rulebook: Rulebook) -> Edition:
    spec = json.loads(source)
    if "rulebook" in spec:
        return rulebook[spec["rulebook"]]
    return rulebook.alternative_from_text(spec["text"], file_name=spec["file_name"])


@dataclass(frozen=True)
class JobProgress:
    job_id: str
    model_set: str
    members_total: int
    members_done: int
    events_done: int
    partitions_done: int
    partitions: int
    elapsed_s: float

    @property
    def done(self) -> bool:
        return self.partitions_done == self.partitions

    @property
    def events_per_s(self) -> float:
        return self.events_done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        if self.members_done == 0 or self.done:
            return None if not self.done else 0.0
        return self.elapsed_s * (self.members_total - self.members_done) / self.members_done

    def as_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "model_set": self.model_set,
            "status": "done" if self.done else "running",
            "members_total": self.members_total,
            "members_done": self.members_done,
            "events_done": self.events_done,
            "partitions": self.partitions,
            "partitions_done": self.partitions_done,
            "events_per_s": round(self.events_per_s, 1),
            "eta_s": None if self.eta_s is None else round(self.eta_s, 1),
        }


def create_job(
    engine: Engine,
    ledger: LedgerApplication,
    edition: Edition,
    *,
    source: str,
    partitions: int,
    as_of: date,
    region: str | None = None,
    members: Sequence[str] | None = None,
) -> str:
    """Record a replay job and its partitions; returns the job id (workers are sent ids only)."""
    if not 1 <= partitions <= PARTITIONS_MAX:
        raise ReplayError(f"partitions must be 1 to {PARTITIONS_MAX} (got {partitions})")
    # The population is the members opened by now; counted, not kept: the listing is streamed, so a
    # replay's memory does not grow with the population. Members opened later are not in the job.
    from_notification_id = ledger.recorder.max_notification_id() or 0
    if members is not None:
        members = list(dict.fromkeys(members))  # a member listed twice is replayed once (first-listed order)
    members_total = (
        len(members) if members is not None else sum(1 for _ in member_ids(ledger, up_to=from_notification_id))
    )
    job_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            ReplayJob.__table__.insert().values(
                job_id=job_id,
                model_set=model_set_name(edition),
                edition_name=edition.name,
                edition_hash=edition.content_hash,
                edition_source=source,
                region=region,
                members_json=None if members is None else json.dumps(list(members)),
                as_of=as_of,
                partitions=partitions,
                members_total=members_total,
                created_at=now,
                from_notification_id=from_notification_id,
            )
        )
        for partition in range(partitions):
            connection.execute(
                ReplayPartition.__table__.insert().values(
                    job_id=job_id, partition=partition, members_done=0, events_done=0, status="pending"
                )
            )
    return job_id


def run_partition(
    engine: Engine, ledger: LedgerApplication, rulebook: Rulebook, *, job_id: str, partition: int
) -> None:
    """Refold one partition's members into the job's read-model set (idempotent)."""
    with engine.connect() as connection:
        job = connection.execute(select(ReplayJob).where(ReplayJob.job_id == job_id)).mappings().first()
    if job is None:
        raise ReplayError(f"no replay job {job_id}")
    edition = resolve_edition(job["edition_source"], rulebook)
    if edition.content_hash != job["edition_hash"]:
        raise ReplayError(f"job {job_id}: the edition rebuilt here has another hash than the job's")
    finder = edition_finder(rulebook, edition)
    population = (
        json.loads(job["members_json"])
        if job["members_json"]
        else member_ids(ledger, up_to=job["from_notification_id"])
    )
    _partition_status(engine, job_id, partition, status="running", started=True)
    done = (0, 0)
    chunk: list[str] = []
    for member_id in population:
        if partition_of(member_id, job["partitions"]) != partition:
            continue
        chunk.append(member_id)
        if len(chunk) == MEMBERS_PER_TRANSACTION:
            done = _write_chunk(engine, job, partition, list(ledger.member_streams(chunk).items()), finder, done=done)
            chunk = []
    _write_chunk(engine, job, partition, list(ledger.member_streams(chunk).items()), finder, done=done)
    _partition_status(engine, job_id, partition, status="done", finished=True)


def _write_chunk(
    engine: Engine,
    job: Any,
    partition: int,
    chunk: list[tuple[str, list[Any]]],
    finder: Callable[..., Edition],
    *,
    done: tuple[int, int],
) -> tuple[int, int]:
    """Replace the rows of a few members and advance the partition's progress, in one transaction."""
    model_set = job["model_set"]
    members_done, events_done = done
    coverages: list[dict[str, Any]] = []
    settlements: list[dict[str, Any]] = []
    usages: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    failed: list[tuple[str, list[Any], Exception]] = []
    for member_id, events in chunk:
        members_done += 1
        events_done += len(events)
        try:
            folded = _fold(member_id, events, finder, as_of=job["as_of"], region=job["region"])
        except Exception as error:  # one member's failure is recorded; the partition goes on
            if not member_fault(error):
                raise
            failed.append((member_id, events, error))
            continue
        if folded is None:
            continue
        coverages.extend(values | {"model_set": model_set} for values in coverage_rows(folded))
        settlements.extend(values | {"model_set": model_set} for values in settlement_rows(folded))
        usages.extend(values | {"model_set": model_set} for values in cap_usage_rows(folded))
        decisions.extend(values | {"model_set": model_set} for values in retroactive_rows(folded))
    members = [member_id for member_id, _ in chunk]
    with engine.begin() as connection:
        for table in SET_TABLES:
            connection.execute(delete(table).where(table.model_set == model_set, table.member_id.in_(members)))
        for table, rows in (
            (ReplayMemberCoverage, coverages),
            (ReplayClaimSettlement, settlements),
            (ReplayCapUsage, usages),
            (ReplayRetroactiveAssistance, decisions),
        ):
            _insert_rows(connection, table, rows)
        record_replay_failures(connection, job, members, failed, finder)
        connection.execute(
            ReplayPartition.__table__.update()
            .where(ReplayPartition.job_id == job["job_id"], ReplayPartition.partition == partition)
            .values(members_done=members_done, events_done=events_done)
        )
    keep_set_statistics(engine)
    return members_done, events_done


def keep_set_statistics(engine: Engine) -> list[str]:
    """``ANALYZE`` the set tables whose statistics are stale (PostgreSQL); the tables analysed.

    A replay writes a set far faster than autovacuum looks (about once a minute). Without statistics the
    planner took a new set for a few rows, so each chunk's delete of its members (``model_set = …`` and
    ``member_id IN …``) read every row the set held so far, and once psycopg had prepared the statement (its
    fifth run) the generic plan compared each row with every member of the list: 2 ms for the first chunks,
    270 ms at 30,000 rows, half of a 20,000-member partition's time. With statistics the plan fits the set's
    size (a scan of a small set, the primary key of a large one). Checked after each chunk, outside its
    transaction: one catalogue read; each table analysed in a transaction of its own and in name order, so
    partitions analysing at the same moment wait for each other but never deadlock.
    """
    if engine.dialect.name != "postgresql":
        return []  # SQLite's planner takes the primary key for the member list without statistics
    names = [table.__tablename__ for table in SET_TABLES]
    with engine.connect() as connection:
        stale = list(
            connection.execute(
                text(
                    "SELECT s.relid::regclass::text FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                    " WHERE s.relname = ANY(:names) AND s.schemaname = current_schema()"
                    " AND s.n_mod_since_analyze > :rows_min + :share * greatest(c.reltuples, 0)"
                    " ORDER BY s.relname"
                ),
                {"names": names, "rows_min": SET_STATISTICS_ROWS_MIN, "share": SET_STATISTICS_STALE_SHARE},
            ).scalars()
        )
        connection.commit()
        for table in stale:
            connection.execute(text(f"ANALYZE {table}"))  # a name PostgreSQL itself quoted (regclass)
            connection.commit()
    return stale


def _insert_rows(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the caller's transaction: ``COPY`` on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.__table__.insert(), rows)
        return
    from psycopg.sql import SQL, Identifier

    columns = list(rows[0])
    statement = SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=Identifier(table.__tablename__), columns=SQL(", ").join(Identifier(c) for c in columns)
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _fold(
    member_id: str, events: list[Any], finder: Callable[..., Edition], *, as_of: date, region: str | None
) -> MemberLedger | None:
    """The member folded under the replay's editions, or None when out of scope."""
    if not events:
        return None
    if region is not None and region not in _regions_named(events):
        return None  # never in the region: not folded at all (a region's replay of a shared store)
    try:
        folded = fold_member(events, member_id=member_id, as_of=as_of, known_at=_RECORDED_BY, edition_for=finder)
    except NoRuleSet:
        return None
    if region is not None and folded.facts.region != region:
        return None
    return folded


def _regions_named(events: list[Any]) -> set[str]:
    """Every region a member's events name (a registration's or payment's ``region``, both ends of a move). The
    fold takes a member's region from these, so a member naming none of a replay's region is out of its scope
    without being folded."""
    named: set[str] = set()
    for event in events:
        data = event.data
        for key in ("region", "from_region", "to_region"):
            value = data.get(key)
            if value is not None:
                named.add(str(value))
    return named


def _partition_status(
    engine: Engine, job_id: str, partition: int, *, status: str, started: bool = False, finished: bool = False
) -> None:
    values: dict[str, Any] = {"status": status}
    if started:
        values["started_at"] = datetime.now(UTC)
    if finished:
        values["finished_at"] = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            ReplayPartition.__table__.update()
            .where(ReplayPartition.job_id == job_id, ReplayPartition.partition == partition)
            .values(**values)
        )


def unfinished_partitions(engine: Engine, job_id: str) -> list[int]:
    """The partitions of a job not yet done (pending, or left running by a worker that died)."""
    with engine.connect() as connection:
        if connection.execute(select(ReplayJob.job_id).where(ReplayJob.job_id == job_id)).first() is None:
            raise ReplayError(f"no replay job {job_id}")
        rows = connection.execute(
            select(ReplayPartition.partition)
            .where(ReplayPartition.job_id == job_id, ReplayPartition.status != "done")
            .order_by(ReplayPartition.partition)
        )
        return [int(partition) for partition in rows.scalars()]


def job_progress(engine: Engine, job_id: str) -> JobProgress:
    """Members and events done, partitions finished, speed and ETA of a job."""
    with engine.connect() as connection:
        job = connection.execute(select(ReplayJob).where(ReplayJob.job_id == job_id)).mappings().first()
        if job is None:
            raise ReplayError(f"no replay job {job_id}")
        done = connection.execute(
            select(
                func.coalesce(func.sum(ReplayPartition.members_done), 0),
                func.coalesce(func.sum(ReplayPartition.events_done), 0),
                func.count().filter(ReplayPartition.status == "done"),
                func.min(ReplayPartition.started_at),
            ).where(ReplayPartition.job_id == job_id)
        ).one()
    started = done[3]
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    elapsed = (datetime.now(UTC) - started).total_seconds() if started else 0.0
    return JobProgress(
        job_id=job_id,
        model_set=job["model_set"],
        members_total=job["members_total"],
        members_done=int(done[0]),
        events_done=int(done[1]),
        partitions_done=int(done[2]),
        partitions=job["partitions"],
        elapsed_s=elapsed,
    )


def model_set_checksum(engine: Engine, model_set: str) -> str:
    """A digest of a read-model set's rows (two replays of one edition give the same digest)."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in SET_TABLES:
            rows = connection.execute(
                select(table).where(table.model_set == model_set).order_by(*table.__table__.primary_key.columns)
            ).all()
            digest.update(f"{table.__tablename__}:{[tuple(map(str, row)) for row in rows]}".encode())
    return digest.hexdigest()


#: Seconds between two reads of a job's progress while following it.
JOB_POLL_S = 0.2


class Progress(Protocol):
    @property
    def done(self) -> bool: ...

    @property
    def members_done(self) -> int: ...


ProgressT = TypeVar("ProgressT", bound=Progress)


def follow_job(
    read: Callable[[], ProgressT],
    *,
    timeout_s: float,
    on_progress: Callable[[ProgressT], None],
    refusal: Callable[[str], Exception],
) -> ProgressT:
    """Read a job's progress every JOB_POLL_S until it is done; ``refusal(message)`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        progress = read()
        on_progress(progress)
        if progress.done:
            return progress
        if time.monotonic() > deadline:
            raise refusal(f"not done after {timeout_s}s ({progress.members_done} members)")
        time.sleep(JOB_POLL_S)


def wait_for(
    engine: Engine, job_id: str, *, timeout_s: float, on_progress: Callable[[JobProgress], None]
) -> JobProgress:
    """Follow a replay job until it is done or ``timeout_s`` passes."""
    return follow_job(
        lambda: job_progress(engine, job_id),
        timeout_s=timeout_s,
        on_progress=on_progress,
        refusal=lambda reason: ReplayError(f"replay {job_id} {reason}"),
    )


@dataclass(frozen=True)
class Promotion:
    """A replay set made the live read model (``already`` when it already was, by an earlier promote)."""

    promotion_number: int
    job_id: str
    model_set: str
    edition_name: str
    edition_hash: str
    from_notification_id: int
    members_promoted: int
    members_kept: int
    promoted_at: datetime
    already: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "promotion_number": self.promotion_number,
            "job_id": self.job_id,
            "model_set": self.model_set,
            "edition_name": self.edition_name,
            "edition_hash": self.edition_hash,
            "from_notification_id": self.from_notification_id,
            "members_promoted": self.members_promoted,
            "members_kept": self.members_kept,
            "promoted_at": self.promoted_at.isoformat(),
            "already_live": self.already,
        }


def promote(engine: Engine, rulebook: Rulebook, job_id: str) -> Promotion:
    """Make a finished replay's set the live read model, in one transaction (docs/replay.md).

    The set's coverage periods, claim settlements and cap usage replace the live rows of every
    member the live projection has not changed since the replay began (``from_notification_id``);
    members it has changed since keep their live rows, which are newer. The live projection's
    tracking position is not moved: it goes on folding new events under the rulebook, which is why
    only a set whose every edition is the rulebook's can be promoted. Promoting the job that is
    already live changes nothing.
    """
    with engine.begin() as connection:
        _lock_live_model(connection, job_id)
        job = connection.execute(select(ReplayJob).where(ReplayJob.job_id == job_id)).mappings().first()
        if job is None:
            raise ReplayError(f"no replay job {job_id}")
        latest = (
            connection.execute(select(ReplayPromotion).order_by(ReplayPromotion.promotion_number.desc()).limit(1))
            .mappings()
            .first()
        )
        if latest is not None and latest["job_id"] == job_id:
            return _promotion(latest, already=True)
        _check_promotable(connection, job, rulebook)
        model_set = job["model_set"]
        since = job["from_notification_id"]
        changed_since = select(MemberIndex.member_id).where(MemberIndex.last_notification_id > since)
        members_kept = connection.execute(select(func.count()).select_from(changed_since.subquery())).scalar_one()
        in_set = union(
            *(select(table.member_id).where(table.model_set == model_set) for table, _live in PROMOTED_TABLES)
        ).subquery()
        members_promoted = connection.execute(
            select(func.count()).select_from(in_set).where(in_set.c.member_id.not_in(changed_since))
        ).scalar_one()
        for replay_table, live_table in PROMOTED_TABLES:
            columns = [column.name for column in live_table.__table__.columns]
            connection.execute(delete(live_table).where(live_table.member_id.not_in(changed_since)))
            connection.execute(
                live_table.__table__.insert().from_select(
                    columns,
                    select(*(replay_table.__table__.c[name] for name in columns)).where(
                        replay_table.model_set == model_set, replay_table.member_id.not_in(changed_since)
                    ),
                )
            )
        values = {
            "job_id": job_id,
            "model_set": model_set,
            "edition_name": job["edition_name"],
            "edition_hash": job["edition_hash"],
            "from_notification_id": since,
            "members_promoted": members_promoted,
            "members_kept": members_kept,
            "promoted_at": datetime.now(UTC),
        }
        number = connection.execute(ReplayPromotion.__table__.insert().values(**values)).inserted_primary_key
        assert number is not None
        return _promotion(values | {"promotion_number": number[0]}, already=False)


def live_promotion(engine: Engine) -> Promotion | None:
    """The latest promotion, if any replay set was ever promoted."""
    with engine.connect() as connection:
        latest = (
            connection.execute(select(ReplayPromotion).order_by(ReplayPromotion.promotion_number.desc()).limit(1))
            .mappings()
            .first()
        )
    return None if latest is None else _promotion(latest, already=True)


def _lock_live_model(connection: Connection, job_id: str) -> None:
    """Serialise with the live projection and other promotions before reading anything.

    PostgreSQL: every projection transaction reads ``member_index`` before it writes any live row, so
    an ACCESS EXCLUSIVE lock on it, taken first, waits for a projection batch in flight to finish and
    holds the next one at its first statement — no lock-order deadlock with the projection, which
    touches the live tables in varying order. The other live tables are then locked EXCLUSIVE
    (readable). SQLite: a first write takes the database's one write lock for the transaction.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"LOCK TABLE {MemberIndex.__tablename__} IN ACCESS EXCLUSIVE MODE"))
        tables = ", ".join([ReplayPromotion.__tablename__] + [live.__tablename__ for _replay, live in PROMOTED_TABLES])
        connection.execute(text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))
    else:
        connection.execute(
            ReplayJob.__table__.update().where(ReplayJob.job_id == job_id).values(job_id=literal(job_id))
        )


def _check_promotable(connection: Connection, job: Any, rulebook: Rulebook) -> None:
    """Refuse, saying why, a job whose set cannot stand as the live read model."""
    job_id = job["job_id"]
    partitions = connection.execute(
        select(func.count().filter(ReplayPartition.status == "done"), func.sum(ReplayPartition.members_done)).where(
            ReplayPartition.job_id == job_id
        )
    ).one()
    if int(partitions[0]) != job["partitions"]:
        raise ReplayError(
            f"replay {job_id} is not finished ({partitions[0]} of {job['partitions']} partitions done, "
            f"{partitions[1] or 0} of {job['members_total']} members): wait for it, then promote"
        )
    if job["region"] is not None or job["members_json"] is not None:
        raise ReplayError(
            f"replay {job_id} covers only {'region ' + job['region'] if job['region'] else 'listed members'}: "
            "only a replay of every member can become the live read model"
        )
    if job["as_of"] != LIVE_AS_OF:
        raise ReplayError(
            f"replay {job_id} was folded as of {job['as_of']}, the live read model as of {LIVE_AS_OF} "
            f"(everything recorded): replay with --as-of {LIVE_AS_OF} to promote"
        )
    if job["from_notification_id"] is None:
        raise ReplayError(f"replay {job_id} predates promotion (no start position): replay again to promote")
    model_set = job["model_set"]
    used: set[tuple[str, str]] = set()
    for table in (ReplayMemberCoverage, ReplayClaimSettlement, ReplayRetroactiveAssistance):
        used |= {
            (name, content_hash)
            for name, content_hash in connection.execute(
                select(table.rule_set, table.edition_hash).where(table.model_set == model_set).distinct()
            )
            if name is not None and content_hash is not None
        }
    for name, content_hash in sorted(used):
        live = rulebook.get(name)
        if live is None or live.content_hash != content_hash:
            raise ReplayError(
                f"replay {job_id} used {name}@{content_hash[:HASH_DISPLAY_LENGTH]}, but the rulebook's {name} is "
                f"{'absent' if live is None else '@' + live.hash_short}: the live projection folds new events "
                "under the rulebook and would overwrite the promoted rows member by member. Make the edition "
                "the rule set's (docs/rules.md) and promote the same set again"
            )


def _promotion(row: Any, *, already: bool) -> Promotion:
    promoted_at = row["promoted_at"]
    if promoted_at.tzinfo is None:
        promoted_at = promoted_at.replace(tzinfo=UTC)
    return Promotion(
        promotion_number=int(row["promotion_number"]),
        job_id=row["job_id"],
        model_set=row["model_set"],
        edition_name=row["edition_name"],
        edition_hash=row["edition_hash"],
        from_notification_id=int(row["from_notification_id"]),
        members_promoted=int(row["members_promoted"]),
        members_kept=int(row["members_kept"]),
        promoted_at=promoted_at,
        already=already,
    )
