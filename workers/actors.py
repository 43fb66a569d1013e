"""dramatiq actors: thin — decode ids, call the projection code, return. Each one is idempotent."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dramatiq
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import Engine, create_engine

from api.settings import Settings, sqlalchemy_url
from projections.heap import freeze_startup_heap
from projections.replay import run_partition
from projections.rulebook import Rulebook, load_rulebook
from projections.store import LedgerApplication, open_store

#: Retries of a failed partition (it is idempotent: a retry rewrites the same rows).
REPLAY_PARTITION_RETRIES_MAX = 3
#: Longest a partition may run before dramatiq interrupts it (ms).
REPLAY_PARTITION_TIME_LIMIT_MS = 6 * 60 * 60 * 1000

#: The actors' log lines (JSON in ``ledger worker`` and ``ledger project``): one when a partition starts,
#: one when it ends, with ``job_id``, ``partition`` and the time taken.
logger = logging.getLogger("ledger.worker")


@contextmanager
def logged_partition(kind: str, job_id: str, partition: int) -> Iterator[None]:
    """Log a partition's start and end (or failure: dramatiq logs the traceback and retries it)."""
    fields: dict[str, object] = {"job_kind": kind, "job_id": job_id, "partition": partition}
    logger.info("%s %s partition %d: started", kind, job_id, partition, extra=fields)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.warning(
            "%s %s partition %d: failed after %.0f ms",
            kind,
            job_id,
            partition,
            elapsed_ms,
            extra=fields | {"duration_ms": elapsed_ms},
        )
        raise
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info(
        "%s %s partition %d: done in %.0f ms",
        kind,
        job_id,
        partition,
        elapsed_ms,
        extra=fields | {"duration_ms": elapsed_ms},
    )


# Actors are declared on a placeholder broker; workers.broker.install_broker moves them to the real one.
dramatiq.set_broker(StubBroker())


#: The settings actors use: set by the process that hosts them (the service, `ledger replay`, `ledger worker`);
#: unset, they are read from the environment (LEDGER_*).
_configured: list[Settings] = []


def use_settings(settings: Settings) -> None:
    """Make the actors of this process use ``settings`` (the hosting process's own configuration)."""
    _configured[:] = [settings]


def _settings() -> Settings:
    return _configured[0] if _configured else Settings()


#: Per worker process: one engine, one event-store application, one rulebook, by database URL.
_opened: dict[str, tuple[Engine, LedgerApplication, Rulebook]] = {}
#: Worker threads take their first messages together: one of them opens the resources, the others wait.
_opening = threading.Lock()


def _resources(database_url: str) -> tuple[Engine, LedgerApplication, Rulebook]:
    with _opening:
        if database_url not in _opened:
            first = not _opened
            engine = create_engine(sqlalchemy_url(database_url))
            _opened[database_url] = (engine, open_store(database_url), load_rulebook())
            if first:  # once a process, before its first fold: partitions allocate millions of short-lived objects
                freeze_startup_heap()
        return _opened[database_url]


def close_resources() -> None:
    """Close this process's store connections and forget them (at exit, while Python can still do so)."""
    while _opened:
        _url, (engine, ledger, _rulebook) = _opened.popitem()
        ledger.close()
        engine.dispose()


atexit.register(close_resources)


@dramatiq.actor(
    actor_name="replay_partition",
    queue_name="replays",
    max_retries=REPLAY_PARTITION_RETRIES_MAX,
    time_limit=REPLAY_PARTITION_TIME_LIMIT_MS,
)
def replay_partition(job_id: str, partition: int) -> None:
    """Refold one partition of a replay job into its read-model set (configuration from LEDGER_*)."""
    engine, ledger, rulebook = _resources(_settings().database_url)
    with logged_partition("replay", job_id, partition):
        run_partition(engine, ledger, rulebook, job_id=job_id, partition=partition)


ACTORS = (replay_partition,)
