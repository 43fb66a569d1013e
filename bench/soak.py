"""Soak (load): K clients post N events with duplicates and conflicts mixed in, against real servers.

    .venv/bin/python -m bench.soak [--clients 8] [--events 20000] [--postgres | --sqlite] [--seconds-max 600]

Everything runs on 127.0.0.1 and stops by itself (after the N events are posted, or after
``--seconds-max``): a private PostgreSQL cluster (or, with ``--sqlite``, the embedded default in a
temporary directory), a private redis-server, ``ledger serve`` on a free port, ``ledger project``
(the live projection runner) and ``ledger worker`` (replay partitions through Redis). API keys are
created directly in the database before the server starts: an integration key posts, a service key
reads status, an auditor key runs the replay.

While K client threads post the synthetic population (``synthetic``) in batches of
random size — some batches queued twice so two clients race to store them, some with already
acknowledged events and in-batch repeats mixed in — they also re-post acknowledged events (each must
be answered ``duplicate``) and post conflicts (an acknowledged event_id with other content, for the
same member or for a canary member, beside a fresh canary event: each must get 409 and store
nothing) and hostile but contract-shaped events (``--hostile-share``): boundary dates (1900-01-01,
2100-12-31: stored), impossible years, control characters and facts after today (422, nothing
stored), and writes with a key limited to the soak's region for a member registered elsewhere or
unknown (403, the same answer for both). Other threads read member status, and one replay is
started and followed to its end. Events of the synthetic years after today are left out (the ledger
stores only what has happened).

Afterwards it checks, and exits non-zero when any check fails:

* every event is stored exactly once (the stored event_ids of each member, read back through
  ``LedgerApplication.member_streams``, against what was acknowledged), and across all answers each
  event_id was answered ``stored`` exactly once;
* the conflicts changed nothing (the original content is stored; no canary member has an event);
* each hostile member's stream holds exactly what was acknowledged for it (refusals stored nothing),
  and the limited key's 403 was the same for a foreign and an unknown member;
* the live read model, once ``ledger project`` has caught up (lag 0), equals a full re-fold
  (``read_model_checksum`` before and after ``reset_read_model`` + ``catch_up``); members isolated
  because their fold fails are out of both and listed (the same live and after the re-fold);
* the replay finished, every partition and member done.

It reports per request kind the count, the answers by status, p50/p95/p99 latency and throughput.
Not part of the test suite; results go to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import create_engine

from api.app import open_ledger
from api.routes.status import today_in_china
from api.settings import Settings, sqlalchemy_url
from domain.contract import content_sha256, parse_batch
from domain.identity import member_key
from projections.access import create_key
from projections.entitlements import (
    EntitlementsProjection,
    ReadModelView,
    catch_up,
    lag,
    open_projection,
    read_model_checksum,
    reset_read_model,
)
from projections.isolation import failures
from projections.migrate import upgrade_to_head
from projections.rulebook import load_rulebook
from synthetic import generate_population
from tests.support.servers import create_database, free_port, postgres_cluster, redis_process, wait_for

LEDGER = str(Path(sys.executable).parent / "ledger")
#: The pseudonym key of the soak's private ledger (HMAC key, at least 16 characters).
PSEUDONYM_KEY = "soak-pseudonym-key-0123456789abcdef"
REGION = "shenyang"
YEARS = 3
#: The replay the auditor starts: its edition, and how many partitions the worker shares.
REPLAY_EDITION = "shenyang-resident"
REPLAY_PARTITIONS = 2
#: The replay starts once this share of the events has been acknowledged.
REPLAY_START_SHARE = 0.3
#: Attempts of one request on a transport error or a 5xx, and the first back-off (doubles).
ATTEMPTS_MAX = 5
BACKOFF_S = 0.5
#: Seconds a request may take before the client gives up on it (then retries).
REQUEST_TIMEOUT_S = 120.0
#: Longest waits after the load: the replay to finish, the runner to catch up, a server to start.
REPLAY_WAIT_S_MAX = 300.0
CATCH_UP_WAIT_S_MAX = 600.0
#: The wait for lag 0 ends early when the lag has not fallen for this long (a stuck runner).
CATCH_UP_STALL_S = 90.0
SERVER_START_S_MAX = 120.0
#: Acknowledged events one re-post carries at most, and acknowledged events mixed into a new batch.
REPOST_EVENTS_MAX = 50
MIXED_EVENTS_MAX = 5
#: Member ids of the canaries (members that must never get an event).
CANARY_PREFIX = "SOAK-CANARY-"
#: Member ids of the hostile members (contract-shaped events with hostile values), and the region no key of
#: the soak's limited integration key covers.
HOSTILE_PREFIX = "SOAK-HOSTILE-"
FOREIGN_REGION = "bazhong"
#: Impossible years and forbidden characters the hostile events carry.
IMPOSSIBLE_YEARS = ("0001", "1899", "2101", "9999")
CONTROL_CHARACTERS = ("\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u009f")

console = Console(stderr=True)


# --------------------------------------------------------------------------- servers


def environment(database_url: str, redis_url: str | None) -> dict[str, str]:
    return {
        **os.environ,
        "LEDGER_DATABASE_URL": database_url,
        "LEDGER_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "LEDGER_REDIS_URL": redis_url or "",
    }


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``ledger`` subprocess writing to ``log``; terminated (then killed) afterwards."""
    with log.open("ab") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    try:
        yield child
    finally:
        stop(child)


def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# --------------------------------------------------------------------------- bookkeeping


@dataclass
class Sample:
    kind: str
    status: str  # HTTP status code, or the transport error's type
    started: float
    seconds: float
    expected: bool


@dataclass
class Book:
    """What the clients sent and were told, shared by the threads (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[Sample] = field(default_factory=list)
    #: Acknowledged raw events (200 on a batch holding them), in acknowledgement order.
    acked: list[dict[str, Any]] = field(default_factory=list)
    acked_ids: set[str] = field(default_factory=set)
    acked_members: list[str] = field(default_factory=list)
    acked_member_set: set[str] = field(default_factory=set)
    #: Events of batches that were sent but never acknowledged (every attempt failed): may be stored or not.
    unsure_ids: set[str] = field(default_factory=set)
    #: How often each event_id was answered ``stored``.
    stored_answers: Counter[str] = field(default_factory=Counter)
    #: Violations seen in the answers (a re-post answered stored, a conflict accepted, ...).
    violations: list[str] = field(default_factory=list)
    #: (original raw event, canary member id) of every conflict that got its 409.
    conflicts: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    canaries: list[str] = field(default_factory=list)
    ledger_source: Counter[str] = field(default_factory=Counter)
    replay: dict[str, Any] = field(default_factory=dict)
    #: (seconds since the load began, lag of the live projection) samples.
    lags: list[tuple[float, int]] = field(default_factory=list)
    #: Batches posted with acknowledged events and an in-batch repeat mixed in.
    mixed: int = 0
    #: Hostile members and the event_ids acknowledged for each (refused batches must store nothing).
    hostile: dict[str, set[str]] = field(default_factory=dict)
    hostile_kinds: Counter[str] = field(default_factory=Counter)
    #: The bodies of the 403s a limited key got for a foreign and for an unknown member (must be equal).
    refusal_bodies: set[str] = field(default_factory=set)

    def sample(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def violation(self, text: str) -> None:
        with self.lock:
            if len(self.violations) < 1000:
                self.violations.append(text)

    def acknowledge(self, events: list[dict[str, Any]]) -> None:
        with self.lock:
            for event in events:
                if event["event_id"] not in self.acked_ids:
                    self.acked_ids.add(event["event_id"])
                    self.acked.append(event)
                    self.unsure_ids.discard(event["event_id"])
                if event["member_id"] not in self.acked_member_set:
                    self.acked_member_set.add(event["member_id"])
                    self.acked_members.append(event["member_id"])


def send(
    client: httpx.Client, book: Book, kind: str, method: str, url: str, *, expected: int, **kwargs: Any
) -> httpx.Response | None:
    """One request, retried on transport errors and 5xx; every attempt is a sample."""
    for attempt in range(ATTEMPTS_MAX):
        if attempt:
            time.sleep(BACKOFF_S * 2 ** (attempt - 1))
        started = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            book.sample(Sample(kind, type(error).__name__, started, time.perf_counter() - started, False))
            continue
        seconds = time.perf_counter() - started
        book.sample(Sample(kind, str(response.status_code), started, seconds, response.status_code == expected))
        if response.status_code < 500:
            return response
    return None


# --------------------------------------------------------------------------- the load


@dataclass
class Plan:
    base: str
    keys: dict[str, str]
    jobs: queue.Queue[list[dict[str, Any]]]
    events_total: int
    deadline: float
    repost_share: float
    conflict_share: float
    mix_share: float
    seed: int
    hostile_share: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)
    posting_done: threading.Event = field(default_factory=threading.Event)


def headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def canary_registration(member_id: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "member_id": member_id,
        "type": "MemberRegistered",
        "occurred_on": "2025-01-01",
        "source": "soak-canary",
        "data": {"region": REGION, "birth_date": "1980-01-01", "sex": "F"},
    }


def post_client(plan: Plan, book: Book, number: int) -> None:
    """Take batches off the queue and post them; now and then a re-post or a conflict."""
    rng = random.Random(f"{plan.seed}:client:{number}")
    with httpx.Client(
        base_url=plan.base, headers=headers(plan.keys["integration"]), timeout=REQUEST_TIMEOUT_S
    ) as client:
        while not plan.stop.is_set() and time.monotonic() < plan.deadline:
            try:
                batch = plan.jobs.get_nowait()
            except queue.Empty:
                return
            post_batch(client, book, plan, rng, batch)
            if rng.random() < plan.repost_share:
                repost(client, book, rng)
            if rng.random() < plan.conflict_share:
                conflict(client, book, rng, number)
            if rng.random() < plan.hostile_share:
                hostile(client, plan, book, rng, number)


def post_batch(client: httpx.Client, book: Book, plan: Plan, rng: random.Random, batch: list[dict[str, Any]]) -> None:
    body = list(batch)
    with book.lock:
        known = rng.sample(book.acked, min(len(book.acked), MIXED_EVENTS_MAX)) if rng.random() < plan.mix_share else []
    body.extend(known)
    if known:
        body.append(rng.choice(batch))  # a repeat inside the batch
        with book.lock:
            book.mixed += 1
    response = send(client, book, "post batch", "POST", "/v1/events", expected=200, json=body)
    if response is None or response.status_code != 200:
        if response is not None:
            book.violation(f"batch of {len(body)} answered {response.status_code}: {response.text[:300]}")
        with book.lock:
            book.unsure_ids.update(e["event_id"] for e in batch if e["event_id"] not in book.acked_ids)
        return
    results = response.json()["results"]
    known_ids = {event["event_id"] for event in known}
    seen: set[str] = set()
    with book.lock:
        for index, result in enumerate(results):
            event_id, status = result["event_id"], result["status"]
            if event_id != body[index]["event_id"]:
                book.violations.append(f"answer #{index} names {event_id}, the batch has {body[index]['event_id']}")
            if status == "stored":
                book.stored_answers[event_id] += 1
                if event_id in known_ids or event_id in seen:
                    book.violations.append(f"{event_id}: acknowledged before (or repeated) yet answered stored")
            seen.add(event_id)
    book.acknowledge(batch)


def repost(client: httpx.Client, book: Book, rng: random.Random) -> None:
    with book.lock:
        if not book.acked:
            return
        events = rng.sample(book.acked, min(len(book.acked), rng.randint(1, REPOST_EVENTS_MAX)))
    response = send(client, book, "re-post", "POST", "/v1/events", expected=200, json=events)
    if response is None:
        return
    if response.status_code != 200:
        book.violation(f"re-post of {len(events)} answered {response.status_code}: {response.text[:300]}")
        return
    answer = response.json()
    if answer["duplicate"] != len(events) or answer["stored"] != 0:
        book.violation(f"re-post of {len(events)} acknowledged events: stored {answer['stored']}")


def conflict(client: httpx.Client, book: Book, rng: random.Random, number: int) -> None:
    """An acknowledged event_id with other content (same member, or a canary member), beside a canary event."""
    with book.lock:
        if not book.acked:
            return
        original = rng.choice(book.acked)
        canary = f"{CANARY_PREFIX}{number:02d}-{len(book.canaries):06d}"
        book.canaries.append(canary)
    if rng.random() < 0.5:
        variant = dict(original, source="soak-conflict")
        kind = "conflict (same member)"
    else:
        variant = dict(original, member_id=canary)
        kind = "conflict (other member)"
    body = [canary_registration(canary), variant]
    rng.shuffle(body)
    response = send(client, book, kind, "POST", "/v1/events", expected=409, json=body)
    if response is None:
        return
    if response.status_code != 409:
        book.violation(f"{kind} on {original['event_id']} answered {response.status_code}: {response.text[:300]}")
        return
    if original["event_id"] not in response.text:
        book.violation(f"{kind}: the 409 does not name {original['event_id']}: {response.text[:300]}")
    with book.lock:
        book.conflicts.append((original, canary))


def raw_event(
    member_id: str, event_type: str, occurred_on: str, data: dict[str, Any], **envelope: Any
) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "member_id": member_id,
        "type": event_type,
        "occurred_on": occurred_on,
        "source": "soak-hostile",
        "data": data,
    } | envelope


def hostile(client: httpx.Client, plan: Plan, book: Book, rng: random.Random, number: int) -> None:
    """Contract-shaped events with hostile values: boundary dates (stored), impossible dates, control
    characters, facts after today (refused, nothing stored), and writes for another region's or an
    unknown member with a key limited to the soak's region (403, the same answer for both)."""
    with book.lock:
        member = f"{HOSTILE_PREFIX}{number:02d}-{len(book.hostile):06d}"
        book.hostile[member] = set()
    kind = rng.choice(("boundary dates", "impossible date", "control character", "after today", "foreign region"))
    book.hostile_kinds[kind] += 1
    register = raw_event(
        member, "MemberRegistered", "2025-01-01", {"region": REGION, "birth_date": "1900-01-01", "sex": "M"}
    )
    if kind == "boundary dates":
        certified = raw_event(
            member,
            "CategoryCertified",
            "2025-01-02",
            {"category": "minimum_living", "valid_from": "2025-01-02", "valid_to": "2100-12-31"},
        )
        body, expected = [register, certified], 200
    elif kind == "impossible date":
        year = rng.choice(IMPOSSIBLE_YEARS)
        paid = raw_event(
            member,
            "ContributionPaid",
            "2025-01-03",
            {
                "scheme": "resident",
                "region": REGION,
                "coverage_start": f"{year}-01-01",
                "coverage_end": f"{year}-12-31",
                "amount": "400.00",
                "kind": "regular",
            },
        )
        body, expected = [register, paid], 422
    elif kind == "control character":
        body, expected = [register | {"source": f"hospital{rng.choice(CONTROL_CHARACTERS)}"}], 422
    elif kind == "after today":
        body, expected = [register | {"occurred_on": "2099-01-01"}], 422
    else:
        foreign = raw_event(
            member, "MemberRegistered", "2025-01-01", {"region": FOREIGN_REGION, "birth_date": "1970-01-01", "sex": "F"}
        )
        response = send(
            client, book, "hostile: foreign registration", "POST", "/v1/events", expected=200, json=[foreign]
        )
        if response is None or response.status_code != 200:
            book.violation(f"registration of {member} in {FOREIGN_REGION} answered {response and response.status_code}")
            return
        with book.lock:
            book.hostile[member].add(foreign["event_id"])
        unknown = f"{member}-UNKNOWN"
        with book.lock:
            book.hostile[unknown] = set()
        limited = {"Authorization": f"Bearer {plan.keys['limited']}"}
        for target in (
            member,
            unknown,
        ):  # a re-registration "in our region" for the foreign member; none for the unknown
            bypass = [raw_event(target, "CoverageEnded", "2025-02-01", {"scheme": "resident", "reason": "other"})]
            if target == member:
                register = {"region": REGION, "birth_date": "1970-01-01", "sex": "F"}
                bypass.insert(0, raw_event(target, "MemberRegistered", "2025-01-01", register))
            response = send(
                client,
                book,
                "hostile: foreign region",
                "POST",
                "/v1/events",
                expected=403,
                json=bypass,
                headers=limited,
            )
            if response is None or response.status_code != 403:
                book.violation(f"a limited key writing for {target} answered {response and response.status_code}")
                continue
            # The answer apart from its request_id (each request's own, as in its X-Request-ID header).
            answer = {k: v for k, v in response.json().items() if k != "request_id"}
            with book.lock:
                book.refusal_bodies.add(json.dumps(answer, sort_keys=True, ensure_ascii=False))
        return
    response = send(client, book, f"hostile: {kind}", "POST", "/v1/events", expected=expected, json=body)
    if response is None:
        return
    if response.status_code != expected:
        book.violation(f"hostile {kind} for {member} answered {response.status_code}: {response.text[:300]}")
        return
    if expected == 200:
        with book.lock:
            book.hostile[member].update(event["event_id"] for event in body)


def status_client(plan: Plan, book: Book, number: int) -> None:
    """Read the status of acknowledged members until the posting is over."""
    rng = random.Random(f"{plan.seed}:status:{number}")
    with httpx.Client(base_url=plan.base, headers=headers(plan.keys["service"]), timeout=REQUEST_TIMEOUT_S) as client:
        while not plan.posting_done.is_set() and not plan.stop.is_set():
            with book.lock:
                member = rng.choice(book.acked_members) if book.acked_members else None
            if member is None:
                time.sleep(0.1)
                continue
            as_of = f"{rng.randint(2025, 2027)}-{rng.randint(1, 12):02d}-15"
            response = send(
                client, book, "status", "GET", f"/v1/members/{member}/status", expected=200, params={"as_of": as_of}
            )
            if response is not None:
                with book.lock:
                    book.ledger_source[response.headers.get("ledger-source", "-")] += 1
                if response.status_code != 200:
                    book.violation(f"status of {member} on {as_of}: {response.status_code} {response.text[:300]}")


def replay_client(plan: Plan, book: Book) -> None:
    """Once enough events are in, start a replay (auditor key) and follow it until it is done."""
    with httpx.Client(base_url=plan.base, headers=headers(plan.keys["auditor"]), timeout=REQUEST_TIMEOUT_S) as client:
        while len(book.acked_ids) < REPLAY_START_SHARE * plan.events_total and not plan.posting_done.is_set():
            if plan.stop.wait(0.2):
                return
        body = {"edition": REPLAY_EDITION, "region": REGION, "workers": REPLAY_PARTITIONS}
        started = time.monotonic()
        response = send(client, book, "replay start", "POST", "/v1/replays", expected=202, json=body)
        if response is None or response.status_code != 202:
            book.replay["error"] = response.text[:300] if response is not None else "no answer"
            return
        job = response.json()
        book.replay.update(job_id=job["job_id"], members_total=job["members_total"], progress=job)
        deadline = max(plan.deadline, time.monotonic()) + REPLAY_WAIT_S_MAX
        while time.monotonic() < deadline and not plan.stop.is_set():
            polled = send(client, book, "replay progress", "GET", f"/v1/replays/{job['job_id']}", expected=200)
            if polled is not None and polled.status_code == 200:
                book.replay["progress"] = polled.json()
                if (polled.json()["eta_s"] or 0) < 0:
                    book.replay["negative_eta"] = book.replay.get("negative_eta", 0) + 1
                overshoot = polled.json()["members_done"] - polled.json()["members_total"]
                book.replay["overshoot_max"] = max(book.replay.get("overshoot_max", 0), overshoot)
                if polled.json()["status"] == "done":
                    book.replay["seconds"] = time.monotonic() - started
                    return
            time.sleep(1.0)


def lag_sampler(plan: Plan, book: Book, database_url: str) -> None:
    """The live projection's lag (notifications recorded, not yet applied), once a second during the load."""
    url = sqlalchemy_url(database_url)
    ledger = open_ledger(Settings(database_url=database_url, pseudonym_key=PSEUDONYM_KEY))
    view = ReadModelView(create_engine(url), projection_name=EntitlementsProjection.name)
    started = time.monotonic()
    try:
        while not plan.posting_done.is_set() and not plan.stop.is_set():
            with book.lock:
                book.lags.append((time.monotonic() - started, lag(ledger, view)))
            plan.stop.wait(1.0)
        with book.lock:
            book.lags.append((time.monotonic() - started, lag(ledger, view)))
    finally:
        ledger.close()


# --------------------------------------------------------------------------- the run


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def plan_batches(events: list[dict[str, Any]], *, batch_max: int, race_share: float, seed: int) -> list[list[Any]]:
    """Consecutive batches of random size; some queued twice in a row, so two clients race on them."""
    rng = random.Random(f"{seed}:batches")
    batches: list[list[Any]] = []
    start = 0
    while start < len(events):
        size = rng.randint(1, batch_max)
        batch = events[start : start + size]
        batches.append(batch)
        if rng.random() < race_share:
            batches.append(batch)
        start += size
    return batches


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report_requests(book: Book) -> list[dict[str, Any]]:
    rows = []
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in book.samples:
        by_kind[sample.kind].append(sample)
    for kind, samples in by_kind.items():
        latencies = [s.seconds * 1000 for s in samples]
        span = max(s.started + s.seconds for s in samples) - min(s.started for s in samples)
        rows.append(
            {
                "kind": kind,
                "requests": len(samples),
                "answers": dict(sorted(Counter(s.status for s in samples).items())),
                "unexpected": sum(not s.expected for s in samples),
                "p50_ms": round(percentile(latencies, 0.50), 1),
                "p95_ms": round(percentile(latencies, 0.95), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1),
                "max_ms": round(max(latencies), 1),
                "per_s": round(len(samples) / span, 2) if span > 0 else None,
            }
        )
    return rows


def wait_for_lag_zero(ledger: Any, projection: Any) -> bool:
    """Wait for the live runner's lag to reach 0; give up when it has not fallen for ``CATCH_UP_STALL_S``."""
    deadline = time.monotonic() + CATCH_UP_WAIT_S_MAX
    best, best_at = lag(ledger, projection.view), time.monotonic()
    while time.monotonic() < deadline:
        current = lag(ledger, projection.view)
        if current == 0:
            return True
        if current < best:
            best, best_at = current, time.monotonic()
        elif time.monotonic() - best_at > CATCH_UP_STALL_S:
            console.print(f"[red]the lag has stayed at {current} for {CATCH_UP_STALL_S:.0f} s: the runner is stuck")
            return False
        time.sleep(0.5)
    return False


def log_errors(log: Path) -> list[str]:
    """Lines of a process log that report an error (tracebacks, failed catch-ups, restarts)."""
    if not log.exists():
        return []
    markers = ("Traceback", "catch-up failed", "; restarting", "ERROR")
    return [line.strip() for line in log.read_text(errors="replace").splitlines() if any(m in line for m in markers)]


def verify(
    database_url: str,
    book: Book,
    events: list[dict[str, Any]],
    runner: subprocess.Popen[bytes],
    stop_servers: list[subprocess.Popen[bytes]],
    workdir: Path,
) -> tuple[list[Check], dict[str, float]]:
    checks: list[Check] = []
    timings: dict[str, float] = {}
    key = PSEUDONYM_KEY.encode()
    url = sqlalchemy_url(database_url)
    ledger = open_ledger(Settings(database_url=database_url, pseudonym_key=PSEUDONYM_KEY))
    engine = create_engine(url)
    projection = open_projection(url, ledger, load_rulebook())
    try:
        # The live runner catches up: wait for lag 0 (the server has stopped, nothing new arrives).
        for child in stop_servers:
            stop(child)
        started = time.monotonic()
        console.print("waiting for `ledger project` to catch up (lag 0) …")
        caught_up = wait_for_lag_zero(ledger, projection)
        timings["catch_up_wait_s"] = time.monotonic() - started
        runner_alive = runner.poll() is None
        stop(runner)
        checks.append(
            Check(
                "ledger project caught up (lag 0)",
                caught_up and runner_alive,
                f"lag {lag(ledger, projection.view)} after {timings['catch_up_wait_s']:.1f} s"
                + ("" if runner_alive else f"; the runner had exited with {runner.returncode}"),
            )
        )

        for name in ("project", "serve", "worker"):
            if not (workdir / f"{name}.log").exists():  # no worker without Redis
                continue
            errors = log_errors(workdir / f"{name}.log")
            checks.append(
                Check(
                    f"ledger {name}: no errors in its log",
                    not errors,
                    f"{len(errors)} error lines" + (f"; first: {errors[0][:160]}" if errors else ""),
                )
            )

        # Every event stored exactly once.
        members = sorted({event["member_id"] for event in events})
        started = time.monotonic()
        streams = ledger.member_streams([member_key(m, key) for m in members])
        timings["read_back_s"] = time.monotonic() - started
        doubled, missing, unexpected = [], [], []
        stored_ids: set[str] = set()
        for member in members:
            ids = [str(e.event_id) for e in streams[member_key(member, key)]]
            counts = Counter(ids)
            doubled += [i for i, c in counts.items() if c > 1]
            stored_ids.update(ids)
            unexpected += [i for i in ids if i not in book.acked_ids and i not in book.unsure_ids]
        missing = sorted(book.acked_ids - stored_ids)
        checks.append(
            Check(
                "every acknowledged event stored exactly once",
                not doubled and not missing and not unexpected,
                f"{len(book.acked_ids)} acknowledged, {len(stored_ids)} stored in {len(members)} member streams; "
                f"doubled {len(doubled)}, missing {len(missing)}, stored but never acknowledged {len(unexpected)}"
                + (
                    f" ({len(book.unsure_ids & stored_ids)} of {len(book.unsure_ids)} unsure stored)"
                    if book.unsure_ids
                    else ""
                )
                + (f"; e.g. {(doubled + missing + unexpected)[:3]}" if doubled or missing or unexpected else ""),
            )
        )
        answered_twice = [i for i, c in book.stored_answers.items() if c > 1]
        never_answered = [i for i in book.acked_ids if book.stored_answers[i] == 0]
        checks.append(
            Check(
                "each event answered `stored` exactly once across all answers",
                not answered_twice and not never_answered,
                f"{len(book.stored_answers)} answered stored; twice or more {len(answered_twice)}, "
                f"never {len(never_answered)}",
            )
        )
        checks.append(
            Check(
                "the answers kept the contract (re-posts duplicate, conflicts 409, status 200)",
                not book.violations,
                f"{len(book.violations)} violations" + (f"; first: {book.violations[0]}" if book.violations else ""),
            )
        )

        # Conflicts changed nothing.
        changed, canary_events = [], []
        by_event: dict[str, Any] = {}
        for original, _ in book.conflicts:
            if original["event_id"] not in by_event:
                member = member_key(original["member_id"], key)
                for recorded in streams.get(member) or ledger.member_events(member):
                    by_event[str(recorded.event_id)] = recorded
            recorded = by_event.get(original["event_id"])
            if recorded is None or recorded.content_sha256 != content_sha256(parse_batch([original])[0]):
                changed.append(original["event_id"])
        canaries = ledger.member_streams(list(book.canaries)) if book.canaries else {}
        canary_events = [m for m, stored in canaries.items() if stored]
        checks.append(
            Check(
                "conflicts changed nothing",
                not changed and not canary_events,
                f"{len(book.conflicts)} conflicts answered 409; originals changed {len(changed)}, "
                f"canary members with events {len(canary_events)} of {len(book.canaries)}",
            )
        )

        # Hostile members: what was acknowledged is stored, what was refused is not; one 403 for foreign and unknown.
        hostile_streams = ledger.member_streams(list(book.hostile)) if book.hostile else {}
        wrong = [
            member
            for member, acked in book.hostile.items()
            if {str(e.event_id) for e in hostile_streams.get(member) or []} != acked
        ]
        checks.append(
            Check(
                "hostile events: the refused stored nothing, the accepted are stored once",
                not wrong and len(book.refusal_bodies) <= 1,
                f"{sum(book.hostile_kinds.values())} hostile requests ({dict(book.hostile_kinds)}); members whose "
                f"stream differs from what was acknowledged {len(wrong)}"
                + (f" e.g. {wrong[:3]}" if wrong else "")
                + f"; distinct 403 bodies for foreign and unknown members {len(book.refusal_bodies)}",
            )
        )

        # The live read model equals a full re-fold (isolated members are out of both; they are listed).
        isolated_live = failures(engine)
        started = time.monotonic()
        live = read_model_checksum(engine)
        reset_read_model(engine)
        applied = catch_up(ledger, projection)
        rebuilt = read_model_checksum(engine)
        timings["refold_s"] = time.monotonic() - started
        checks.append(
            Check(
                "live read model equals a full re-fold",
                live == rebuilt,
                f"checksum {live[:12]} live, {rebuilt[:12]} after re-folding {applied} notifications",
            )
        )
        isolated = failures(engine)
        checks.append(
            Check(
                "isolated members (fold failed) listed: the same live and after the re-fold",
                [r["member_id"] for r in isolated_live] == [r["member_id"] for r in isolated],
                f"{len(isolated)} isolated"
                + "".join(
                    f"; {r['member_id']} at event {r['event_position']}: {r['error'][:80]}" for r in isolated[:5]
                ),
            )
        )

        # The replay finished.
        progress = book.replay.get("progress") or {}
        finished = progress.get("status") == "done" and progress.get("partitions_done") == progress.get("partitions")
        checks.append(
            Check(
                "the replay finished",
                finished,
                (
                    f"job {book.replay.get('job_id')}: {progress.get('members_done')}/{progress.get('members_total')} "
                    f"members, {progress.get('events_done')} events, {progress.get('partitions_done')}/"
                    f"{progress.get('partitions')} partitions, status {progress.get('status')}"
                    + (f", {book.replay['seconds']:.1f} s" if "seconds" in book.replay else "")
                )
                if progress
                else f"not started: {book.replay.get('error', 'the load ended first')}",
            )
        )
        if progress:
            overshoot, negative = book.replay.get("overshoot_max", 0), book.replay.get("negative_eta", 0)
            checks.append(
                Check(
                    "the replay's progress was consistent (members done ≤ total, no negative ETA)",
                    overshoot <= 0 and not negative,
                    f"members done exceeded the total by up to {max(overshoot, 0)}; "
                    f"{negative} progress answers with a negative eta_s",
                )
            )
    finally:
        engine.dispose()
        ledger.close()
    return checks, timings


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ledger-soak-"))
    console.print(
        f"soak: {args.clients} clients, {args.events} events, "
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}, logs in {workdir}"
    )
    events = list(
        itertools.islice(
            generate_population(members=args.events, years=YEARS, region=REGION, seed=args.seed), args.events
        )
    )
    # The ledger stores only what has happened: the synthetic years may reach past today, those events are left out.
    today = today_in_china().isoformat()
    events = [event for event in events if event["occurred_on"] <= today]
    batches = plan_batches(events, batch_max=args.batch_max, race_share=args.race_share, seed=args.seed)
    book = Book()
    with ExitStack() as stack:
        if args.sqlite:
            database_url = f"sqlite:///{workdir / 'ledger.db'}"
        else:
            cluster = stack.enter_context(postgres_cluster())
            database_url = create_database(cluster.admin_url, "ledger_soak")
        redis_url = None if args.no_redis else stack.enter_context(redis_process()).url
        upgrade_to_head(sqlalchemy_url(database_url))
        engine = create_engine(sqlalchemy_url(database_url))
        keys = {
            role: create_key(engine, role=role, label=f"soak {role}", created_by="soak")[1]
            for role in ("integration", "service", "auditor")
        }
        keys["limited"] = create_key(
            engine, role="integration", regions=[REGION], label="soak limited", created_by="soak"
        )[1]
        engine.dispose()
        if not args.cold_start:
            # Create the event store's tables here, before the three processes start: on a fresh PostgreSQL
            # database their simultaneous first starts race on CREATE TABLE (docs/reliability.md, finding 3).
            open_ledger(Settings(database_url=database_url, pseudonym_key=PSEUDONYM_KEY)).close()

        env = environment(database_url, redis_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = stack.enter_context(
            process([LEDGER, "serve", "--host", "127.0.0.1", "--port", str(port)], env, workdir / "serve.log")
        )
        runner = stack.enter_context(process([LEDGER, "project", "--interval", "0.5"], env, workdir / "project.log"))
        children = [server]
        if redis_url:
            children.append(stack.enter_context(process([LEDGER, "worker"], env, workdir / "worker.log")))
        wait_for(lambda: server.poll() is not None or healthy(base), timeout_s=SERVER_START_S_MAX, what="ledger serve")
        if server.poll() is not None:
            console.print(f"[red]ledger serve exited with {server.returncode} before it answered; the end of its log:")
            console.print("\n".join((workdir / "serve.log").read_text().splitlines()[-4:]), markup=False)
            return 2

        jobs: queue.Queue[list[dict[str, Any]]] = queue.Queue()
        for batch in batches:
            jobs.put(batch)
        started = time.monotonic()
        plan = Plan(
            base=base,
            keys=keys,
            jobs=jobs,
            events_total=len(events),
            deadline=started + args.seconds_max,
            repost_share=args.repost_share,
            conflict_share=args.conflict_share,
            mix_share=args.mix_share,
            seed=args.seed,
            hostile_share=args.hostile_share,
        )
        posters = [threading.Thread(target=post_client, args=(plan, book, n), daemon=True) for n in range(args.clients)]
        readers = [
            threading.Thread(target=status_client, args=(plan, book, n), daemon=True)
            for n in range(args.status_clients)
        ]
        replayer = threading.Thread(target=replay_client, args=(plan, book), daemon=True)
        sampler = threading.Thread(target=lag_sampler, args=(plan, book, database_url), daemon=True)
        for thread in (*posters, *readers, replayer, sampler):
            thread.start()
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
        )
        try:
            with Progress(*columns, console=console, transient=False) as progress:
                task = progress.add_task("events acknowledged", total=len(events), note="")
                while any(t.is_alive() for t in posters):
                    time.sleep(0.25)
                    with book.lock:
                        requests = len(book.samples)
                        unexpected = sum(not s.expected for s in book.samples)
                        done = len(book.acked_ids)
                    replay = book.replay.get("progress") or {}
                    note = (
                        f"{requests} requests, {unexpected} unexpected, replay "
                        f"{replay.get('members_done', '-')}/{replay.get('members_total', '-')}"
                    )
                    progress.update(task, completed=done, note=note)
                    if server.poll() is not None:
                        console.print(f"[red]ledger serve exited with {server.returncode}")
                        plan.stop.set()
                posting_seconds = time.monotonic() - started
                plan.posting_done.set()
                for thread in (*readers, sampler):
                    thread.join()
                console.print("following the replay to its end …")
                replayer.join()
                progress.update(task, completed=len(book.acked_ids))
        except KeyboardInterrupt:
            plan.stop.set()
            raise
        stopped_early = len(book.acked_ids) < len(events)
        checks, timings = verify(database_url, book, events, runner, children, workdir)

    rows = report_requests(book)
    raced = len(batches) - len({id(batch) for batch in batches})
    print_report(args, rows, checks, book, posting_seconds, stopped_early, timings, len(events), raced)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "clients": args.clients,
                    "events": len(events),
                    "database": "sqlite" if args.sqlite else "postgresql",
                    "posting_seconds": round(posting_seconds, 1),
                    "stopped_early": stopped_early,
                    "requests": rows,
                    "checks": [c.__dict__ for c in checks],
                    "timings": timings,
                    "ledger_source": dict(book.ledger_source),
                    "raced_batches": raced,
                    "mixed_batches": book.mixed,
                    "lag_max": max((lag for _, lag in book.lags), default=None),
                    "lag_at_end": book.lags[-1][1] if book.lags else None,
                    "replay": book.replay,
                    "violations": book.violations[:20],
                },
                indent=2,
            )
        )
    return 0 if all(c.ok for c in checks) and not stopped_early else 1


def print_report(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    checks: list[Check],
    book: Book,
    posting_seconds: float,
    stopped_early: bool,
    timings: dict[str, float],
    events_total: int,
    raced: int,
) -> None:
    out = Console(width=max(console.width, 180))
    out.print(
        f"\n{args.clients} clients, {len(book.acked_ids)} of {events_total} events acknowledged in "
        f"{posting_seconds:.1f} s ({len(book.acked_ids) / posting_seconds:,.0f} events/s), "
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}"
        + (" — [red]stopped by --seconds-max before all events were posted" if stopped_early else "")
    )
    table = Table(title="Requests")
    for column in ("kind", "requests", "answers", "unexpected", "p50 ms", "p95 ms", "p99 ms", "max ms", "per s"):
        table.add_column(column, justify="left" if column in ("kind", "answers") else "right")
    for row in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in row["answers"].items())
        table.add_row(
            row["kind"],
            str(row["requests"]),
            answers,
            str(row["unexpected"]),
            f"{row['p50_ms']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['p99_ms']:.1f}",
            f"{row['max_ms']:.1f}",
            str(row["per_s"]),
        )
    out.print(table)
    out.print(
        f"{raced} batches queued twice (two clients race to store them), {book.mixed} batches with acknowledged "
        f"events and an in-batch repeat mixed in; status answers by Ledger-Source: {dict(book.ledger_source)}"
    )
    if book.lags:
        out.print(
            f"live projection lag (notifications): max {max(lag for _, lag in book.lags)} during the load, "
            f"{book.lags[-1][1]} when the posting ended ({len(book.lags)} samples)"
        )
    out.print(", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    result = Table(title="Checks")
    result.add_column("check")
    result.add_column("result")
    result.add_column("detail")
    for check in checks:
        result.add_row(check.name, "[green]pass" if check.ok else "[red]FAIL", check.detail)
    out.print(result)
    for violation in book.violations[:10]:
        out.print(f"[red]violation:[/red] {violation}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.soak", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=8, help="concurrent posting clients (K)")
    parser.add_argument("--events", type=int, default=20_000, help="events of the synthetic population to post (N)")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--postgres", action="store_true", help="a private PostgreSQL server (the default)")
    database.add_argument("--sqlite", action="store_true", help="the embedded default: a SQLite file")
    parser.add_argument("--seconds-max", type=float, default=600.0, help="stop posting after this long")
    parser.add_argument("--status-clients", type=int, default=2, help="threads reading member status")
    parser.add_argument("--batch-max", type=int, default=100, help="largest batch (sizes are uniform in 1..max)")
    parser.add_argument("--race-share", type=float, default=0.05, help="share of batches queued twice")
    parser.add_argument("--repost-share", type=float, default=0.10, help="re-posts per batch")
    parser.add_argument("--conflict-share", type=float, default=0.05, help="conflicts per batch")
    parser.add_argument("--mix-share", type=float, default=0.10, help="share of batches with old events mixed in")
    parser.add_argument("--hostile-share", type=float, default=0.05, help="hostile contract-shaped requests per batch")
    parser.add_argument("--no-redis", action="store_true", help="no Redis: the server runs the replay in-process")
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="let serve, project and worker create the event store's tables themselves, all at once",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the figures to this file as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.events < 1 or args.seconds_max <= 0 or not 1 <= args.batch_max <= 10_000:
        parser.error("--clients, --events and --seconds-max must be positive, --batch-max in 1..10000")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
