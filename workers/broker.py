"""The dramatiq broker: Redis when ``LEDGER_REDIS_URL`` is set, else in-process (no Redis needed).

dramatiq carries jobs (replay and audit partitions), never the live event feed: its delivery is at least
once and unordered, so every actor takes ids only and is idempotent.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

#: Seconds a Redis connection may take before the broker gives up (loopback servers answer at once).
REDIS_SOCKET_TIMEOUT_S = 5


def make_broker(redis_url: str | None) -> dramatiq.Broker:
    """A Redis broker for ``redis_url``, or the in-process stub broker of the embedded default."""
    if redis_url:
        return RedisBroker(url=redis_url, socket_timeout=REDIS_SOCKET_TIMEOUT_S)
    return StubBroker()


def install_broker(redis_url: str | None) -> dramatiq.Broker:
    """Make the broker the global one and declare the ledger's actors on it."""
    broker = make_broker(redis_url)
    dramatiq.set_broker(broker)
    from workers import actors, audit, outbox

    for actor in (*actors.ACTORS, *audit.ACTORS, *outbox.ACTORS):
        actor.broker = broker
        broker.declare_actor(actor)
    return broker


def partition_worker(broker: dramatiq.Broker, *, threads: int, queues: set[str]) -> dramatiq.Worker:
    """A dramatiq worker for job partitions (replays, audits) that holds one message per thread, never more.

    dramatiq prefetches twice its threads by default, which suits short messages. A partition runs for
    seconds to hours, and one prefetched behind it waits there while other workers idle: with N
    one-thread workers sharing a job of N partitions, the first ones took two partitions each and the
    others none, so the job ran at the speed of half its workers. Here a message stays in the queue
    until a thread is free to start it, on whichever worker that is. (dramatiq counts per queue: a worker
    consuming both replays and audits may still hold one of each per thread while both kinds of job run.)
    """
    worker = dramatiq.Worker(broker, worker_threads=threads, queues=queues)
    worker.queue_prefetch = threads  # read when the worker starts its consumers
    return worker

