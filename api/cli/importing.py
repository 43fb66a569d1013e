"""``ledger import FILE``: validate the whole file, then store it, in memory that does not grow with it.

**Validating pass.** The file is read in chunks of one batch's lines. Each chunk is parsed (JSON, no key
twice), pseudonymised, validated against the contract, checked for facts after today and *prepared* —
content digest and data JSON worked out (:class:`~projections.batch_append.PreparedEvent`) — and a clean
chunk's prepared events go to a spill file in a private temporary directory. Chunks are independent, so
a large file is validated by worker processes (the work is Python: threads would share one core), a
bounded number of chunks in flight, their results taken in file order. Registrations are checked against
the stored members here, in this process (one query a chunk for members not seen before).

**Storing pass** (only when nothing was refused). The spill is read back chunk by chunk and each chunk
stored as one atomic batch, in file order. The events stored are exactly those validated (the file is
not read again, so a file changed meanwhile changes nothing), and no event is validated or digested
twice. Each spilled chunk is deleted once stored; the directory goes when the command ends, whatever
happens. The spill takes about as much disk as the file (``TMPDIR`` chooses where).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from domain.errors import FieldProblem

#: Problems a streaming import keeps to show (it counts the rest): bounded memory even for a bad file.
IMPORT_PROBLEMS_KEPT_MAX = 1000
#: A file this large or larger is validated in worker processes: starting one costs about 0.2 s, what
#: 10,000 events take to validate, and a file of this size holds about as many.
PARALLEL_FILE_BYTES_MIN = 4 * 1024 * 1024
#: Most worker processes of the validating pass.
IMPORT_WORKERS_MAX = 8
#: Chunks queued per worker process: enough to keep each busy, few enough to bound memory.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


@dataclass
class Validation:
    """What the validating pass found of one kind: bounded problems with their lines, and their count."""

    problems: list[FieldProblem] = field(default_factory=list)
    problems_total: int = 0
    lines: dict[int, int] = field(default_factory=dict)

    def add(self, problem: FieldProblem, line: int | None) -> None:
        self.problems_total += 1
        if len(self.problems) < IMPORT_PROBLEMS_KEPT_MAX:
            self.problems.append(problem)
            if line is not None:
                self.lines[problem.index] = line


@dataclass(frozen=True)
class Chunk:
    """One chunk of lines as the validating pass leaves it. Indexes count the chunk's JSON values from 0."""

    events: int
    #: (problem, line): lines that are not JSON, events the contract refuses.
    contract: list[tuple[FieldProblem, int | None]]
    #: (problem, line): facts dated after today.
    future: list[tuple[FieldProblem, int]]
    #: (index, member_id, event_id, region, line) of each registration, for the region check.
    registrations: list[tuple[int, str, str, str | None, int]]
    #: The spilled prepared events (None: nothing to store, or problems found).
    spill: str | None
    bytes_read: int


def prepare_chunk(lines: list[tuple[int, bytes]], *, key: bytes, today: date, spill: str) -> Chunk:
    """Parse, pseudonymise, validate and prepare one chunk of (line number, line) pairs; spill it when clean.

    Runs in a worker process of the validating pass, or in the command's own process for a small file.
    """
    from domain.contract import future_problems, loads_json, parse_batch, registration_region
    from domain.errors import InvalidBatch, InvalidEvents
    from domain.identity import pseudonymise_payload
    from projections.batch_append import PreparedEvent

    items: list[Any] = []
    line_numbers: list[int] = []
    contract: list[tuple[FieldProblem, int | None]] = []
    for line_number, line in lines:
        try:
            value = loads_json(line)
        except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or a 4,300+ digit integer
            reason = (
                "nests too deeply" if isinstance(error, RecursionError) else f"is not JSON the ledger reads: {error}"
            )
            contract.append((FieldProblem(len(items), None, "(line)", f"line {line_number} {reason}"), line_number))
            continue
        # Identity numbers become pseudonyms before validation: not even an error message holds one.
        items.append(pseudonymise_payload(value, key))
        line_numbers.append(line_number)
    bytes_read = sum(len(line) for _, line in lines)
    if not items:
        return Chunk(0, contract, [], [], None, bytes_read)
    try:
        events = parse_batch(items)
    except InvalidEvents as error:
        for p in error.problems:
            line = line_numbers[p.index] if p.index < len(line_numbers) else None
            contract.append((p, line))
        return Chunk(len(items), contract, [], [], None, bytes_read)
    except InvalidBatch as error:
        contract.append((FieldProblem(0, None, "(batch)", str(error)), None))
        return Chunk(len(items), contract, [], [], None, bytes_read)
    # Stored facts have happened by today in China (what-ifs may lie ahead; imports may not).
    future = [(p, line_numbers[p.index]) for p in future_problems(events, today=today)]
    registrations = [
        (i, e.member_id, str(e.event_id), registration_region(e), line_numbers[i])
        for i, e in enumerate(events)
        if e.type == "MemberRegistered"  # type: ignore[attr-defined]
    ]
    if contract or future:
        return Chunk(len(items), contract, future, registrations, None, bytes_read)
    prepared = [PreparedEvent.of(event).as_tuple() for event in events]
    with open(spill, "wb") as handle:
        pickle.dump((line_numbers, prepared), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return Chunk(len(items), contract, future, registrations, spill, bytes_read)


def _start_worker() -> None:
    """A worker's start: the contract's modules loaded, then kept out of the cyclic collector (a chunk
    allocates thousands of models; full collections would walk the start-up heap each time)."""
    import projections.batch_append  # noqa: F401
    from projections.heap import freeze_startup_heap

    freeze_startup_heap()


def worker_context() -> Any:
    """Worker processes as fresh interpreters (spawn): no connection, thread or lock of this process is
    inherited. One starts in about 0.2 s: it imports the contract, and the ``ledger`` entry script, which
    multiprocessing runs again in each worker, imports nothing (``api.cli.entry``)."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def _line_chunks(path: Path, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """The file's non-blank lines with their numbers, ``size`` to a chunk; one chunk in memory."""
    chunk: list[tuple[int, bytes]] = []
    with path.open("rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            chunk.append((line_number, line))
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


@dataclass
class Validated:
    """The validating pass's findings and spill. Three findings, reported in this order (a later one only
    when the earlier are empty): lines and events the contract refuses; facts dated after today (in China);
    registrations that would move a member to another region."""

    contract: Validation
    future: Validation
    regions: Validation
    events: int
    directory: str
    #: The spilled chunks in file order, with the index of each chunk's first event.
    chunks: list[tuple[int, str]]

    def refused(self) -> list[Validation]:
        return [found for found in (self.contract, self.future, self.regions) if found.problems_total]

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def import_workers(path: Path, requested: int | None) -> int:
    """Processes of the validating pass: ``requested``, else the machine's cores (at most
    IMPORT_WORKERS_MAX) for a file of PARALLEL_FILE_BYTES_MIN or more, else none (this process)."""
    if requested is not None:
        return requested
    if path.stat().st_size < PARALLEL_FILE_BYTES_MIN:
        return 0
    return min(os.cpu_count() or 1, IMPORT_WORKERS_MAX)


def validate_file(
    path: Path,
    size: int,
    key: bytes,
    ledger: Any,
    *,
    today: date,
    workers: int,
    on_bytes: Callable[[int], None] = lambda _: None,
) -> Validated:
    """The validating pass (module docstring): every line of the file read once, its clean chunks spilled."""
    from projections.access import stored_regions

    directory = tempfile.mkdtemp(prefix="ledger-import-")
    found = Validated(Validation(), Validation(), Validation(), 0, directory, [])
    first_region: dict[str, str | None] = {}  # the only state that grows with the file: one entry a member
    try:
        for chunk in _chunks(path, size, key, today, directory, workers):
            on_bytes(chunk.bytes_read)
            start = found.events
            found.events += chunk.events
            for problem, line in chunk.contract:
                found.contract.add(_shifted(problem, start), line)
            for problem, line in chunk.future:
                found.future.add(_shifted(problem, start), line)
            new = sorted({member for _, member, _, _, _ in chunk.registrations if member not in first_region})
            if new:
                first_region.update(stored_regions(ledger, new))
            for index, member, event_id, region, line in chunk.registrations:
                expected = first_region[member]
                if expected is None:
                    first_region[member] = region  # the file's first registration of a member not stored
                elif region != expected:
                    reason = "the member is registered in another region: a registration does not move a member"
                    found.regions.add(FieldProblem(start + index, event_id, "data.region", reason), line)
            if chunk.spill is not None:
                found.chunks.append((start, chunk.spill))
    except BaseException:
        found.remove()
        raise
    return found


def _shifted(problem: FieldProblem, start: int) -> FieldProblem:
    return FieldProblem(problem.index + start, problem.event_id, problem.field, problem.reason)


def _chunks(path: Path, size: int, key: bytes, today: date, directory: str, workers: int) -> Iterator[Chunk]:
    """Each chunk of the file validated and prepared, in file order: here, or in ``workers`` processes."""
    spills = ((os.path.join(directory, f"{n:09d}.pickle"), lines) for n, lines in enumerate(_line_chunks(path, size)))
    if workers <= 0:
        for spill, lines in spills:
            yield prepare_chunk(lines, key=key, today=today, spill=spill)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=_start_worker) as pool:
        pending: deque[Future[Chunk]] = deque()
        try:
            for spill, lines in spills:
                pending.append(pool.submit(prepare_chunk, lines, key=key, today=today, spill=spill))
                if len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def spilled_batches(found: Validated) -> Iterator[tuple[int, list[int], list[Any]]]:
    """The spilled chunks in file order: (index of the first event, each event's line, prepared events).
    Each chunk's file is deleted once read."""
    from projections.batch_append import PreparedEvent

    for start, spill in found.chunks:
        with open(spill, "rb") as handle:
            lines, prepared = pickle.load(handle)
        os.unlink(spill)
        yield start, lines, [PreparedEvent.from_tuple(values) for values in prepared]
