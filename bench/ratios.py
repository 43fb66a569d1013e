"""Issue 6 benchmarks, each against the physical limit on the same machine in the same run.

    .venv/bin/python -m bench.ratios [--members 1000] [--years 5] [--requests 800]

On a private PostgreSQL started like the tests start theirs, with a synthetic Bazhong population:

1. ingest (parse + store in atomic batches of 1,000, the path of POST /v1/events and ledger
   import, and through the HTTP endpoint in process) vs PostgreSQL ``COPY`` of the same rows into
   a bare table;
2. replay (one partition: fold every member, write its read-model set) vs a bare sequential read of
   the same stored events;
3. status query latency, p50 and p99 with 16 concurrent clients over loopback HTTP, vs a trivial
   endpoint on the same server.

Not part of the test suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import threading
import time
from datetime import UTC, date, datetime

import httpx
import psycopg
import uvicorn
from sqlalchemy import create_engine

from api.app import create_app, open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.migrate import upgrade_to_head
from projections.replay import create_job, edition_source, run_partition
from projections.rulebook import load_rulebook
from projections.store import ingest
from projections.synthetic import generate_population
from tests.support.servers import create_database, free_port, postgres_server

CONCURRENT_CLIENTS = 16
#: The benchmark's own pseudonym key (the service requires one with PostgreSQL).
BENCH_PSEUDONYM_KEY = "bench-pseudonym-key-0123456789abcdef"
BATCH_EVENTS = 1000


def bench_settings(url: str) -> Settings:
    return Settings(database_url=url, pseudonym_key=BENCH_PSEUDONYM_KEY)


def population(members: int, years: int, *, seed: int) -> list[dict[str, object]]:
    return list(generate_population(members=members, years=years, region="bazhong", seed=seed))


def bench_ingest(url: str, raw: list[dict[str, object]]) -> float:
    ledger = open_ledger(bench_settings(url))
    started = time.perf_counter()
    for start in range(0, len(raw), BATCH_EVENTS):
        ingest(ledger, parse_batch(raw[start : start + BATCH_EVENTS]), now=datetime.now(UTC), historical_import=False)
    elapsed = time.perf_counter() - started
    ledger.close()
    return len(raw) / elapsed


def bench_http_ingest(url: str, raw: list[dict[str, object]]) -> float:
    from fastapi.testclient import TestClient

    app = create_app(bench_settings(url))
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
        started = time.perf_counter()
        for start in range(0, len(raw), BATCH_EVENTS):
            response = client.post("/v1/events", json=raw[start : start + BATCH_EVENTS])
            assert response.status_code == 200, response.text
        return len(raw) / (time.perf_counter() - started)


def bench_copy(admin_url: str, raw: list[dict[str, object]]) -> float:
    url = create_database(admin_url, "bench_copy")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE bare (event_id uuid PRIMARY KEY, member_id text, type text, occurred_on date,"
            " recorded_at timestamptz, data jsonb)"
        )
        buffer = io.StringIO()
        now = datetime.now(UTC).isoformat()
        for event in raw:
            data = json.dumps(event["data"], ensure_ascii=False).replace("\\", "\\\\")
            buffer.write(
                f"{event['event_id']}\t{event['member_id']}\t{event['type']}\t{event['occurred_on']}\t{now}\t{data}\n"
            )
        text = buffer.getvalue()
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.copy("COPY bare FROM STDIN") as copy:
            copy.write(text)
        return len(raw) / (time.perf_counter() - started)


def bench_replay(url: str, contract_events: int) -> tuple[float, float, int]:
    """Events/s of a replay and of a bare read of the same stored events (both over the contract events;
    the bare read also reads the stream-opening and receipt rows stored with them)."""
    settings = bench_settings(url)
    engine = create_engine(sqlalchemy_url(url))
    ledger = open_ledger(settings)
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    job = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=1, as_of=date(2031, 12, 31)
    )
    started = time.perf_counter()
    run_partition(engine, ledger, rulebook, job_id=job, partition=0)
    replay_s = time.perf_counter() - started
    stored = ledger.recorder.max_notification_id() or 0
    started = time.perf_counter()
    position, read = 0, 0
    while True:
        page = ledger.recorder.select_notifications(start=position, limit=5000, inclusive_of_start=False)
        if not page:
            break
        read += len(page)
        position = page[-1].id
    read_s = time.perf_counter() - started
    assert read == stored
    ledger.close()
    engine.dispose()
    return contract_events / replay_s, contract_events / read_s, stored


async def _latencies(base: str, paths: list[str], headers: dict[str, str]) -> list[float]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as session:
            while not queue.empty():
                path = queue.get_nowait()
                started = time.perf_counter()
                response = await session.get(path)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text

    await asyncio.gather(*(client() for _ in range(CONCURRENT_CLIENTS)))
    return latencies


def bench_latency(url: str, member_ids: list[str], requests: int) -> tuple[list[float], list[float]]:
    app = create_app(bench_settings(url))
    app.add_api_route("/bench/trivial", lambda: {"ok": True})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        status_paths = [
            f"/v1/members/{member_ids[i % len(member_ids)]}/status?as_of=2029-06-30" for i in range(requests)
        ]
        headers = {"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}
        status = asyncio.run(_latencies(base, status_paths, headers))
        trivial = asyncio.run(_latencies(base, ["/bench/trivial"] * requests, headers))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return status, trivial


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=800)
    arguments = parser.parse_args()
    raw = population(arguments.members, arguments.years, seed=11)
    with postgres_server() as admin_url:
        url = create_database(admin_url, "bench_ledger")
        upgrade_to_head(sqlalchemy_url(url))
        ingest_rate = bench_ingest(url, raw)
        http_url = create_database(admin_url, "bench_http")
        upgrade_to_head(sqlalchemy_url(http_url))
        http_rate = bench_http_ingest(http_url, raw)
        copy_rate = bench_copy(admin_url, raw)
        replay_rate, read_rate, stored = bench_replay(url, len(raw))
        members = sorted({str(e["member_id"]) for e in raw})
        status, trivial = bench_latency(url, members, arguments.requests)
    print(f"population: {arguments.members} members × {arguments.years} years, {len(raw)} events")
    print(f"ingest (store path): {ingest_rate:,.0f} events/s; HTTP POST /v1/events: {http_rate:,.0f} events/s")
    print(
        f"COPY into a bare table: {copy_rate:,.0f} rows/s -> ingest {ingest_rate / copy_rate:.1%}, "
        f"HTTP {http_rate / copy_rate:.1%} of COPY (target >= 25 %)"
    )
    print(
        f"replay: {replay_rate:,.0f} events/s; bare sequential read: {read_rate:,.0f} events/s -> "
        f"{replay_rate / read_rate:.1%} (target >= 50 %); {stored} rows stored for {len(raw)} events"
    )
    status_p50, status_p99 = percentile(status, 0.50), percentile(status, 0.99)
    trivial_p50, trivial_p99 = percentile(trivial, 0.50), percentile(trivial, 0.99)
    print(
        f"status p50 {status_p50:.1f} ms p99 {status_p99:.1f} ms; trivial p50 {trivial_p50:.1f} ms "
        f"p99 {trivial_p99:.1f} ms -> p99 ratio {status_p99 / trivial_p99:.1f}x (target <= 2x), "
        f"{CONCURRENT_CLIENTS} clients, {arguments.requests} requests each kind"
    )


if __name__ == "__main__":
    main()
