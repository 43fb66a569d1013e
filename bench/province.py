"""A province-sized run, measured as a curve: generate, import and replay growing populations.

    .venv/bin/python -m bench.province [--sizes 1000,4000,16000] [--years 20] [--workers 2] [--sqlite]

For each size, three whole commands run as separate processes, exactly as an operator runs them:
``ledger synth`` (a Bazhong population over ``--years`` years ending last year, so every fact has
happened), ``ledger import FILE`` and ``ledger replay --edition bazhong-resident --workers N``,
against one private PostgreSQL 15 on 127.0.0.1 (or a SQLite file with ``--sqlite``). Every process
of each command (the spawned replay workers included) is sampled from ``/proc`` every 0.2 s for its
resident set and CPU time, so the table gives wall time, events/s, events per CPU second, the peak
RSS of the largest process, and the database size after the import. The last lines extrapolate
linearly in events to 100,000 and 1,000,000 members × ``--years`` years from the largest size
measured (the assumption: every step is linear in events — each batch and each partition chunk does
the same work whatever came before — and memory is flat in members; the curve shows whether that
held). Not part of the suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from api.settings import sqlalchemy_url
from tests.support.servers import create_database, postgres_server

#: Sampling interval of the process tree (s).
SAMPLE_INTERVAL_S = 0.2
#: Longest one command may run (s).
COMMAND_S_MAX = 6 * 3600
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    """One whole command: wall time, CPU time of all its processes, and the largest process's peak RSS."""

    seconds: float
    cpu_s: float
    rss_peak_mib: float
    processes: int


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(_children(current))
    return found


def _sample(pid: int) -> tuple[float, float] | None:
    """(RSS in MiB, CPU seconds) of one process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    cpu_s = (int(fields[11]) + int(fields[12])) / _TICKS_PER_S
    rss_mib = int(fields[21]) * _PAGE_BYTES / 2**20
    return rss_mib, cpu_s


def run(command: list[str], *, environment: dict[str, str]) -> Measured:
    """Run one whole command and follow every process it starts until it ends."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rss_peak: dict[int, float] = {}
    cpu_last: dict[int, float] = {}
    while process.poll() is None:
        for pid in _tree(process.pid):
            sample = _sample(pid)
            if sample is not None:
                rss_peak[pid] = max(rss_peak.get(pid, 0.0), sample[0])
                cpu_last[pid] = sample[1]
        if time.perf_counter() - started > COMMAND_S_MAX:
            process.kill()
            raise SystemExit(f"{command[1]} ran longer than {COMMAND_S_MAX} s")
        time.sleep(SAMPLE_INTERVAL_S)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{errors[-2000:]}")
    return Measured(
        seconds=seconds,
        cpu_s=sum(cpu_last.values()),
        rss_peak_mib=max(rss_peak.values(), default=0.0),
        processes=len(rss_peak),
    )


def database_mib(url: str) -> float:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).stat().st_size / 2**20
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return float(size) / 2**20


def measure_size(members: int, *, years: int, workers: int, url: str, directory: Path) -> dict[str, object]:
    ledger = str(Path(sys.executable).parent / "ledger")
    # A fixed benchmark key: PostgreSQL requires one (identity numbers become pseudonyms before storage).
    environment = os.environ | {"LEDGER_DATABASE_URL": url, "LEDGER_PSEUDONYM_KEY": "bench-province-pseudonym-key"}
    start_year = datetime.now(UTC).year - years
    population = directory / f"bazhong-{members}x{years}.jsonl"
    synth = run(
        [
            ledger,
            "synth",
            "--members",
            str(members),
            "--years",
            str(years),
            "--region",
            "bazhong",
            "--seed",
            "7",
            "--start-year",
            str(start_year),
            "--out",
            str(population),
        ],
        environment=environment,
    )
    with population.open("rb") as handle:
        events = sum(1 for _ in handle)
    imported = run([ledger, "import", str(population)], environment=environment)
    size_mib = database_mib(url)
    replayed = run(
        [ledger, "replay", "--edition", "bazhong-resident", "--workers", str(workers)], environment=environment
    )
    population.unlink()
    row: dict[str, object] = {"members": members, "years": years, "events": events, "database_mib": size_mib}
    for name, measured in (("synth", synth), ("import", imported), ("replay", replayed)):
        row[name] = {
            "seconds": round(measured.seconds, 1),
            "events_per_s": round(events / measured.seconds),
            "events_per_cpu_s": round(events / max(measured.cpu_s, 1e-9)),
            "rss_peak_mib": round(measured.rss_peak_mib),
            "processes": measured.processes,
        }
    return row


def _print_row(row: dict[str, object]) -> None:
    line = f"{row['members']:>9,} × {row['years']} y  {row['events']:>11,} events  db {row['database_mib']:>8,.0f} MiB"
    for name in ("synth", "import", "replay"):
        step = row[name]
        assert isinstance(step, dict)
        line += (
            f" | {name} {step['seconds']:>8,.1f} s {step['events_per_s']:>7,}/s "
            f"({step['events_per_cpu_s']:,}/CPU s) {step['rss_peak_mib']:>4} MiB×{step['processes']}"
        )
    print(line, flush=True)


def extrapolate(row: dict[str, object], *, years: int) -> None:
    events, members = row["events"], row["members"]
    assert isinstance(events, int) and isinstance(members, int)
    per_member = events / members
    for target in (100_000, 1_000_000):
        target_events = per_member * target
        parts = []
        for name in ("import", "replay"):
            step = row[name]
            assert isinstance(step, dict)
            hours = target_events / step["events_per_s"] / 3600
            parts.append(f"{name} ≈ {hours:,.1f} h")
        database_gib = row["database_mib"] / 1024 * target_events / events  # type: ignore[operator]
        print(
            f"extrapolated {target:,} members × {years} y ≈ {target_events / 1e6:,.1f} M events: "
            f"{', '.join(parts)}, database ≈ {database_gib:,.0f} GiB (linear in events from {members:,} members)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000,16000", help="member counts, comma-separated")
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="replay worker processes")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of a private PostgreSQL")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ledger-province-") as directory:
        for members in sizes:
            if arguments.sqlite:
                url = f"sqlite:///{directory}/province-{members}.db"
                rows.append(
                    measure_size(
                        members, years=arguments.years, workers=arguments.workers, url=url, directory=Path(directory)
                    )
                )
            else:
                with postgres_server() as admin_url:
                    url = create_database(admin_url, f"province_{members}")
                    rows.append(
                        measure_size(
                            members,
                            years=arguments.years,
                            workers=arguments.workers,
                            url=url,
                            directory=Path(directory),
                        )
                    )
            _print_row(rows[-1])
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    extrapolate(rows[-1], years=arguments.years)


if __name__ == "__main__":
    main()
