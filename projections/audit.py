"""Audits over the event store: fold every member under edition A and compare with B or with what was paid.

Members are read from the notification log (the ``MemberStream.Opened`` events, in the order the
ledger learned them), so an audit needs no read model. Each member is folded with the one domain
fold (``fold_member``) on each side and compared by ``domain.audit``; nothing is written to the
ledger or its read models. ``ledger audit`` runs the computation as partitioned jobs for dramatiq
workers (below); each partition's differences are kept in ``audit_partition``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.utils import get_topic
from sqlalchemy import Engine, func, select

from domain.audit import (
    RECORDED,
    AuditTotals,
    Difference,
    RecordedDecision,
    compare_claims,
    compare_entitlements,
    compare_retroactive_assistance,
    known_at_side,
)
from domain.entitlements.fold import NoRuleSet, edition_finder, fold_member
from domain.errors import LedgerError
from domain.member_stream import MemberStream
from domain.policies import Edition
from projections.readmodel import AuditJob, AuditPartition
from projections.rulebook import Rulebook
from projections.store import LedgerApplication


class AuditError(LedgerError):
    code = "audit_error"


#: Notifications read per page while listing members.
MEMBER_LISTING_PAGE_NOTIFICATIONS = 1000


def member_ids(ledger: LedgerApplication, *, up_to: int | None = None) -> Iterator[str]:
    """Every member the ledger holds, in the order their streams were opened (streamed, page by page);
    with ``up_to``, only those opened at or before that notification id (a job's fixed population)."""
    topic = get_topic(MemberStream.Opened)
    position = 0
    while True:
        page = ledger.recorder.select_notifications(
            start=position,
            limit=MEMBER_LISTING_PAGE_NOTIFICATIONS,
            stop=up_to,
            topics=[topic],
            inclusive_of_start=False,
        )
        if not page:
            return
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            assert isinstance(event, MemberStream.Opened)
            yield event.member_id
        position = page[-1].id


def recorded_decisions(ledger: LedgerApplication, member_id: str) -> dict[str, RecordedDecision]:
    """The ClaimSettled decisions of a member, by claim_id."""
    return {
        event.claim_id: RecordedDecision(
            claim_id=event.claim_id,
            edition_name=event.edition_name,
            edition_hash=event.edition_hash,
            status=event.status,
            layers_fen=event.layers_fen,
            explanations=list(event.document.get("explanations", [])),
        )
        for event in ledger.member_settlements(member_id)
    }


def audit_members(
    ledger: LedgerApplication,
    editions: Mapping[str, Edition],
    *,
    edition_a: Edition | None,
    against: Edition | str | None,
    members: Iterable[str],
    as_of: date,
    known_at: datetime,
    region: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[str, list[Difference]]]:
    """Per member, the differences between side A (``edition_a``, default the rulebook) and side B.

    ``against`` is another edition, ``None`` for the rulebook's own editions, ``"recorded"`` for the
    decisions the ledger recorded, or ``"known-at:<time>"`` for the rulebook's fold as known at that
    time (what the events recorded since, corrections included, changed). Members of other regions
    than ``region`` are skipped, and so are members whose region has no full rule set.
    """
    finder_a = edition_finder(editions, edition_a)
    known_b = known_at_side(against) or known_at
    finder_b = (
        None if against == RECORDED else edition_finder(editions, against if isinstance(against, Edition) else None)
    )
    for member_id in members:
        events = ledger.member_events(member_id)
        if progress is not None:
            progress(member_id)
        if not events:
            continue
        try:
            side_a = fold_member(events, member_id=member_id, as_of=as_of, known_at=known_at, edition_for=finder_a)
            if region is not None and side_a.facts.region != region:
                continue
            if finder_b is None:
                differences = compare_claims(side_a, recorded_decisions(ledger, member_id))
            else:
                side_b = fold_member(events, member_id=member_id, as_of=as_of, known_at=known_b, edition_for=finder_b)
                years = sorted(
                    {p.covered_from.year for p in side_a.periods} | {p.covered_from.year for p in side_b.periods}
                )
                differences = (
                    compare_entitlements(side_a, side_b, years)
                    + compare_claims(side_a, side_b)
                    + compare_retroactive_assistance(side_a, side_b)
                )
        except NoRuleSet:
            continue
        yield member_id, differences


def summarise(results: Iterable[tuple[str, list[Difference]]]) -> tuple[AuditTotals, list[Difference]]:
    totals = AuditTotals()
    everything: list[Difference] = []
    for _member_id, differences in results:
        totals.add(differences)
        everything.extend(differences)
    return totals, everything


def audit_json(totals: AuditTotals, differences: list[Difference], *, side_a: str, side_b: str) -> dict[str, Any]:
    return {
        "side_a": side_a,
        "side_b": side_b,
        "members_compared": totals.members_compared,
        "members_changed": totals.members_changed,
        "totals": totals.rows(),
        "differences": [d.as_json() for d in differences],
    }


# Audits as partitioned jobs -------------------------------------------------------------------------
#
# ``ledger audit`` splits the members into partitions by the replays' stable hash; each partition is
# a dramatiq message carrying (job_id, partition) only. A partition folds its members with
# :func:`audit_members` (the same computation as in one process) and stores its differences, each
# member with its place in the member listing, in its own row, replacing what a redelivered message
# wrote before. The coordinator merges the rows back into listing order, so the CSV and JSON are the
# same as one process would write.

#: Side B stored for the rulebook's own editions.
RULEBOOK = "rulebook"


def create_audit_job(
    engine: Engine,
    ledger: LedgerApplication,
    *,
    side_a_source: str | None,
    side_b_source: str,
    partitions: int,
    as_of: date,
    known_at: datetime,
    region: str | None = None,
    members: Sequence[str] | None = None,
) -> str:
    """Record an audit job and its partitions; returns the job id (workers are sent ids only).

    ``side_a_source`` is an edition source (``projections.replay.edition_source``) or None for the
    rulebook; ``side_b_source`` is ``"recorded"``, ``"rulebook"`` or an edition source.
    """
    from projections.replay import PARTITIONS_MAX

    if not 1 <= partitions <= PARTITIONS_MAX:
        raise AuditError(f"partitions must be 1 to {PARTITIONS_MAX} (got {partitions})")
    from_notification_id = ledger.recorder.max_notification_id() or 0
    members_total = (
        len(members) if members is not None else sum(1 for _ in member_ids(ledger, up_to=from_notification_id))
    )
    job_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(
            AuditJob.__table__.insert().values(
                job_id=job_id,
                side_a_source=side_a_source,
                side_b_source=side_b_source,
                region=region,
                members_json=None if members is None else json.dumps(list(members)),
                as_of=as_of,
                known_at=known_at,
                partitions=partitions,
                members_total=members_total,
                created_at=datetime.now(UTC),
                from_notification_id=from_notification_id,
            )
        )
        connection.execute(
            AuditPartition.__table__.insert(),
            [{"job_id": job_id, "partition": p, "status": "pending", "members_done": 0} for p in range(partitions)],
        )
    return job_id


def run_audit_partition(
    engine: Engine, ledger: LedgerApplication, rulebook: Rulebook, *, job_id: str, partition: int
) -> None:
    """Audit one partition's members and store their differences (idempotent: a rerun rewrites the row)."""
    from projections.replay import partition_of, resolve_edition

    with engine.connect() as connection:
        job = connection.execute(select(AuditJob).where(AuditJob.job_id == job_id)).mappings().first()
    if job is None:
        raise AuditError(f"no audit job {job_id}")
    side_a = None if job["side_a_source"] is None else resolve_edition(job["side_a_source"], rulebook)
    side_b: Edition | str | None = job["side_b_source"]
    if side_b == RULEBOOK:
        side_b = None
    elif side_b != RECORDED and known_at_side(side_b) is None:
        side_b = resolve_edition(job["side_b_source"], rulebook)
    known_at = job["known_at"] if job["known_at"].tzinfo else job["known_at"].replace(tzinfo=UTC)
    population = (
        json.loads(job["members_json"])
        if job["members_json"]
        else member_ids(ledger, up_to=job["from_notification_id"])
    )
    place = {}
    mine = []
    for number, member_id in enumerate(population):
        if partition_of(member_id, job["partitions"]) == partition:
            place[member_id] = number
            mine.append(member_id)
    _audit_partition_row(engine, job_id, partition, status="running", started_at=datetime.now(UTC))
    results = [
        [place[member_id], member_id, [asdict(d) for d in differences]]
        for member_id, differences in audit_members(
            ledger,
            rulebook,
            edition_a=side_a,
            against=side_b,
            members=mine,
            as_of=job["as_of"],
            known_at=known_at,
            region=job["region"],
        )
    ]
    _audit_partition_row(
        engine,
        job_id,
        partition,
        status="done",
        members_done=len(mine),
        result_json=json.dumps(results, ensure_ascii=False, sort_keys=True),
        finished_at=datetime.now(UTC),
    )


def _audit_partition_row(engine: Engine, job_id: str, partition: int, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(
            AuditPartition.__table__.update()
            .where(AuditPartition.job_id == job_id, AuditPartition.partition == partition)
            .values(**values)
        )


@dataclass(frozen=True)
class AuditProgress:
    job_id: str
    members_total: int
    members_done: int
    partitions_done: int
    partitions: int

    @property
    def done(self) -> bool:
        return self.partitions_done == self.partitions


def audit_progress(engine: Engine, job_id: str) -> AuditProgress:
    with engine.connect() as connection:
        job = connection.execute(select(AuditJob).where(AuditJob.job_id == job_id)).mappings().first()
        if job is None:
            raise AuditError(f"no audit job {job_id}")
        done = connection.execute(
            select(
                func.coalesce(func.sum(AuditPartition.members_done), 0),
                func.count().filter(AuditPartition.status == "done"),
            ).where(AuditPartition.job_id == job_id)
        ).one()
    return AuditProgress(
        job_id=job_id,
        members_total=job["members_total"],
        members_done=int(done[0]),
        partitions_done=int(done[1]),
        partitions=job["partitions"],
    )


def audit_job_results(engine: Engine, job_id: str) -> Iterator[tuple[str, list[Difference]]]:
    """A finished job's differences per member, in member-listing order (as :func:`audit_members` yields them)."""
    merged: list[tuple[int, str, list[Difference]]] = []
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditPartition.partition, AuditPartition.status, AuditPartition.result_json).where(
                AuditPartition.job_id == job_id
            )
        ).all()
    if not rows:
        raise AuditError(f"no audit job {job_id}")
    for partition, status, result_json in rows:
        if status != "done" or result_json is None:
            raise AuditError(f"audit {job_id}: partition {partition} is {status}, not done")
        merged.extend(
            (number, member_id, [Difference(**d) for d in differences])
            for number, member_id, differences in json.loads(result_json)
        )
    merged.sort(key=lambda item: item[0])
    for _number, member_id, differences in merged:
        yield member_id, differences
