"""A batch appended below the aggregate level stores exactly what the aggregates would have stored."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.persistence import Mapper, StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from api.app import open_ledger
from api.settings import Settings
from domain.contract import content_and_data, content_sha256, event_data_json, parse_batch, parse_event
from domain.errors import ConflictingEventIds, InvalidEvents
from domain.member_stream import (
    EVENT_RECEIPT_NAMESPACE,
    MEMBER_STREAM_NAMESPACE,
    EventReceipt,
    MemberStream,
    event_receipt_id,
    member_stream_id,
)
from projections.batch_append import (
    DirectEncoding,
    PreparedEvent,
    _mapper_rows,
    batch_state,
    receipt_id,
    stored_rows,
    stream_id_of,
    uuid5_in,
)
from projections.pg_recorder import binary_copy
from projections.store import LedgerApplication, ingest
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    application = open_ledger(settings)
    yield application
    application.close()


def without_timestamp(event: Any) -> dict[str, Any]:
    return {name: value for name, value in vars(event).items() if name != "timestamp"}


def test_rows_built_directly_decode_to_the_aggregates_own_events(ledger: LedgerApplication) -> None:
    ledger.record_events(parse_batch([make_event("MemberRegistered", member_id="M-OLD")]), now=NOW)
    events = parse_batch(
        [
            make_event("ContributionPaid", member_id="M-OLD"),
            make_event("MemberRegistered", member_id="M-NEW"),
            make_event("ClaimSubmitted", member_id="M-NEW"),
        ]
    )
    digests = [content_sha256(event) for event in events]
    state = batch_state(ledger.recorder, ledger.mapper, ["M-OLD", "M-NEW"], [e.event_id for e in events])
    assert state.versions == {"M-OLD": 2, "M-NEW": 0} and state.receipts == {}
    direct = [ledger.mapper.to_domain_event(row) for row in stored_rows(ledger.mapper, events, digests, state, now=NOW)]

    # The same events through the aggregates, as record_events saved them before.
    old = ledger.repository.get(member_stream_id("M-OLD"))
    new = MemberStream.open("M-NEW")
    expected: list[Any] = []
    for event in events:
        stream = old if event.member_id == "M-OLD" else new
        stream.record(event, recorded_at=NOW)
        expected.extend(stream.collect_events())
        expected.extend(EventReceipt.issue(event).collect_events())
    order = [(e.originator_id, e.originator_version) for e in expected]
    by_key = {(e.originator_id, e.originator_version): e for e in direct}
    assert sorted(by_key) == sorted(order)
    for event in expected:
        built = by_key[(event.originator_id, event.originator_version)]
        assert type(built) is type(event)
        assert without_timestamp(built) == without_timestamp(event)


def test_a_directly_appended_stream_loads_as_an_aggregate_and_dedups(ledger: LedgerApplication) -> None:
    events = parse_batch(
        [make_event("MemberRegistered", member_id="M-A"), make_event("ClaimSubmitted", member_id="M-A")]
    )
    assert ledger.record_events(events, now=NOW).stored_count == 2
    stream = ledger.repository.get(member_stream_id("M-A"))
    assert isinstance(stream, MemberStream) and stream.version == 3
    assert stream.content_by_event_id == {e.event_id: content_sha256(e) for e in events}
    state = batch_state(ledger.recorder, ledger.mapper, ["M-A"], [e.event_id for e in events])
    assert state.versions == {"M-A": 3}
    assert {k: (r.member_id, r.content_sha256) for k, r in state.receipts.items()} == {
        e.event_id: ("M-A", content_sha256(e)) for e in events
    }
    assert ledger.record_events(events, now=NOW).duplicate_count == 2


# --------------------------------------------------------------------------- stored bytes of the code before

#: Every v1 fixture event as the code before the direct encoding stored it (its content digest and the
#: rows of a new member's stream: opening, event, receipt), at a fixed creation time and ``now``; with a
#: historical recorded_at, with a source holding non-ASCII text, quotes and a backslash, and without one.
FIXTURES = Path(__file__).parent.parent / "fixtures" / "events" / "v1"
STORED = json.loads((FIXTURES.parent.parent / "stored" / "v1-rows.json").read_text("utf-8"))
VARIANTS: dict[str, dict[str, Any]] = {
    "": {},
    "+recorded_at": {"recorded_at": "2024-03-01T12:00:00+08:00"},
    "+source": {"source": '沈阳医保 "批量" \\ 导入 ✓'},
    "-source": {"source": None},
}


def stored_fixture_event(name: str) -> Any:
    file, _, variant = name.partition(".json")
    raw = json.loads((FIXTURES / f"{file}.json").read_text("utf-8"))
    return parse_event(raw | VARIANTS[variant])


def fixture_rows(entry: dict[str, Any]) -> list[StoredEvent]:
    return [
        StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"], r["state"].encode("utf-8"))
        for r in entry["rows"]
    ]


def test_digests_and_stored_bytes_are_those_the_code_before_wrote(ledger: LedgerApplication) -> None:
    # The stored file holds every fixture that existed when the direct encoding replaced the mapper's path;
    # fixtures added since (new optional fields) have no rows of the code before and are held to the mapper.
    fixtures = {path.name for path in FIXTURES.glob("*.json")}
    stored_names = {entry["fixture"].partition(".json")[0] + ".json" for entry in STORED["events"]}
    assert stored_names <= fixtures and len(STORED["events"]) == len(VARIANTS) * len(stored_names)
    stamp, now = datetime.fromisoformat(STORED["timestamp"]), datetime.fromisoformat(STORED["now"])
    assert DirectEncoding.of(ledger.mapper) is not None  # the direct encoding is the one in use
    added = [{"fixture": name + variant} for name in sorted(fixtures - stored_names) for variant in VARIANTS]
    for entry in [*STORED["events"], *added]:
        event = stored_fixture_event(entry["fixture"])
        digest, data = content_and_data(event)
        assert digest == content_sha256(event), entry["fixture"]
        assert entry.get("content_sha256", digest) == digest, entry["fixture"]
        assert data == event_data_json(event)
        state = batch_state(ledger.recorder, ledger.mapper, [event.member_id], [event.event_id])
        rows = stored_rows(ledger.mapper, [event], [digest], state, now=now, timestamp=stamp, data=[data])
        if "rows" in entry:
            assert rows == fixture_rows(entry), entry["fixture"]  # byte for byte, every column
        through_mapper = _mapper_rows(ledger.mapper, [event], [digest], [data], state, now=now, timestamp=stamp)
        assert through_mapper == rows, entry["fixture"]
        # Prepared where it was validated (ledger import's worker processes), carried as a pickled tuple.
        prepared = PreparedEvent.from_tuple(pickle.loads(pickle.dumps(PreparedEvent.of(event).as_tuple())))
        assert prepared.digest == digest, entry["fixture"]
        from_prepared = stored_rows(
            ledger.mapper, [prepared], [digest], state, now=now, timestamp=stamp, data=[prepared.data_json]
        )
        assert from_prepared == rows, entry["fixture"]
        assert prepared.event == event, entry["fixture"]  # its data validated again from the stored form


def test_events_stored_by_the_code_before_are_duplicates_and_their_ids_with_other_content_conflicts(
    ledger: LedgerApplication,
) -> None:
    # One fixture per event_id, all of member FIXTURE-1: its stream opened once, then each event in turn (a
    # stored event's bytes do not hold its version), with every receipt; rows exactly as the code before wrote.
    entries = [e for e in STORED["events"] if e["fixture"].endswith("+source")]
    stored: list[StoredEvent] = []
    for position, entry in enumerate(entries):
        opening, recorded, receipt = fixture_rows(entry)
        if position == 0:
            stored.append(opening)
        stored += [StoredEvent(recorded.originator_id, position + 2, recorded.topic, recorded.state), receipt]
    ledger.recorder.insert_events(stored)
    events = [stored_fixture_event(entry["fixture"]) for entry in entries]
    result = ledger.record_events(events, now=NOW)
    assert result.outcomes == [(event.event_id, "duplicate") for event in events]
    read = {e.event_id: e for e in ledger.member_events("FIXTURE-1")}
    for event in events:
        assert read[event.event_id].content_sha256 == content_sha256(event)
        assert read[event.event_id].data == event_data_json(event)
    with pytest.raises(ConflictingEventIds):
        ledger.record_events([events[0].model_copy(update={"source": "another source"})], now=NOW)


def test_the_copy_stream_is_what_postgresql_itself_writes_for_the_rows(postgres_url: str) -> None:
    ledger = open_ledger(Settings(database_url=postgres_url))
    try:
        events = parse_batch(
            [make_event("MemberRegistered", member_id="M-C"), make_event("ClaimSubmitted", member_id="M-C")]
        )
        ledger.record_events(events, now=NOW)
        recorder = ledger.recorder
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        select = f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY notification_id"
        with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(select)
            rows = [
                StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])) for r in cursor
            ]
            sent = bytearray()
            with cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT BINARY)") as copy:
                for chunk in copy:
                    sent += chunk
        assert len(rows) == 5  # opening, two events, two receipts
        assert binary_copy(rows) == bytes(sent)
    finally:
        ledger.close()


def test_a_writer_analyzes_the_events_table_when_its_statistics_miss_rows(postgres_url: str) -> None:
    # Autovacuum gives way to the writers' table lock, so a long import may leave the table unanalyzed and its
    # batch-state query planned as a scan of the whole table: the writer keeps the statistics itself.
    ledger = open_ledger(Settings(database_url=postgres_url))
    try:
        recorder = ledger.recorder
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'

        def known_rows() -> float:
            with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
                return float(cursor.fetchone()["reltuples"])

        assert known_rows() == -1  # a new table: never analyzed
        recorder.statistics_check_rows = 4
        ledger.record_events(parse_batch([make_event("MemberRegistered", member_id="M-S")]), now=NOW)
        assert known_rows() == -1  # three rows appended: not yet time to look
        events = [make_event("ClaimSubmitted", member_id="M-S", label=f"claim-{n}") for n in range(6)]
        ledger.record_events(parse_batch(events), now=NOW)
        assert known_rows() == 15  # 15 rows stored: analyzed
        assert recorder.keep_statistics() is False  # the statistics know every row: nothing to do
    finally:
        ledger.close()


@given(st.uuids())
def test_receipt_ids_are_the_domain_s_uuid5(event_id: UUID) -> None:
    assert receipt_id(str(event_id)) == event_receipt_id(event_id)
    assert receipt_id(str(event_id)) == uuid5(EVENT_RECEIPT_NAMESPACE, str(event_id))


@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80))  # UTF-8 has no surrogates
def test_uuid5_in_a_namespace_is_the_standard_library_s(name: str) -> None:
    assert uuid5_in(MEMBER_STREAM_NAMESPACE)(name) == uuid5(MEMBER_STREAM_NAMESPACE, name) == member_stream_id(name)
    assert stream_id_of(name) == member_stream_id(name)


def test_a_mapper_that_compresses_keeps_the_mapper_s_path(ledger: LedgerApplication) -> None:
    compressing = Mapper(transcoder=ledger.mapper.transcoder, compressor=ZlibCompressor())
    assert DirectEncoding.of(compressing) is None
    event = parse_event(make_event("MemberRegistered", member_id="M-Z"))
    digest, data = content_and_data(event)
    state = batch_state(ledger.recorder, ledger.mapper, ["M-Z"], [event.event_id])
    rows = stored_rows(compressing, [event], [digest], state, now=NOW, data=[data])
    plain = stored_rows(ledger.mapper, [event], [digest], state, now=NOW, data=[data])
    prepared = PreparedEvent.of(event)
    from_text = stored_rows(compressing, [prepared], [digest], state, now=NOW, data=[prepared.data_json])
    assert (
        [without_timestamp(compressing.to_domain_event(r)) for r in rows]
        == [without_timestamp(compressing.to_domain_event(r)) for r in from_text]
        == [without_timestamp(ledger.mapper.to_domain_event(r)) for r in plain]
    )


def test_prepared_events_are_stored_and_refused_as_their_events_are(ledger: LedgerApplication) -> None:
    """The append path reads a prepared event's data only to judge a retraction or a move, and judges
    them as for the event itself; what it stores is the event's stored form."""
    ledger.record_events(parse_batch([make_event("MemberRegistered", member_id="M-P", region="shenyang")]), now=NOW)
    claim = make_event("ClaimSubmitted", member_id="M-P")
    retraction = make_event("EventRetracted", member_id="M-P", retracted_event_id=claim["event_id"])
    unknown = make_event("EventRetracted", member_id="M-P", label="unknown")
    wrong_move = make_event("MemberTransferred", member_id="M-P", from_region="bazhong", to_region="shenyang")

    def prepared(*raw: dict[str, Any]) -> list[PreparedEvent]:
        return [PreparedEvent.from_tuple(PreparedEvent.of(e).as_tuple()) for e in parse_batch(list(raw))]

    for refused, field in ((unknown, "data.retracted_event_id"), (wrong_move, "data.from_region")):
        with pytest.raises(InvalidEvents) as caught:
            ingest(ledger, prepared(refused), now=NOW, historical_import=True)
        assert [p.field for p in caught.value.problems] == [field]
    result = ledger.record_events(prepared(claim, retraction, claim), now=NOW)
    assert [outcome for _, outcome in result.outcomes] == ["stored", "stored", "duplicate"]
    stored = {e.event_id: e for e in ledger.member_events("M-P")}
    for raw in (claim, retraction):
        event = parse_event(raw)
        assert stored[event.event_id].content_sha256 == content_sha256(event)
        assert stored[event.event_id].data == event_data_json(event)
    with pytest.raises(ConflictingEventIds):
        ledger.record_events(prepared(claim | {"source": "another source"}), now=NOW)
