"""The audit actor: one partition of an audit job (ids only; idempotent — a rerun rewrites its row).

``ledger audit`` sends one ``audit_partition(job_id, partition)`` message per partition, on queue
``audits``: through Redis to ``ledger worker`` processes when ``LEDGER_REDIS_URL`` is set, else to a
dramatiq worker inside the auditing process (the stub broker).
"""

from __future__ import annotations

from collections.abc import Callable

import dramatiq
from sqlalchemy import Engine

from projections.audit import AuditError, AuditProgress, audit_progress, run_audit_partition
from projections.replay import follow_job
from workers.actors import _resources, _settings, logged_partition

#: Retries of a failed partition (it is idempotent: a retry rewrites the same row).
AUDIT_PARTITION_RETRIES_MAX = 3
#: Longest a partition may run before dramatiq interrupts it (ms).
AUDIT_PARTITION_TIME_LIMIT_MS = 6 * 60 * 60 * 1000
#: The queue audit partitions travel on (``ledger worker`` listens to it and to ``replays``).
AUDIT_QUEUE = "audits"


@dramatiq.actor(
    actor_name="audit_partition",
    queue_name=AUDIT_QUEUE,
    max_retries=AUDIT_PARTITION_RETRIES_MAX,
    time_limit=AUDIT_PARTITION_TIME_LIMIT_MS,
)
def audit_partition(job_id: str, partition: int) -> None:
    """Audit one partition of a job and store its differences (configuration from the hosting process)."""
    engine, ledger, rulebook = _resources(_settings().database_url)
    with logged_partition("audit", job_id, partition):
        run_audit_partition(engine, ledger, rulebook, job_id=job_id, partition=partition)


ACTORS = (audit_partition,)


def wait_for_audit(
    engine: Engine, job_id: str, *, timeout_s: float, on_progress: Callable[[AuditProgress], None]
) -> AuditProgress:
    """Follow an audit job until every partition is done or ``timeout_s`` passes."""
    return follow_job(
        lambda: audit_progress(engine, job_id),
        timeout_s=timeout_s,
        on_progress=on_progress,
        refusal=lambda reason: AuditError(f"audit {job_id} {reason}"),
    )
