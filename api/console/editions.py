"""Editions a console page can name: the rulebook's rule sets, edition hashes, and the editions of replays.

A replay job carries its edition's source (a rulebook name, or the text of a rule-set or patch
file), so an edition replayed with ``ledger replay --edition patch.yaml`` can be compared and
audited from the console as ``job:<job_id>``; it is rebuilt with ``projections.replay.resolve_edition``
and checked against the hash the job recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from domain.policies import Edition
from projections.audit import AuditProgress, audit_progress
from projections.queries import UnknownEdition, find_edition
from projections.readmodel import AuditJob, ReplayJob
from projections.replay import JobProgress, job_progress, resolve_edition
from projections.rulebook import Rulebook

#: Replays and audit jobs listed on the audit page (newest first).
REPLAYS_LISTED_MAX = 50
JOB_PREFIX = "job:"


@dataclass(frozen=True)
class ReplayRow:
    job_id: str
    edition_name: str
    edition_hash: str
    #: Where the edition came from: the rule set's name, or the rule-set / patch file replayed.
    source: str
    region: str | None
    as_of: str
    created_at: str
    progress: JobProgress

    @property
    def reference(self) -> str:
        return f"{JOB_PREFIX}{self.job_id}"

    @property
    def done_percent(self) -> float:
        total = self.progress.members_total
        return 100.0 if total == 0 else round(100.0 * self.progress.members_done / total, 1)


def recent_replays(engine: Engine, *, limit: int = REPLAYS_LISTED_MAX) -> list[ReplayRow]:
    """The newest replay jobs with their progress (``projections.replay.job_progress``)."""
    with engine.connect() as connection:
        jobs = connection.execute(
            select(
                ReplayJob.job_id,
                ReplayJob.edition_name,
                ReplayJob.edition_hash,
                ReplayJob.edition_source,
                ReplayJob.region,
                ReplayJob.as_of,
                ReplayJob.created_at,
            )
            .order_by(ReplayJob.created_at.desc(), ReplayJob.job_id)
            .limit(limit)
        ).all()
    return [
        ReplayRow(
            job_id=job.job_id,
            edition_name=job.edition_name,
            edition_hash=job.edition_hash,
            source=source_label(job.edition_source),
            region=job.region,
            as_of=job.as_of.isoformat(),
            created_at=job.created_at.isoformat(timespec="seconds"),
            progress=job_progress(engine, job.job_id),
        )
        for job in jobs
    ]


def resolve(reference: str, rulebook: Rulebook, engine: Engine) -> Edition:
    """A rule-set name, an edition hash (prefix), or ``job:<id>`` for the edition a replay ran under."""
    if not reference.startswith(JOB_PREFIX):
        return find_edition(rulebook, reference)
    job_id = reference[len(JOB_PREFIX) :]
    with engine.connect() as connection:
        job = connection.execute(
            select(ReplayJob.edition_source, ReplayJob.edition_hash).where(ReplayJob.job_id == job_id)
        ).first()
    if job is None:
        raise UnknownEdition(f"no replay job {job_id}")
    edition = resolve_edition(job.edition_source, rulebook)
    if edition.content_hash != job.edition_hash:
        raise UnknownEdition(f"replay job {job_id}: its edition no longer rebuilds to the hash it ran under")
    return edition


def edition_choices(rulebook: Rulebook, replays: list[ReplayRow]) -> list[dict[str, Any]]:
    """Options for an edition picker: every rule set, then each replay's edition."""
    choices: list[dict[str, Any]] = [
        {"value": name, "label": f"{name} @{rulebook[name].hash_short}"} for name in rulebook
    ]
    choices += [
        {"value": row.reference, "label": f"{row.edition_name} @{row.edition_hash[:12]} (replay {row.job_id[:8]})"}
        for row in replays
    ]
    return choices


def source_label(source: str | None) -> str:
    """What an edition source (as jobs store it) names: the rule set, or the file the edition came from."""
    if source is None:
        return "rulebook"
    if not source.startswith("{"):
        return source  # "recorded" or "rulebook"
    spec = json.loads(source)
    return str(spec.get("rulebook") or spec.get("file_name") or "?")


@dataclass(frozen=True)
class AuditRow:
    job_id: str
    side_a: str
    side_b: str
    region: str | None
    as_of: str
    created_at: str
    progress: AuditProgress

    @property
    def done_percent(self) -> float:
        total = self.progress.members_total
        return 100.0 if total == 0 else round(100.0 * self.progress.members_done / total, 1)


def recent_audits(engine: Engine, *, limit: int = REPLAYS_LISTED_MAX, job_id: str | None = None) -> list[AuditRow]:
    """The newest audit jobs (or the one ``job_id``) with their progress (``projections.audit.audit_progress``)."""
    query = select(
        AuditJob.job_id,
        AuditJob.side_a_source,
        AuditJob.side_b_source,
        AuditJob.region,
        AuditJob.as_of,
        AuditJob.created_at,
    )
    if job_id is not None:
        query = query.where(AuditJob.job_id == job_id)
    with engine.connect() as connection:
        jobs = connection.execute(query.order_by(AuditJob.created_at.desc(), AuditJob.job_id).limit(limit)).all()
    return [
        AuditRow(
            job_id=job.job_id,
            side_a=source_label(job.side_a_source),
            side_b=source_label(job.side_b_source),
            region=job.region,
            as_of=job.as_of.isoformat(),
            created_at=job.created_at.isoformat(timespec="seconds"),
            progress=audit_progress(engine, job.job_id),
        )
        for job in jobs
    ]
