"""Faults: real servers are killed and restarted, and the ledger loses nothing and doubles nothing.

* ``kill -9`` of the API server in the middle of a 10,000-event batch: all or nothing, and the
  client's retry with the same event_ids stores each event exactly once;
* ``kill -9`` of ``ledger project`` in the middle of a catch-up: after a restart the read model
  equals a clean rebuild (checksums);
* ``kill -9`` of a ``ledger worker`` in the middle of a replay partition: ``ledger replay resume``
  finishes the job and its read-model set equals a clean rebuild of the set;
* Redis down: events are still accepted, /healthz says degraded, the projection keeps up and its outbox
  effects wait; when Redis returns they are dispatched and /healthz is ok again;
* PostgreSQL restart: 503 with a clear message while it is down, success after, nothing lost or doubled;
* a poisoned member (a stored event its fold cannot read) is isolated by ``ledger project`` and by a
  replay, which go on with everyone else and list it;
* starting a replay with Redis down is a 503 naming the recorded job, which resumes when Redis returns.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from redis import exceptions as redis_errors
from sqlalchemy import Engine, create_engine, delete, select

from api.app import create_app, open_ledger
from api.routes.status import today_in_china
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from domain.identity import pseudonym
from projections.access import create_key
from projections.entitlements import catch_up, open_projection, read_model_checksum, reset_read_model
from projections.migrate import upgrade_to_head
from projections.outbox import dispatch_pending
from projections.readmodel import (
    Outbox,
    ProjectionTracking,
    ReplayCapUsage,
    ReplayClaimSettlement,
    ReplayJob,
    ReplayMemberCoverage,
    ReplayPartition,
    ReplayRetroactiveAssistance,
)
from projections.replay import job_progress, model_set_checksum, run_partition
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication, ingest
from synthetic import generate_population
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.support.events import make_event
from tests.support.servers import create_database, free_port, postgres_cluster, redis_process, wait_for
from workers.outbox import deliver_outbox

LEDGER = str(Path(sys.executable).parent / "ledger")
IDENTITY_NUMBER = "11010519491231002X"
BATCH_EVENTS = 10_000


def population(events: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """The first ``events`` events of a synthetic Shenyang population dated by today (the ledger stores only
    what has happened), whole members only."""
    today = today_in_china().isoformat()
    stream = generate_population(members=10_000, years=3, region="shenyang", seed=seed)
    chosen = list(itertools.islice((event for event in stream if event["occurred_on"] <= today), events))
    last_member = chosen[-1]["member_id"]
    return [event for event in chosen if event["member_id"] != last_member]


def environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "LEDGER_DATABASE_URL": database_url,
        "LEDGER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
        "LEDGER_REDIS_URL": "",
        **extra,
    }


@contextmanager
def served(database_url: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``ledger serve`` in its own process on a free loopback port; yields (process, base URL)."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [LEDGER, "serve", "--port", str(port)], env=environment(database_url), stdout=output, stderr=output
        )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(answers, timeout_s=60, what="ledger serve")
        yield process, base
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def writing(database_url: str) -> bool:
    """Is a session of the ledger's database inserting (inside a write transaction) right now?

    A batch's rows go in by ``COPY`` (projections/pg_recorder.py), other writes by ``INSERT``."""
    import psycopg

    database = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND state IN ('active', 'idle in transaction') AND (query ILIKE %s OR query ILIKE %s)",
            (database, "%insert%", "%copy%"),
        ).fetchone()
    return bool(row and row[0])


def stored_event_ids(ledger: LedgerApplication, members: set[str]) -> list[str]:
    return [str(event.event_id) for member in sorted(members) for event in ledger.member_events(member)]


def test_a_server_killed_mid_batch_stores_all_or_nothing_and_the_retry_stores_each_event_once(
    postgres_url: str, tmp_path: Path
) -> None:
    upgrade_to_head(sqlalchemy_url(postgres_url))
    engine = create_engine(sqlalchemy_url(postgres_url))
    _, key = create_key(engine, role="admin")
    engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    batch = population(BATCH_EVENTS)
    members = {event["member_id"] for event in batch}
    log = tmp_path / "server.log"
    outcome: dict[str, Any] = {}

    def post() -> None:
        try:
            outcome["response"] = httpx.post(f"{base}/v1/events", json=batch, headers=headers, timeout=120)
        except httpx.HTTPError as error:
            outcome["error"] = error

    with served(postgres_url, log) as (process, base):
        sender = threading.Thread(target=post)
        sender.start()
        wait_for(lambda: writing(postgres_url), timeout_s=120, what="the batch's INSERT to start")
        process.send_signal(signal.SIGKILL)  # inside the batch's transaction
        process.wait(timeout=10)
        sender.join(timeout=30)
    assert "error" in outcome, f"the server answered before it was killed: {outcome.get('response')}"

    ledger = open_ledger(Settings(database_url=postgres_url, pseudonym_key=TEST_PSEUDONYM_KEY))
    try:
        after_kill = stored_event_ids(ledger, members)
        assert len(after_kill) in (0, len(batch)), f"a partial batch was stored: {len(after_kill)} of {len(batch)}"
        with served(postgres_url, log) as (_, base):
            retry = httpx.post(f"{base}/v1/events", json=batch, headers=headers, timeout=300)
            assert retry.status_code == 200, retry.text
            assert retry.json()["stored"] + retry.json()["duplicate"] == len(batch)
            assert retry.json()["duplicate"] == len(after_kill)
            again = httpx.post(f"{base}/v1/events", json=batch[:100], headers=headers, timeout=60).json()
            assert again["stored"] == 0 and again["duplicate"] == 100
            # A lookup by identity number, to show the access log holds only its pseudonym.
            registration = dict(batch[0], event_id="6f1c2a4e-0000-4000-8000-000000000001", member_id=IDENTITY_NUMBER)
            httpx.post(f"{base}/v1/events", json=[registration], headers=headers, timeout=60).raise_for_status()
            found = httpx.get(f"{base}/v1/members/{IDENTITY_NUMBER}/events", headers=headers, timeout=60)
            assert found.json()["member_id"] == pseudonym(IDENTITY_NUMBER, TEST_PSEUDONYM_KEY.encode())
        stored = stored_event_ids(ledger, members)
        assert sorted(stored) == sorted(event["event_id"] for event in batch), "each event exactly once"
    finally:
        ledger.close()
    server_log = log.read_text()
    assert "GET /v1/members/pid-" in server_log, "the access log shows the pseudonym"
    assert IDENTITY_NUMBER not in server_log


@contextmanager
def populated(postgres_url: str, events: int, *, seed: int) -> Iterator[tuple[LedgerApplication, Engine]]:
    """A migrated PostgreSQL ledger holding the first ``events`` of a synthetic population."""
    url = sqlalchemy_url(postgres_url)
    upgrade_to_head(url)
    ledger = open_ledger(Settings(database_url=postgres_url, pseudonym_key=TEST_PSEUDONYM_KEY))
    engine = create_engine(url)
    try:
        stock = population(events, seed=seed)
        for start in range(0, len(stock), 2000):
            ingest(ledger, parse_batch(stock[start : start + 2000]), now=datetime.now(UTC), historical_import=False)
        yield ledger, engine
    finally:
        engine.dispose()
        ledger.close()


def test_a_projection_runner_killed_mid_catch_up_resumes_to_a_clean_rebuild(postgres_url: str) -> None:
    url = sqlalchemy_url(postgres_url)
    with populated(postgres_url, 3_000, seed=11) as (ledger, engine):
        total = ledger.recorder.max_notification_id() or 0

        def position() -> int:
            with engine.connect() as connection:
                return int(connection.execute(select(ProjectionTracking.notification_id)).scalar() or 0)

        runner = subprocess.Popen(
            [LEDGER, "project", "--interval", "0.2"],
            env=environment(postgres_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(lambda: position() > 0, timeout_s=120, what="the runner's first batch")
        finally:
            runner.send_signal(signal.SIGKILL)
            runner.wait(timeout=10)
        killed_at = position()
        assert 0 < killed_at < total, f"killed at {killed_at} of {total}: not in the middle"

        resumed = subprocess.run(
            [LEDGER, "project", "--once"], env=environment(postgres_url), capture_output=True, timeout=600
        )
        assert resumed.returncode == 0, resumed.stderr.decode()
        assert position() == total
        after_resume = read_model_checksum(engine)

        reset_read_model(engine)
        projection = open_projection(url, ledger, load_rulebook())
        catch_up(ledger, projection)
        assert read_model_checksum(engine) == after_resume


def test_a_replay_worker_killed_mid_partition_resumes_to_the_same_read_model_set(postgres_url: str) -> None:
    with populated(postgres_url, 8_000, seed=5) as (ledger, engine):
        with redis_process() as redis:
            env = environment(postgres_url, LEDGER_REDIS_URL=redis.url)
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            worker = subprocess.Popen([LEDGER, "worker", "--threads", "1"], env=env, **quiet)  # type: ignore[call-overload]
            replaying = subprocess.Popen(  # type: ignore[call-overload]
                [LEDGER, "replay", "--edition", "shenyang-resident", "--as-of", "2027-12-31"], env=env, **quiet
            )
            try:
                wait_for(lambda: partition_state(engine)[1] > 0, timeout_s=180, what="the partition's first chunk")
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
                replaying.send_signal(signal.SIGKILL)
                replaying.wait(timeout=10)
        job_id, members_done, members_total, status = partition_state(engine)
        assert status == "running" and 0 < members_done < members_total, (members_done, members_total, status)

        resumed = subprocess.run(
            [LEDGER, "replay", "resume", job_id],
            env=environment(postgres_url),  # no Redis: the resumed partition runs in this process
            capture_output=True,
            timeout=600,
        )
        assert resumed.returncode == 0, resumed.stderr.decode()
        assert partition_state(engine)[1:] == (members_total, members_total, "done")
        model_set = job_progress(engine, job_id).model_set
        after_resume = model_set_checksum(engine, model_set)

        with engine.begin() as connection:  # a clean rebuild of the same set, in this process
            for table in (ReplayMemberCoverage, ReplayClaimSettlement, ReplayCapUsage, ReplayRetroactiveAssistance):
                connection.execute(delete(table).where(table.model_set == model_set))
        run_partition(engine, ledger, load_rulebook(), job_id=job_id, partition=0)
        assert model_set_checksum(engine, model_set) == after_resume


def partition_state(engine: Engine) -> tuple[str, int, int, str]:
    """(job id, members done, members total, status) of the only replay job's only partition, or zeros."""
    with engine.connect() as connection:
        row = connection.execute(
            select(
                ReplayJob.job_id, ReplayPartition.members_done, ReplayJob.members_total, ReplayPartition.status
            ).join(ReplayPartition, ReplayPartition.job_id == ReplayJob.job_id)
        ).first()
    return (str(row[0]), int(row[1]), int(row[2]), str(row[3])) if row else ("", 0, 0, "")


def undispatched(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(select(Outbox.outbox_id).where(Outbox.dispatched_at.is_(None))).scalars())


def registration(member_id: str, serial: int) -> dict[str, Any]:
    return make_event("MemberRegistered", member_id=member_id, label=f"fault-{serial}")


def test_with_redis_down_events_are_accepted_and_health_is_degraded(postgres_url: str) -> None:
    with redis_process() as redis:
        settings = Settings(database_url=postgres_url, pseudonym_key=TEST_PSEUDONYM_KEY, redis_url=redis.url)
        app = create_app(settings)
        with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
            assert client.get("/healthz").json()["status"] == "ok"
            redis.stop()
            health = client.get("/healthz")
            assert health.status_code == 200
            assert health.json()["status"] == "degraded"
            assert health.json()["redis"].startswith("unavailable")
            assert health.json()["event_store"] == "ok"
            stored = client.post("/v1/events", json=[registration("M-R1", 1)])
            assert stored.status_code == 200 and stored.json()["stored"] == 1
            assert client.get("/v1/members/M-R1/status", params={"as_of": "2025-06-01"}).status_code == 200

            history = [make_event("ContributionPaid", member_id="M-R1"), make_event("ClaimSubmitted", member_id="M-R1")]
            assert client.post("/v1/events", json=history).status_code == 200

            ledger = app.state.ledger
            engine = create_engine(sqlalchemy_url(postgres_url))
            projection = open_projection(sqlalchemy_url(postgres_url), ledger, app.state.rulebook)
            assert catch_up(ledger, projection) > 0, "the live projection reads the store, not Redis"
            pending = undispatched(engine)
            assert pending, "the claim's decision is an outbox effect"
            with pytest.raises(redis_errors.ConnectionError):
                dispatch_pending(engine, deliver_outbox.send)
            assert undispatched(engine) == pending, "effects wait in the outbox while Redis is down"

            redis.start()
            assert dispatch_pending(engine, deliver_outbox.send) == len(pending)
            assert undispatched(engine) == []
            engine.dispose()
            assert client.get("/healthz").json() == {
                "status": "ok",
                "event_store": "ok",
                "redis": "ok",
                "max_notification_id": ledger.recorder.max_notification_id(),
                "isolated_members": 0,
            }


def test_while_postgresql_restarts_requests_get_503_and_nothing_is_lost_or_doubled() -> None:
    with postgres_cluster() as cluster:
        url = create_database(cluster.admin_url, "ledger_restart")
        app = create_app(Settings(database_url=url, pseudonym_key=TEST_PSEUDONYM_KEY))
        with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
            first = [registration("M-P1", 1)]
            assert client.post("/v1/events", json=first).status_code == 200

            cluster.stop("fast")
            second = [registration("M-P2", 2), registration("M-P3", 3)]
            for response in (
                client.post("/v1/events", json=second),
                client.get("/v1/members/M-P1/status", params={"as_of": "2025-06-01"}),
            ):
                assert response.status_code == 503, response.text
                assert response.headers["Retry-After"]
                assert "database did not answer" in response.json()["detail"]
            down = client.get("/healthz")
            assert down.status_code == 503 and down.json()["status"] == "unavailable"

            cluster.start()
            retried = client.post("/v1/events", json=first + second)
            assert retried.status_code == 200, retried.text
            assert (retried.json()["stored"], retried.json()["duplicate"]) == (2, 1)
            for member in ("M-P1", "M-P2", "M-P3"):
                history = client.get(f"/v1/members/{member}/events").json()
                assert history["total"] == 1, member
            assert client.get("/healthz").json()["status"] == "ok"


def poison(ledger: LedgerApplication, member_id: str) -> None:
    """Store, as an older contract allowed, a year-0001 contribution for ``member_id`` (its fold fails)."""
    from datetime import date

    (event,) = parse_batch([make_event("ContributionPaid", member_id=member_id, label=f"{member_id}:poison")])
    data = event.data.model_copy(update={"coverage_start": date(1, 1, 1), "coverage_end": date(1, 12, 31)})  # type: ignore[attr-defined]
    ledger.record_events([event.model_copy(update={"data": data, "occurred_on": date(1, 1, 1)})], now=datetime.now(UTC))


def test_a_poisoned_member_is_isolated_by_the_live_projection_and_by_a_replay(postgres_url: str) -> None:
    with populated(postgres_url, 600, seed=13) as (ledger, engine):
        members = sorted({e.member_id for e in parse_batch(population(600, seed=13))})
        poisoned = members[len(members) // 2]
        poison(ledger, poisoned)
        later = [registration("M-AFTER", 1)]
        ingest(ledger, parse_batch(later), now=datetime.now(UTC), historical_import=False)
        total = ledger.recorder.max_notification_id()

        projected = subprocess.run(
            [LEDGER, "project", "--once"], env=environment(postgres_url), capture_output=True, timeout=600
        )
        assert projected.returncode == 0, projected.stderr.decode()  # before: the runner restarted for ever
        with engine.connect() as connection:
            assert connection.execute(select(ProjectionTracking.notification_id)).scalar() == total
        listed = subprocess.run(
            [LEDGER, "project", "--failures"], env=environment(postgres_url), capture_output=True, timeout=120
        )
        assert listed.returncode == 0 and poisoned in listed.stdout.decode()
        assert "1 isolated member" in listed.stderr.decode()

        replayed = subprocess.run(
            [LEDGER, "replay", "--edition", "shenyang-resident", "--as-of", "2027-12-31"],
            env=environment(postgres_url),
            capture_output=True,
            timeout=600,
        )
        assert replayed.returncode == 0, replayed.stderr.decode()  # before: the partition never finished
        assert "isolated" in replayed.stdout.decode() + replayed.stderr.decode()
        job_id, members_done, members_total, status = partition_state(engine)
        assert status == "done" and members_done == members_total
        from projections.isolation import failures, replay_scope

        assert [row["member_id"] for row in failures(engine, scope=replay_scope(job_id))] == [poisoned]


def test_a_replay_started_with_redis_down_is_a_503_and_resumes_when_redis_returns(postgres_url: str) -> None:
    import dramatiq

    with redis_process() as redis:
        settings = Settings(database_url=postgres_url, pseudonym_key=TEST_PSEUDONYM_KEY, redis_url=redis.url)
        app = create_app(settings)
        with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
            client.post("/v1/events", json=[registration("M-Q", 1)]).raise_for_status()
            redis.stop()
            started = client.post("/v1/replays", json={"edition": "shenyang-resident"})
            assert started.status_code == 503, started.text  # before: 500 text/plain, an "ok" audit row
            assert started.headers["content-type"].startswith("application/problem+json")
            job_id = started.json()["job_id"]
            trail = client.get("/v1/audit/writes").json()
            assert trail[-1]["outcome"] == "refused: broker_unavailable"
            assert client.get(f"/v1/replays/{job_id}").json()["status"] == "running"

            redis.start()
            resumed = client.post(f"/v1/replays/{job_id}/resume")
            assert resumed.status_code == 202, resumed.text
            worker = dramatiq.Worker(app.state.broker, worker_threads=1, queues={"replays"})
            worker.start()
            try:
                wait_for(
                    lambda: client.get(f"/v1/replays/{job_id}").json()["status"] == "done",
                    timeout_s=120,
                    what="the resumed replay",
                )
            finally:
                worker.stop()
