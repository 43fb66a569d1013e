"""Replay benchmarks: where the time goes, scaling across worker processes, peak memory.

    .venv/bin/python -m bench.replay profile [--members 500] [--years 5]     # cProfile, one partition (PostgreSQL)
    .venv/bin/python -m bench.replay scaling [--members 2000] [--years 5]    # 1, 2, 4 `ledger worker` processes
    .venv/bin/python -m bench.replay memory --sizes 1000,4000,16000          # peak RSS of a replay process (SQLite)

Populations are synthetic Bazhong members (``synthetic``), stored through the ledger's
own ingest path in batches of 1,000. PostgreSQL and Redis are private servers started like the
tests start theirs. Not part of the test suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import create_engine

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.migrate import upgrade_to_head
from projections.replay import create_job, edition_source, job_progress, run_partition
from projections.rulebook import load_rulebook
from projections.store import ingest
from synthetic import generate_population
from tests.support.servers import create_database, postgres_server, redis_server

BATCH_EVENTS = 1000
AS_OF = date(2031, 12, 31)
#: Where the memory benchmark keeps its SQLite populations (reused between runs).
SQLITE_DIRECTORY = Path("/tmp/ledger-bench")
#: Longest a scaling run may take (s).
RUN_WAIT_S_MAX = 3600


def stock(url: str, *, members: int, years: int, seed: int = 11) -> int:
    """Store a synthetic population through the ingest path; returns the number of events."""
    upgrade_to_head(sqlalchemy_url(url))
    ledger = open_ledger(Settings(database_url=url))
    events = generate_population(members=members, years=years, region="bazhong", seed=seed)
    stored = 0
    while batch := list(islice(events, BATCH_EVENTS)):
        ingest(ledger, parse_batch(batch), now=datetime.now(UTC), historical_import=False)
        stored += len(batch)
    ledger.close()
    return stored


def replay_once(url: str, *, partitions: int = 1) -> tuple[str, float, int]:
    """Create a job and run its partitions here, one after another; returns (job, seconds, events)."""
    engine = create_engine(sqlalchemy_url(url))
    ledger = open_ledger(Settings(database_url=url))
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    job = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=partitions, as_of=AS_OF
    )
    started = time.perf_counter()
    for partition in range(partitions):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
    elapsed = time.perf_counter() - started
    events = job_progress(engine, job).events_done
    ledger.close()
    engine.dispose()
    return job, elapsed, events


def profile(members: int, years: int) -> None:
    with postgres_server() as admin_url:
        url = create_database(admin_url, "bench_profile")
        count = stock(url, members=members, years=years)
        replay_once(url)  # warm: imports, rulebook, connection pool
        profiler = cProfile.Profile()
        profiler.enable()
        _job, elapsed, events = replay_once(url)
        profiler.disable()
    print(f"{members} members × {years} years, {count} events: replay {events / elapsed:,.0f} events/s")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def scaling(members: int, years: int, processes_list: list[int], rounds: int) -> None:
    """Replay with N `ledger worker` processes (one thread each) sharing N partitions through Redis.

    The process counts alternate, ``rounds`` times, so a busy machine's noise falls on each alike.
    """
    from workers.actors import replay_partition, use_settings
    from workers.broker import install_broker

    executable = Path(sys.executable).parent / "ledger"
    with postgres_server() as admin_url, redis_server() as redis_url:
        url = create_database(admin_url, "bench_scaling")
        count = stock(url, members=members, years=years)
        print(f"{members} members × {years} years, {count} events (PostgreSQL, Redis, {os.cpu_count()} cores)")
        settings = Settings(database_url=url, redis_url=redis_url)
        install_broker(redis_url)
        use_settings(settings)
        engine = create_engine(sqlalchemy_url(url))
        ledger = open_ledger(settings)
        rulebook = load_rulebook()
        edition = rulebook["bazhong-resident"]
        environment = os.environ | {"LEDGER_DATABASE_URL": url, "LEDGER_REDIS_URL": redis_url}
        rates: dict[int, list[float]] = {processes: [] for processes in processes_list}
        for processes in [n for _ in range(rounds) for n in processes_list]:
            workers = [
                subprocess.Popen(
                    [str(executable), "worker", "--threads", "1"],
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(processes)
            ]
            for worker in workers:
                _wait_consuming(worker)
            job = create_job(
                engine, ledger, edition, source=edition_source(edition, file=None), partitions=processes, as_of=AS_OF
            )
            cpu_before_s = sum(_cpu_s(worker.pid) for worker in workers)
            started = time.perf_counter()
            for partition in range(processes):
                replay_partition.send(job, partition)
            deadline = time.monotonic() + RUN_WAIT_S_MAX
            while not (progress := job_progress(engine, job)).done and time.monotonic() < deadline:
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            cores_used = (sum(_cpu_s(worker.pid) for worker in workers) - cpu_before_s) / elapsed
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
            rates[processes].append(progress.events_done / elapsed)
            print(
                f"{processes} worker process(es): {elapsed:.1f} s, {progress.events_done / elapsed:,.0f} events/s, "
                f"workers used {cores_used:.2f} cores on average (load average {os.getloadavg()[0]:.1f})"
            )
        for processes, measured in rates.items():
            print(
                f"{processes} process(es): best {max(measured):,.0f} events/s, "
                f"median {statistics.median(measured):,.0f} ({rounds} rounds)"
            )
        ledger.close()
        engine.dispose()


def _wait_consuming(worker: subprocess.Popen[str]) -> None:
    """Wait for a `ledger worker`'s start line ("ledger worker: 1 thread(s) on …", a JSON log line on stderr),
    then keep reading its log in a thread, so that a full pipe never stalls it."""
    assert worker.stderr is not None
    for line in worker.stderr:
        if "ledger worker:" in line:
            break
    else:
        raise RuntimeError(f"ledger worker {worker.pid} exited before consuming (exit status {worker.wait()})")
    threading.Thread(target=worker.stderr.read, daemon=True).start()


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(sizes: list[int], years: int) -> None:
    """Peak RSS of a process that replays each population (one partition, the whole job)."""
    SQLITE_DIRECTORY.mkdir(parents=True, exist_ok=True)
    for members in sizes:
        path = SQLITE_DIRECTORY / f"replay-{members}x{years}.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            started = time.perf_counter()
            count = stock(url, members=members, years=years)
            print(
                f"stocked {members} members × {years} years ({count} events) in {time.perf_counter() - started:.0f} s"
            )
        child = subprocess.run(
            [sys.executable, "-m", "bench.replay", "replay-child", url], capture_output=True, text=True, check=True
        )
        print(f"{members} members × {years} years: {child.stdout.strip()}")


def replay_child(url: str) -> None:
    import resource

    _job, elapsed, events = replay_once(url)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{events} events in {elapsed:.1f} s ({events / elapsed:,.0f} events/s), peak RSS {peak_mib:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["profile", "scaling", "memory", "replay-child"])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,4000,16000")
    arguments = parser.parse_args()
    if arguments.what == "profile":
        profile(arguments.members, arguments.years)
    elif arguments.what == "scaling":
        scaling(arguments.members, arguments.years, [int(n) for n in arguments.processes.split(",")], arguments.rounds)
    elif arguments.what == "memory":
        memory([int(n) for n in arguments.sizes.split(",")], arguments.years)
    else:
        replay_child(arguments.url)


if __name__ == "__main__":
    main()
