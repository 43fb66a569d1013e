"""Ingest benchmark: events per second through validation and the event store.

    .venv/bin/python -m bench.ingest [--events 20000] [--batch 1000] [--members 2000] [--postgres]

Measures `parse_batch` + `LedgerApplication.record_events` (the path both `POST /v1/events` and
`ledger import` take) on a fresh SQLite file, or with --postgres on a private PostgreSQL server
started like the tests start theirs. Also times a full re-send (all duplicates) and reading
every member's history back. Not part of the test suite; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from api.app import open_ledger
from api.settings import Settings
from domain.contract import parse_batch
from tests.support.events import make_event
from tests.support.servers import create_database, postgres_server

EVENT_TYPES = ("MemberRegistered", "ContributionPaid", "CategoryCertified", "ClaimSubmitted", "CoverageEnded")


def raw_events(count: int, members: int) -> list[dict[str, object]]:
    return [
        make_event(EVENT_TYPES[n % len(EVENT_TYPES)], member_id=f"B-{n % members:06d}", label=f"bench-{n}")
        for n in range(count)
    ]


@contextlib.contextmanager
def database(postgres: bool) -> Iterator[str]:
    if postgres:
        with postgres_server() as admin_url:
            yield create_database(admin_url, "ledger_bench")
    else:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    arguments = parser.parse_args()
    raw = raw_events(arguments.events, arguments.members)
    with database(arguments.postgres) as url:
        ledger = open_ledger(Settings(database_url=url))
        now = datetime.now(UTC)
        started = time.perf_counter()
        batches = [parse_batch(raw[i : i + arguments.batch]) for i in range(0, len(raw), arguments.batch)]
        validated = time.perf_counter()
        for batch in batches:
            ledger.record_events(batch, now=now)
        stored = time.perf_counter()
        for batch in batches:
            ledger.record_events(batch, now=now)
        resent = time.perf_counter()
        for member in range(arguments.members):
            ledger.member_events(f"B-{member:06d}")
        read = time.perf_counter()
        ledger.close()
    backend = "postgresql" if arguments.postgres else "sqlite"
    count = arguments.events
    print(f"backend={backend} events={count} batch={arguments.batch} members={arguments.members}")
    print(f"validate: {count / (validated - started):,.0f} events/s")
    print(f"store:    {count / (stored - validated):,.0f} events/s (new events, batches of {arguments.batch})")
    print(f"re-send:  {count / (resent - stored):,.0f} events/s (every event a duplicate)")
    print(
        f"history:  {arguments.members / (read - resent):,.0f} members/s ({count / arguments.members:.0f} events each)"
    )


if __name__ == "__main__":
    main()
