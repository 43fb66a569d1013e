"""Job partitions (replays, audits) go to whichever worker has a free thread, through a real redis-server.

A partition runs for seconds to hours. A worker that prefetched a second partition behind the one it
runs would hold it while other workers idle, so ``workers.broker.partition_worker`` takes one message
per thread and leaves the rest in Redis.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import dramatiq
import pytest

from tests.support.servers import redis_server
from workers.broker import install_broker, partition_worker

#: Longest a test waits for a message to be taken (s); the workers poll Redis every second when idle.
TAKEN_WITHIN_S = 20


@pytest.fixture
def broker() -> Iterator[dramatiq.Broker]:
    with redis_server() as redis_url:
        broker = install_broker(redis_url)
        try:
            yield broker
        finally:
            broker.close()


def test_a_busy_worker_leaves_the_next_partition_to_a_free_one(broker: dramatiq.Broker) -> None:
    first_running, release, second_ran = threading.Event(), threading.Event(), threading.Event()
    ran_by: list[str] = []
    lock = threading.Lock()

    def partition(number: int) -> None:
        with lock:
            ran_by.append(threading.current_thread().name)
            first = len(ran_by) == 1
        if first:  # the first partition taken holds its worker's only thread until the test ends
            first_running.set()
            release.wait(TAKEN_WITHIN_S * 2)
        else:
            second_ran.set()

    actor = dramatiq.actor(partition, actor_name="test_partition", queue_name="replays", broker=broker)
    actor.send(0)
    actor.send(1)  # both wait in Redis before any worker starts
    busy = partition_worker(broker, threads=1, queues={"replays"})
    free = partition_worker(broker, threads=1, queues={"replays"})
    busy.start()
    try:
        assert first_running.wait(TAKEN_WITHIN_S), "the first worker never took a partition"
        free.start()
        # The busy worker's one thread is held: the other partition must still be in Redis, for the free worker.
        assert second_ran.wait(TAKEN_WITHIN_S), "the second partition waited behind the first (prefetched)"
        assert ran_by[0] != ran_by[1]
    finally:
        release.set()
        busy.stop()
        free.stop()


def test_a_partition_worker_holds_one_message_per_thread(broker: dramatiq.Broker) -> None:
    worker = partition_worker(broker, threads=3, queues={"replays"})
    assert (worker.worker_threads, worker.queue_prefetch) == (3, 3)
