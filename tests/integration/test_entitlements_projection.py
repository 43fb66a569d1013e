"""The entitlements read model, kept by the eventsourcing projection: exactly once, rebuildable."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import catch_up, lag, open_projection, read_model_checksum, reset_read_model
from projections.migrate import upgrade_to_head
from projections.readmodel import CapUsage, ClaimSettlementRow, MemberCoverage, MemberIndex
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def history(member_id: str) -> list[dict[str, object]]:
    return [
        make_event("MemberRegistered", member_id=member_id),
        make_event("ContributionPaid", member_id=member_id) | {"occurred_on": "2024-11-01"},
        make_event("ClaimSubmitted", member_id=member_id),
    ]


@pytest.fixture
def ledger(settings: Settings):  # type: ignore[no-untyped-def]
    upgrade_to_head(sqlalchemy_url(settings.database_url))
    application = open_ledger(settings)
    yield application
    application.close()


def test_catch_up_builds_the_read_model_from_the_fold(ledger: LedgerApplication, settings: Settings) -> None:
    for member in ("A", "B", "C"):
        ledger.record_events(parse_batch(history(member)), now=NOW)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    assert lag(ledger, projection.view) > 0
    applied = catch_up(ledger, projection, batch=4)
    assert applied == ledger.recorder.max_notification_id()
    assert lag(ledger, projection.view) == 0
    engine = projection.view.engine
    with engine.connect() as connection:
        index = connection.execute(
            select(MemberIndex.member_id, MemberIndex.region, MemberIndex.scheme, MemberIndex.event_count)
        ).all()
        assert sorted(index) == [(m, "bazhong", "resident", 3) for m in ("A", "B", "C")]
        settlement = connection.execute(
            select(ClaimSettlementRow.status, ClaimSettlementRow.fund_total_fen, ClaimSettlementRow.layers_json).where(
                ClaimSettlementRow.member_id == "A"
            )
        ).one()
        assert settlement.status == "settled" and settlement.fund_total_fen == 369_000  # 张三, 002 ch.1 四十三
        assert json.loads(settlement.layers_json)["basic_pool"] == 369_000
        usage = connection.execute(
            select(CapUsage.used_fen).where(CapUsage.member_id == "B", CapUsage.layer == "basic_pool")
        ).scalar_one()
        assert usage == 369_000
        coverage = connection.execute(
            select(MemberCoverage.benefits_from).where(MemberCoverage.member_id == "C")
        ).scalar_one()
        assert coverage.isoformat() == "2025-01-01"
    assert catch_up(ledger, projection) == 0, "nothing is applied twice"
    engine.dispose()


def test_the_live_read_model_equals_a_clean_rebuild(ledger: LedgerApplication, settings: Settings) -> None:
    url = sqlalchemy_url(settings.database_url)
    projection = open_projection(url, ledger, load_rulebook())
    ledger.record_events(parse_batch(history("A")), now=NOW)
    catch_up(ledger, projection, batch=1)
    ledger.record_events(parse_batch([*history("B"), make_event("ClaimReversed", member_id="A")]), now=NOW)
    catch_up(ledger, projection, batch=2)
    live = read_model_checksum(projection.view.engine)
    reset_read_model(projection.view.engine)
    catch_up(ledger, projection)
    assert read_model_checksum(projection.view.engine) == live
    with projection.view.engine.connect() as connection:
        reversed_claim = connection.execute(
            select(ClaimSettlementRow.status).where(ClaimSettlementRow.member_id == "A")
        ).scalar_one()
    assert reversed_claim == "reversed"
    projection.view.engine.dispose()


def test_tracking_never_goes_backwards(ledger: LedgerApplication, settings: Settings) -> None:
    from eventsourcing.persistence import Tracking

    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    projection.view.insert_tracking(Tracking(ledger.name, 5))
    with pytest.raises(ValueError, match="already applied"):
        projection.view.insert_tracking(Tracking(ledger.name, 5))
    assert projection.view.max_tracking_id(ledger.name) == 5
    create_engine("sqlite://").dispose()
    projection.view.engine.dispose()
