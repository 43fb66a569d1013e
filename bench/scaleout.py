"""Scale-out in a small simulation: the pooling region (统筹区) as the shard.

    .venv/bin/python -m bench.scaleout [--members 2000] [--years 5]

Two regions' populations (Shenyang and Bazhong, ``--members`` each) are imported and replayed two
ways on one private PostgreSQL 15 on 127.0.0.1, the commands of each way running at the same time
as separate processes:

- **one store**: both ``ledger import`` processes write into one event store, so they share its
  notification sequence and the table lock every batch takes while it inserts; then one
  one ``ledger replay --region R --workers 1`` per region refolds it from the same store;
- **a store per region**: each region's import writes into its own database (the shard), and each
  region is replayed by its own ``ledger replay --workers 1``.

Both ways store and fold the same events with the same number of processes, so the difference is
what sharing one store costs: the writer lock and the sequence. The time each import waited for the
lock is read from ``pg_stat_activity`` samples (share of samples with a ``Lock`` wait event). Not part
of the suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from api.settings import sqlalchemy_url
from bench.province import Measured, run
from tests.support.servers import create_database, postgres_server

REGIONS = ("shenyang", "bazhong")
#: A fixed benchmark key: PostgreSQL requires one (identity numbers become pseudonyms before storage).
PSEUDONYM_KEY = "bench-scaleout-pseudonym-key"
LOCK_SAMPLE_INTERVAL_S = 0.05


def _ledger() -> str:
    return str(Path(sys.executable).parent / "ledger")


def _environment(url: str) -> dict[str, str]:
    return os.environ | {"LEDGER_DATABASE_URL": url, "LEDGER_PSEUDONYM_KEY": PSEUDONYM_KEY}


def _together(commands: list[tuple[list[str], str]]) -> tuple[float, list[Measured]]:
    """Run commands at the same time; (wall seconds of the whole, each command's measure)."""
    results: list[Measured | None] = [None] * len(commands)

    def one(index: int, command: list[str], url: str) -> None:
        results[index] = run(command, environment=_environment(url))

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i, c, u)) for i, (c, u) in enumerate(commands)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result is not None for result in results), "a command failed"
    return time.perf_counter() - started, [result for result in results if result is not None]


class LockSampler:
    """Share of `pg_stat_activity` samples in which a ledger session waits for a lock, while running."""

    def __init__(self, admin_url: str) -> None:
        self.engine = create_engine(sqlalchemy_url(admin_url))
        self.samples = 0
        self.waiting = 0
        self.active = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        query = text(
            "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active') "
            "FROM pg_stat_activity WHERE datname LIKE 'scaleout_%' AND pid <> pg_backend_pid()"
        )
        with self.engine.connect() as connection:
            while not self._stop.is_set():
                waiting, active = connection.execute(query).one()
                self.samples += 1
                self.waiting += waiting
                self.active += active
                connection.commit()
                time.sleep(LOCK_SAMPLE_INTERVAL_S)

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    @property
    def lock_share(self) -> float:
        return self.waiting / max(self.active + self.waiting, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000, help="members per region")
    parser.add_argument("--years", type=int, default=5)
    arguments = parser.parse_args()
    start_year = datetime.now(UTC).year - arguments.years
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory(prefix="ledger-scaleout-") as directory, postgres_server() as admin_url:
        files: dict[str, Path] = {}
        events = 0
        for region in REGIONS:
            files[region] = Path(directory) / f"{region}.jsonl"
            subprocess.run(
                [_ledger(), "synth", "--members", str(arguments.members), "--years", str(arguments.years),
                 "--region", region, "--seed", "5", "--start-year", str(start_year), "--out", str(files[region])],
                check=True, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            with files[region].open("rb") as handle:
                events += sum(1 for _ in handle)
        single = create_database(admin_url, "scaleout_single")
        shards = {region: create_database(admin_url, f"scaleout_{region}") for region in REGIONS}
        for url in (single, *shards.values()):  # migrations before the clock starts
            subprocess.run([_ledger(), "db", "upgrade"], env=_environment(url), check=True, capture_output=True)
        print(f"{len(REGIONS)} regions × {arguments.members} members × {arguments.years} years: {events:,} events")
        ways = {
            "one store": (
                [([_ledger(), "import", str(files[region])], single) for region in REGIONS],
                [
                    (
                        [_ledger(), "replay", "--edition", f"{region}-resident", "--region", region, "--workers", "1"],
                        single,
                    )
                    for region in REGIONS
                ],
            ),
            "a store per region": (
                [([_ledger(), "import", str(files[region])], shards[region]) for region in REGIONS],
                [
                    ([_ledger(), "replay", "--edition", f"{region}-resident", "--workers", "1"], shards[region])
                    for region in REGIONS
                ],
            ),
        }
        for way, (imports, replays) in ways.items():
            with LockSampler(admin_url) as sampler:
                import_s, _ = _together(imports)
            replay_s, _ = _together(replays)
            print(
                f"{way:>18}: import {import_s:6.1f} s ({events / import_s:,.0f} events/s, "
                f"{sampler.lock_share:.0%} of sampled ledger sessions waiting for a lock) | "
                f"replay {replay_s:6.1f} s ({events / replay_s:,.0f} events/s)",
                flush=True,
            )
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
