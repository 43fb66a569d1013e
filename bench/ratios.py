"""The ledger against the hardware doing the same work, on the same machine in the same run.

    .venv/bin/python -m bench.ratios [--members 1000] [--years 5] [--requests 800] [--rounds 3] [--workers 2]

On a private PostgreSQL started like the tests start theirs, with a synthetic Bazhong population:

1. ingest (parse + store in atomic batches of 1,000, the path of POST /v1/events and ledger
   import; through the HTTP endpoint in process; the whole `ledger import` command) vs PostgreSQL
   ``COPY`` of the same rows into a bare table;
2. replay (one partition in this process; the whole `ledger replay --workers N` command, N
   processes) vs a bare sequential read of the stored rows through a server-side cursor, with the
   replayed claims' outcomes — the packaged rule sets have figures from 2025 on, so most claims of a
   five-year population are refused with no rules on their dates — and one partition again over a
   population of last year only (members × years members), whose claims are settled;
3. status query latency, p50 and p99 with 16 concurrent clients over loopback HTTP, vs /healthz on
   the same server, as the medians of interleaved rounds — on PostgreSQL with the member history read
   model current and on the embedded SQLite default (no read model: the stream). The first query of a
   member folds its document; later ones at the same stream version are answered from the kept
   document (``projections.queries.StatusCache``). Rounds go through the members in order, so the
   first round folds (all of it with 1,000 members and 800 requests, the first 300 requests with 300
   SQLite members) and is printed too.

Each line prints the ledger's figure, the hardware's, their ratio and its limit. Not part of the
test suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg
import uvicorn
from sqlalchemy import create_engine

from api.app import create_app, open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import catch_up, open_projection
from projections.heap import freeze_startup_heap
from projections.migrate import upgrade_to_head
from projections.replay import create_job, edition_source, job_progress, run_partition
from projections.rulebook import load_rulebook
from projections.store import ingest
from synthetic import generate_population
from tests.support.servers import create_database, free_port, postgres_server

CONCURRENT_CLIENTS = 16
#: The benchmark's own pseudonym key (the service requires one with PostgreSQL).
BENCH_PSEUDONYM_KEY = "bench-pseudonym-key-0123456789abcdef"
BATCH_EVENTS = 1000


def bench_settings(url: str) -> Settings:
    return Settings(database_url=url, pseudonym_key=BENCH_PSEUDONYM_KEY)


def population(members: int, years: int, *, seed: int) -> list[dict[str, object]]:
    """A synthetic population whose years end before this one: stores refuse facts dated after today."""
    start_year = date.today().year - years
    return list(generate_population(members=members, years=years, region="bazhong", seed=seed, start_year=start_year))


def bench_ingest(url: str, raw: list[dict[str, object]]) -> tuple[float, float]:
    """Events/s of the store path, wall clock and per CPU second of this process (which the load barely moves)."""
    ledger = open_ledger(bench_settings(url))
    freeze_startup_heap()  # as `ledger serve` and `ledger import` do once started
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(raw), BATCH_EVENTS):
        ingest(ledger, parse_batch(raw[start : start + BATCH_EVENTS]), now=datetime.now(UTC), historical_import=False)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ledger.close()
    return len(raw) / elapsed, len(raw) / cpu


def bench_http_ingest(url: str, raw: list[dict[str, object]]) -> float:
    from fastapi.testclient import TestClient

    app = create_app(bench_settings(url))
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}) as client:
        freeze_startup_heap()  # as `ledger serve` does once started
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


def population_in_rules(members: int, *, seed: int) -> list[dict[str, object]]:
    """Last year's population: every claim dated where the packaged rule sets have figures (they start in
    2025). The multi-year population's earlier years lie before them, so most of its claims are refused
    with no rules on their dates, a cheaper fold than a settlement."""
    return list(
        generate_population(members=members, years=1, region="bazhong", seed=seed, start_year=date.today().year - 1)
    )


def claim_mix(url: str, model_set: str) -> str:
    """How the replay set's claims came out (settled, rejected, reversed), for reading its rate."""
    with psycopg.connect(url) as connection:
        counts = connection.execute(
            "SELECT status, count(*) FROM replay_claim_settlement WHERE model_set = %s GROUP BY status ORDER BY status",
            [model_set],
        ).fetchall()
    return ", ".join(f"{count:,} {status}" for status, count in counts)


def bench_replay(url: str, contract_events: int) -> tuple[float, float, int, str]:
    """Events/s of a replay and of a bare read of the same stored events (both over the contract events;
    the bare read also reads the stream-opening and receipt rows stored with them), and the set's claim mix."""
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
    mix = claim_mix(url, job_progress(engine, job).model_set)
    stored = ledger.recorder.max_notification_id() or 0
    table = f'"{ledger.recorder.datastore.schema}"."{ledger.recorder.events_table_name}"'
    ledger.close()
    engine.dispose()
    read, read_s = bare_read(url, table)
    assert read == stored
    return contract_events / replay_s, contract_events / read_s, stored, mix


def bare_read(url: str, table: str) -> tuple[int, float]:
    """Every stored row, in notification order, through a server-side cursor (rows, seconds)."""
    with psycopg.connect(url) as connection, connection.cursor(name="bare") as cursor:
        cursor.itersize = 10_000
        started = time.perf_counter()
        cursor.execute(f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY notification_id")
        read = sum(1 for _ in cursor)
        return read, time.perf_counter() - started


def ledger_command(arguments: list[str], url: str) -> float:
    """Seconds the `ledger` command takes, start-up included (this checkout first on the path)."""
    environment = os.environ | {
        "LEDGER_DATABASE_URL": url,
        "LEDGER_PSEUDONYM_KEY": BENCH_PSEUDONYM_KEY,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    environment.pop("LEDGER_REDIS_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from api.cli.main import main; main()", *arguments],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def bench_import_command(url: str, raw: list[dict[str, object]]) -> float:
    """Events/s of the whole `ledger import FILE` (validate the file, then store it)."""
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "population.jsonl"
        file.write_text("".join(json.dumps(event, ensure_ascii=False) + "\n" for event in raw), encoding="utf-8")
        return len(raw) / ledger_command(["import", str(file)], url)


def bench_replay_command(url: str, contract_events: int, workers: int) -> float:
    """Events/s of the whole `ledger replay --workers N` (N processes without Redis)."""
    arguments = ["replay", "--edition", "bazhong-resident", "--workers", str(workers), "--as-of", "2031-12-31"]
    return contract_events / ledger_command(arguments, url)


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


def bench_latency(
    url: str, member_ids: list[str], requests: int, rounds: int
) -> list[tuple[float, float, float, float]]:
    """Interleaved rounds of status queries and /healthz (16 clients each); per round: status p50, p99,
    /healthz p50, p99 in ms."""
    app = create_app(bench_settings(url))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        status_paths = [
            f"/v1/members/{member_ids[i % len(member_ids)]}/status?as_of=2029-06-30" for i in range(requests)
        ]
        headers = {"Authorization": f"Bearer {app.state.bootstrap_admin_key}"}
        asyncio.run(_latencies(base, status_paths[: CONCURRENT_CLIENTS * 4], headers))  # warm
        for _ in range(rounds):
            status = asyncio.run(_latencies(base, status_paths, headers))
            trivial = asyncio.run(_latencies(base, ["/healthz"] * requests, headers))
            results.append(
                (percentile(status, 0.5), percentile(status, 0.99), percentile(trivial, 0.5), percentile(trivial, 0.99))
            )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return results


def project_read_model(url: str) -> None:
    """Bring the read models (the member history among them) up to the store, as the projection runner does."""
    ledger = open_ledger(bench_settings(url))
    projection = open_projection(sqlalchemy_url(url), ledger, load_rulebook())
    catch_up(ledger, projection)
    projection.view.engine.dispose()
    ledger.close()


def latency_line(backend: str, rounds: list[tuple[float, float, float, float]]) -> str:
    s50, s99, t50, t99 = (statistics.median(r[i] for r in rounds) for i in range(4))
    p50 = statistics.median(r[0] / r[2] for r in rounds)
    p99 = statistics.median(r[1] / r[3] for r in rounds)
    first = rounds[0]
    return (
        f"status, {backend}: p50 {s50:.1f} ms, p99 {s99:.1f} ms | /healthz p50 {t50:.1f} ms, p99 {t99:.1f} ms"
        f" | p50 {p50:.2f}x (limit <= 1.5x) {'met' if p50 <= 1.5 else 'MISSED'},"
        f" p99 {p99:.2f}x (limit <= 2x) {'met' if p99 <= 2 else 'MISSED'}"
        f" (medians of {len(rounds)} interleaved rounds, {CONCURRENT_CLIENTS} clients);"
        f" first round, every document folded: p50 {first[0]:.1f} ms ({first[0] / first[2]:.2f}x),"
        f" p99 {first[1]:.1f} ms ({first[1] / first[3]:.2f}x)"
    )


def sqlite_latency(members: int, requests: int, rounds: int) -> list[tuple[float, float, float, float]]:
    """The latency rounds on the embedded default (a SQLite file), with a synthetic population."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'ledger.db'}"
        upgrade_to_head(sqlalchemy_url(url))
        raw = population(members, 5, seed=13)
        ledger = open_ledger(bench_settings(url))
        for start in range(0, len(raw), BATCH_EVENTS):
            batch = parse_batch(raw[start : start + BATCH_EVENTS])
            ingest(ledger, batch, now=datetime.now(UTC), historical_import=False)
        ledger.close()
        return bench_latency(url, sorted({str(e["member_id"]) for e in raw}), requests, rounds)


def ratio_line(measure: str, ledger: float, limit_name: str, limit: float, target: float) -> str:
    ratio = ledger / limit
    met = "met" if ratio >= target else "MISSED"
    return (
        f"{measure}: {ledger:,.0f} events/s | {limit_name}: {limit:,.0f}/s | {ratio:.1%} (limit >= {target:.0%}) {met}"
    )


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved latency rounds.")
    parser.add_argument("--workers", type=int, default=2, help="Processes of the whole `ledger replay` command.")
    parser.add_argument("--sqlite-members", type=int, default=300, help="Population of the SQLite latency run.")
    arguments = parser.parse_args()
    raw = population(arguments.members, arguments.years, seed=11)
    with postgres_server() as admin_url:
        url = create_database(admin_url, "bench_ledger")
        upgrade_to_head(sqlalchemy_url(url))
        ingest_rate, ingest_cpu_rate = bench_ingest(url, raw)
        http_url = create_database(admin_url, "bench_http")
        upgrade_to_head(sqlalchemy_url(http_url))
        http_rate = bench_http_ingest(http_url, raw)
        import_url = create_database(admin_url, "bench_import")
        upgrade_to_head(sqlalchemy_url(import_url))
        import_rate = bench_import_command(import_url, raw)
        copy_rate = bench_copy(admin_url, raw)
        replay_rate, read_rate, stored, mix = bench_replay(url, len(raw))
        in_rules = population_in_rules(arguments.members * arguments.years, seed=11)
        in_rules_url = create_database(admin_url, "bench_in_rules")
        upgrade_to_head(sqlalchemy_url(in_rules_url))
        bench_ingest(in_rules_url, in_rules)
        in_rules_rate, in_rules_read_rate, _, in_rules_mix = bench_replay(in_rules_url, len(in_rules))
        replay_command_rate = bench_replay_command(url, len(raw), arguments.workers)
        members = sorted({str(e["member_id"]) for e in raw})
        project_read_model(url)
        pg_latency = bench_latency(url, members, arguments.requests, arguments.rounds)
    sqlite_rounds = sqlite_latency(arguments.sqlite_members, arguments.requests, arguments.rounds)
    print(
        f"population: {arguments.members} members × {arguments.years} years, {len(raw)} events, {stored} stored rows;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(ratio_line("ingest, store path (parse + batches of 1,000)", ingest_rate, "COPY", copy_rate, 0.25))
    print(f"ingest, store path, work per CPU second of the ingesting process: {ingest_cpu_rate:,.0f} events")
    print(ratio_line("ingest, POST /v1/events (in process)", http_rate, "COPY", copy_rate, 0.25))
    print(ratio_line("ingest, `ledger import FILE` (whole command)", import_rate, "COPY", copy_rate, 0.25))
    print(ratio_line("replay, one partition in process", replay_rate, "bare read", read_rate, 0.50))
    print(f"replay, claims of that population: {mix}")
    print(
        ratio_line(
            f"replay, one partition, {arguments.members * arguments.years} members × {date.today().year - 1} "
            f"({len(in_rules)} events, claims: {in_rules_mix})",
            in_rules_rate,
            "bare read",
            in_rules_read_rate,
            0.50,
        )
    )
    print(
        ratio_line(
            f"replay, `ledger replay --workers {arguments.workers}` (whole command)",
            replay_command_rate,
            "bare read",
            read_rate,
            0.50,
        )
    )
    print(latency_line("PostgreSQL, read model current", pg_latency))
    print(latency_line(f"SQLite ({arguments.sqlite_members} members)", sqlite_rounds))


if __name__ == "__main__":
    main()
