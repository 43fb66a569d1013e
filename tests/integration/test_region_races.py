"""A member's region is decided once, whoever writes and however writes interleave.

The API checks a batch's registrations and moves before it stores them; a writer committing between that
check and the store must still be refused. The store itself judges them against the stream it appends to.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from api.app import open_ledger
from api.settings import Settings
from domain.contract import parse_batch
from domain.errors import InvalidEvents
from projections.access import registered_region
from projections.store import LedgerApplication
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    application = open_ledger(settings)
    yield application
    application.close()


def registration(member_id: str, region: str, label: str) -> dict[str, Any]:
    event = make_event("MemberRegistered", member_id=member_id, label=label)
    event["data"]["region"] = region
    return event


def test_the_store_refuses_a_registration_into_another_region(ledger: LedgerApplication) -> None:
    """As if the API's check ran before the first registration committed: before, both were stored."""
    ledger.record_events(parse_batch([registration("M-R", "bazhong", "first")]), now=NOW)
    with pytest.raises(InvalidEvents) as refused:
        ledger.record_events(parse_batch([registration("M-R", "shenyang", "second")]), now=NOW)
    assert [p.field for p in refused.value.problems] == ["data.region"]
    assert [e.data["region"] for e in ledger.member_events("M-R")] == ["bazhong"]
    again = ledger.record_events(parse_batch([registration("M-R", "bazhong", "first")]), now=NOW)
    assert again.duplicate_count == 1  # a retry of the stored registration is still a duplicate


def test_the_store_refuses_a_move_from_a_region_the_member_left(ledger: LedgerApplication) -> None:
    ledger.record_events(parse_batch([registration("M-T", "shenyang", "t")]), now=NOW)
    away = make_event("MemberTransferred", member_id="M-T", label="away")
    ledger.record_events(parse_batch([away]), now=NOW)  # shenyang → bazhong on 2025-07-01
    again = make_event("MemberTransferred", member_id="M-T", label="again", to_region="anshan")
    again["occurred_on"] = again["data"]["transferred_on"] = "2025-08-01"
    with pytest.raises(InvalidEvents) as refused:  # "from shenyang" a month after leaving it
        ledger.record_events(parse_batch([again]), now=NOW)
    assert [p.field for p in refused.value.problems] == ["data.from_region"]


def test_concurrent_registrations_in_two_regions_store_one_region(settings: Settings) -> None:
    """Writers (as separate server processes) register one new member in two regions at once: before, the
    member could end up with registrations in both, and keys of either region wrote for them."""
    writers = [open_ledger(settings) for _ in range(4)]
    regions = ["bazhong", "shenyang", "anshan", "bazhong"]
    refused: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def write(number: int) -> None:
        try:
            start.wait()
            for round_ in range(5):
                batch = parse_batch([registration(f"M-C{round_}", regions[number], f"c{round_}-{number}")])
                try:
                    writers[number].record_events(batch, now=NOW)
                except InvalidEvents:
                    refused.append(regions[number])
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not failures, failures
        for round_ in range(5):
            events = writers[0].member_events(f"M-C{round_}")
            stored = {e.data["region"] for e in events}
            assert len(stored) == 1, (round_, [e.data["region"] for e in events])
            assert registered_region(events) in stored
        assert refused, "at least two different regions were sent for every member"
    finally:
        for writer in writers:
            writer.close()
