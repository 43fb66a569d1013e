"""Status served from the member history read model equals status folded from the stream.

Invariant: a status query reads the read model when it is current and folds the stream
otherwise; both give identical documents, for any member, effective date, recorded-time horizon
and what-if edition. Populations come from ``ledger synth``'s generator; every test runs on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import EntitlementsProjection, catch_up, open_projection
from projections.history import current_history
from projections.migrate import upgrade_to_head
from projections.queries import _status_key, member_ledger, member_status, served_member_status, status_cache
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from synthetic import generate_population
from tests.support.events import make_event

RULEBOOK = load_rulebook()
NOW = datetime(2031, 1, 1, tzinfo=UTC)
_blocks = itertools.count(0)


@pytest.fixture
def stores(settings: Settings) -> Iterator[tuple[LedgerApplication, EntitlementsProjection, Engine]]:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    ledger = open_ledger(settings)
    projection = open_projection(url, ledger, RULEBOOK)
    read_engine = create_engine(url)
    yield ledger, projection, read_engine
    ledger.close()
    projection.view.engine.dispose()
    read_engine.dispose()


def both_ways(
    ledger: LedgerApplication, read_engine: Engine, member_id: str, **query: object
) -> tuple[dict[str, object], str, dict[str, object]]:
    served, source = served_member_status(ledger, read_engine, RULEBOOK, member_id, **query)  # type: ignore[arg-type]
    folded = member_status(ledger, RULEBOOK, member_id, **query)  # type: ignore[arg-type]
    return served, source, folded


# No shrinking: each example stocks the shared database, and a failing example names its seed already.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    region=st.sampled_from(["bazhong", "shenyang"]),
    recorded_late=st.booleans(),
    queries=st.lists(
        st.tuples(
            st.dates(date(2024, 6, 1), date(2029, 12, 31)),
            st.one_of(st.none(), st.datetimes(datetime(2024, 6, 1), datetime(2030, 12, 31))),
            st.sampled_from([None, "bazhong-resident", "shenyang-employee"]),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_read_model_and_the_stream_give_the_same_status(
    stores: tuple[LedgerApplication, EntitlementsProjection, Engine],
    seed: int,
    region: str,
    recorded_late: bool,
    queries: list[tuple[date, datetime | None, str | None]],
) -> None:
    """Any member, as_of, known_at and what-if edition: the read-model document is the stream's, byte for byte."""
    ledger, projection, read_engine = stores
    first = 1 + 6 * next(_blocks)
    events = list(
        generate_population(
            members=6,
            years=4,
            region=region,
            seed=seed,
            first_member=first,
            recorded_at_occurred=recorded_late,
            editions=RULEBOOK,
            correction_share=0.3,
            move_share=0.2,
        )
    )
    ledger.record_events(parse_batch(events), now=NOW)
    catch_up(ledger, projection)
    members = sorted({str(e["member_id"]) for e in events})
    for member_id in members:
        assert current_history(read_engine, ledger, member_id) == ledger.member_events(member_id)
    for number, (as_of, known_at, edition) in enumerate(queries):
        member_id = members[number % len(members)]
        query = {
            "as_of": as_of,
            "known_at": NOW if known_at is None else known_at.replace(tzinfo=UTC),
            "edition": None if edition is None else RULEBOOK[edition],
        }
        served, source, folded = both_ways(ledger, read_engine, member_id, **query)
        assert source == "read-model"
        assert served == folded


def test_a_stale_read_model_falls_back_to_the_stream(
    stores: tuple[LedgerApplication, EntitlementsProjection, Engine],
) -> None:
    ledger, projection, read_engine = stores
    query = {"as_of": date(2025, 6, 1), "known_at": NOW}
    ledger.record_events(parse_batch([make_event("MemberRegistered"), make_event("ContributionPaid")]), now=NOW)
    served, source, folded = both_ways(ledger, read_engine, "M-0001", **query)
    assert source == "stream", "no history row yet"
    assert served == folded and served["covered"] is True

    catch_up(ledger, projection)
    served, source, folded = both_ways(ledger, read_engine, "M-0001", **query)
    assert source == "read-model" and served == folded

    claim = make_event("ClaimSubmitted")
    ledger.record_events(parse_batch([claim]), now=NOW)
    served, source, folded = both_ways(ledger, read_engine, "M-0001", **query)
    assert source == "stream", "a new event makes the row stale"
    assert served == folded and served["event_count"] == 3

    catch_up(ledger, projection)
    assert both_ways(ledger, read_engine, "M-0001", **query)[1] == "read-model"

    # A recorded decision moves the stream's version but not the fold's events: stale until applied.
    decided = member_ledger(ledger, RULEBOOK, "M-0001", as_of=date(2025, 6, 1), known_at=NOW)
    ledger.record_settlement(decided.settlements["C-1"], decided_at=NOW)
    assert both_ways(ledger, read_engine, "M-0001", **query)[1] == "stream"
    catch_up(ledger, projection)
    served, source, folded = both_ways(ledger, read_engine, "M-0001", **query)
    assert source == "read-model" and served == folded


def test_the_answer_before_a_late_event_is_known_is_the_same_both_ways(
    stores: tuple[LedgerApplication, EntitlementsProjection, Engine],
) -> None:
    """Bitemporal: the read model holds recorded times, so a known_at before a late repair sees the old wait."""
    ledger, projection, read_engine = stores
    early = NOW - timedelta(days=400)
    ledger.record_events(parse_batch([make_event("MemberRegistered"), make_event("ContributionPaid")]), now=early)
    ledger.record_events(parse_batch([make_event("ClaimSubmitted")]), now=NOW)
    catch_up(ledger, projection)
    before = {"as_of": date(2025, 6, 1), "known_at": early + timedelta(days=1)}
    served, source, folded = both_ways(ledger, read_engine, "M-0001", **before)
    assert source == "read-model" and served == folded and served["event_count"] == 2


def test_a_kept_status_document_is_the_fold_restated_at_the_query_known_at(
    stores: tuple[LedgerApplication, EntitlementsProjection, Engine],
) -> None:
    """A second query of the same member and as_of at the same stream version is not folded again, and
    its document is the one folding would give at its own known_at, byte for byte; a new event or an earlier
    horizon folds again."""
    ledger, projection, read_engine = stores
    first = 1 + 6 * next(_blocks)
    events = list(
        generate_population(
            members=6, years=4, region="bazhong", seed=3, first_member=first, editions=RULEBOOK, correction_share=0.3
        )
    )
    ledger.record_events(parse_batch(events), now=NOW)
    catch_up(ledger, projection)
    members = sorted({str(e["member_id"]) for e in events})
    cache = status_cache(ledger)
    kept = 0
    for member_id in members:
        for as_of in (date(2026, 6, 30), date(2028, 3, 1)):
            for known_at in (NOW, NOW + timedelta(days=30), NOW + timedelta(seconds=1, microseconds=5)):
                query = {"as_of": as_of, "known_at": known_at}
                was_kept = len(cache._entries)
                served, source, folded = both_ways(ledger, read_engine, member_id, **query)
                assert source == "read-model" and served == folded
                assert json.dumps(served, ensure_ascii=False) == json.dumps(folded, ensure_ascii=False)
                kept += len(cache._entries) - was_kept
            retracted = any(e["type"] == "EventRetracted" for e in events if e["member_id"] == member_id)
            key = _status_key(RULEBOOK, member_id, as_of=as_of, edition=None)
            assert (key in cache._entries) is not retracted, "kept unless the member has a retraction"
    assert 0 < kept < len(members) * 2 + 1, "kept once per member and as_of, at most"

    member_id = members[0]
    query = {"as_of": date(2031, 1, 1), "known_at": NOW}
    before, _, _ = both_ways(ledger, read_engine, member_id, **query)
    ledger.record_events(parse_batch([make_event("ClaimSubmitted", member_id=member_id, claim_id="C-LATE")]), now=NOW)
    after, source, folded = both_ways(ledger, read_engine, member_id, **query)
    assert source == "stream" and after == folded and after["event_count"] == before["event_count"] + 1
    earlier, _, folded = both_ways(ledger, read_engine, member_id, as_of=date(2031, 1, 1), known_at=NOW - timedelta(1))
    assert earlier == folded and earlier["event_count"] == 0
