"""A batch appended below the aggregate level stores exactly what the aggregates would have stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.app import open_ledger
from api.settings import Settings
from domain.contract import content_sha256, parse_batch
from domain.member_stream import EventReceipt, MemberStream, member_stream_id
from projections.batch_append import batch_state, stored_rows
from projections.store import LedgerApplication
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
