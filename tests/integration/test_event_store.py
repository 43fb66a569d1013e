"""The event store on SQLite and on a real PostgreSQL: atomic, idempotent, concurrent-safe."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import open_ledger
from api.settings import Settings
from domain.contract import parse_batch
from domain.errors import ConflictingEventIds, InvalidEvents
from projections.store import LedgerApplication, ingest
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def history_ids(ledger: LedgerApplication, member_id: str) -> list[str]:
    return [str(event.event_id) for event in ledger.member_events(member_id)]


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    application = open_ledger(settings)
    yield application
    application.close()


def test_events_are_stored_and_read_back_in_effective_order(ledger: LedgerApplication) -> None:
    raw = [make_event("ClaimSubmitted"), make_event("MemberRegistered"), make_event("ContributionPaid")]
    result = ledger.record_events(parse_batch(raw), now=NOW)
    assert [outcome for _, outcome in result.outcomes] == ["stored"] * 3
    events = ledger.member_events("M-0001")
    assert [e.type for e in events] == ["MemberRegistered", "ContributionPaid", "ClaimSubmitted"]
    assert all(e.recorded_at == NOW for e in events)
    assert events[1].data["amount"] == "400.00"


def test_repeat_within_a_batch_is_stored_once(ledger: LedgerApplication) -> None:
    raw = make_event("MemberRegistered")
    result = ledger.record_events(parse_batch([raw, raw]), now=NOW)
    assert [outcome for _, outcome in result.outcomes] == ["stored", "duplicate"]
    assert len(ledger.member_events("M-0001")) == 1


def test_repeat_across_batches_is_a_duplicate(ledger: LedgerApplication) -> None:
    raw = [make_event("MemberRegistered"), make_event("ContributionPaid")]
    ledger.record_events(parse_batch(raw), now=NOW)
    again = ledger.record_events(parse_batch([*raw, make_event("CoverageEnded")]), now=NOW + timedelta(hours=1))
    assert [outcome for _, outcome in again.outcomes] == ["duplicate", "duplicate", "stored"]
    assert len(ledger.member_events("M-0001")) == 3


def test_repeat_across_a_restart_is_a_duplicate(settings: Settings) -> None:
    raw = [make_event("MemberRegistered")]
    first = open_ledger(settings)
    first.record_events(parse_batch(raw), now=NOW)
    first.close()
    second = open_ledger(settings)
    try:
        result = second.record_events(parse_batch(raw), now=NOW)
        assert result.duplicate_count == 1 and result.stored_count == 0
        assert len(second.member_events("M-0001")) == 1
    finally:
        second.close()


def test_same_event_id_different_content_in_one_batch_is_refused(ledger: LedgerApplication) -> None:
    a = make_event("ContributionPaid", amount="400.00")
    b = make_event("ContributionPaid", amount="460.00")
    with pytest.raises(ConflictingEventIds) as caught:
        ledger.record_events(parse_batch([make_event("MemberRegistered"), a, b]), now=NOW)
    assert caught.value.conflicts[0].index == 2
    assert caught.value.conflicts[0].event_id == a["event_id"]
    assert not ledger.member_exists("M-0001")


def test_same_event_id_different_content_later_is_refused_and_nothing_stored(ledger: LedgerApplication) -> None:
    ledger.record_events(parse_batch([make_event("ContributionPaid", amount="400.00")]), now=NOW)
    batch = [make_event("MemberRegistered"), make_event("ContributionPaid", amount="460.00")]
    with pytest.raises(ConflictingEventIds):
        ledger.record_events(parse_batch(batch), now=NOW)
    assert [e.type for e in ledger.member_events("M-0001")] == ["ContributionPaid"]


def test_event_id_reused_for_another_member_is_refused_atomically(ledger: LedgerApplication) -> None:
    original = make_event("MemberRegistered", member_id="A-1", label="shared-id")
    ledger.record_events(parse_batch([original]), now=NOW)
    batch = [
        make_event("MemberRegistered", member_id="B-1"),
        make_event("MemberRegistered", member_id="C-1", label="shared-id"),
    ]
    with pytest.raises(ConflictingEventIds) as caught:
        ledger.record_events(parse_batch(batch), now=NOW)
    assert "another member" in caught.value.conflicts[0].reason
    assert not ledger.member_exists("B-1") and not ledger.member_exists("C-1")


def test_client_recorded_at_only_for_historical_imports(ledger: LedgerApplication) -> None:
    raw = make_event("MemberRegistered") | {"recorded_at": "2024-12-01T09:00:00Z"}
    with pytest.raises(InvalidEvents) as caught:
        ingest(ledger, parse_batch([raw]), now=NOW, historical_import=False)
    assert caught.value.problems[0].field == "recorded_at"
    future = make_event("CoverageEnded") | {"recorded_at": "2030-01-01T00:00:00Z"}
    with pytest.raises(InvalidEvents):
        ingest(ledger, parse_batch([future]), now=NOW, historical_import=True)
    ingest(ledger, parse_batch([raw]), now=NOW, historical_import=True)
    assert ledger.member_events("M-0001")[0].recorded_at == datetime(2024, 12, 1, 9, tzinfo=UTC)


def test_history_filters_by_effective_date(ledger: LedgerApplication) -> None:
    raw = [make_event(t) for t in ("MemberRegistered", "ContributionPaid", "CategoryCertified", "ClaimSubmitted")]
    ledger.record_events(parse_batch(raw), now=NOW)
    from datetime import date

    middle = ledger.member_events("M-0001", occurred_from=date(2024, 12, 10), occurred_to=date(2025, 2, 1))
    assert [e.type for e in middle] == ["ContributionPaid", "CategoryCertified"]


def test_two_concurrent_writers_on_one_member_lose_nothing(settings: Settings) -> None:
    """Two store instances (as two server processes would) append to one stream at once."""
    writers = [open_ledger(settings), open_ledger(settings)]
    per_writer = 25
    failures: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def write(writer_number: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                raw = make_event("CoverageEnded", label=f"w{writer_number}-{n}")
                writers[writer_number].record_events(parse_batch([raw]), now=NOW)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not failures, failures
        assert len(writers[0].member_events("M-0001")) == per_writer * len(writers)
    finally:
        for writer in writers:
            writer.close()


def test_concurrent_writers_of_the_same_batch_store_it_once(settings: Settings) -> None:
    writers = [open_ledger(settings), open_ledger(settings)]
    batch = parse_batch([make_event("CoverageEnded", label=f"same-{n}") for n in range(20)])
    outcomes: list[int] = []
    start = threading.Barrier(2)

    def write(number: int) -> None:
        start.wait()
        outcomes.append(writers[number].record_events(batch, now=NOW).stored_count)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert sorted(outcomes) == [0, 20]
        assert len(writers[0].member_events("M-0001")) == 20
    finally:
        for writer in writers:
            writer.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), batch_count=st.integers(min_value=1, max_value=4))
def test_history_does_not_depend_on_arrival_order(ledger: LedgerApplication, seed: int, batch_count: int) -> None:
    """Invariant: however the same events arrive (order, batching), the history lists them alike."""
    rng = random.Random(seed)
    member_id = f"P-{seed}-{batch_count}"
    raw = [
        make_event(t, member_id=member_id)
        for t in ("MemberRegistered", "ContributionPaid", "CategoryCertified", "ClaimSubmitted")
    ]
    raw += [make_event("CoverageEnded", member_id=member_id, label=f"{member_id}-end-{n}") for n in range(3)]
    rng.shuffle(raw)
    cut = sorted(rng.sample(range(1, len(raw)), k=min(batch_count - 1, len(raw) - 1)))
    for start, end in zip([0, *cut], [*cut, len(raw)], strict=True):
        ledger.record_events(parse_batch(raw[start:end]), now=NOW)
    expected = sorted(raw, key=lambda e: (e["occurred_on"], e["event_id"]))
    assert history_ids(ledger, member_id) == [e["event_id"] for e in expected]


def test_a_reader_tailing_the_log_during_concurrent_writes_misses_nothing(postgres_url: str) -> None:
    """Notification ids are committed in order (the recorder's table lock), so a projection that reads
    past the highest id it has seen never skips one that commits later (found by the soak: docs/reliability.md)."""
    from projections.pg_recorder import LedgerPostgresRecorder

    settings = Settings(database_url=postgres_url, pseudonym_key="test-pseudonym-key-0123456789abcdef")
    writers = [open_ledger(settings) for _ in range(4)]
    reader = open_ledger(settings)
    assert isinstance(reader.recorder, LedgerPostgresRecorder)
    seen: list[int] = []
    writing = threading.Event()
    writing.set()

    def tail() -> None:
        position = 0
        while writing.is_set() or position < (reader.recorder.max_notification_id() or 0):
            found = reader.recorder.select_notifications(start=position, limit=500, inclusive_of_start=False)
            seen.extend(n.id for n in found)
            position = found[-1].id if found else position

    def write(number: int, ledger: LedgerApplication) -> None:
        for batch in range(25):
            events = [
                make_event("MemberRegistered", member_id=f"T-{number}-{batch}-{i}", label=f"tail-{number}-{batch}-{i}")
                for i in range(20)
            ]
            ledger.record_events(parse_batch(events), now=datetime.now(UTC))

    tailer = threading.Thread(target=tail)
    tailer.start()
    threads = [threading.Thread(target=write, args=(n, w)) for n, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writing.clear()
    tailer.join(timeout=60)
    everything = [n.id for n in reader.recorder.select_notifications(start=None, limit=100_000)]
    assert len(everything) >= 4 * 25 * 20
    assert seen == everything, f"the tailing reader skipped {len(set(everything) - set(seen))} notifications"
    for ledger in (*writers, reader):
        ledger.close()
