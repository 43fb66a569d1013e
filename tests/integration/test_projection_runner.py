"""The supervised runner: one active runner per projection (PostgreSQL), restarts after faults, lag."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import EntitlementsProjection, open_projection
from projections.migrate import upgrade_to_head
from projections.rulebook import load_rulebook
from projections.runner import Cycle, Leadership, SupervisedRunner
from tests.support.events import make_event

NOW = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_only_one_runner_leads_on_postgresql(settings: Settings) -> None:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    first = Leadership(open_projection(url, open_ledger(settings), load_rulebook()).view.engine, "entitlements")
    second = Leadership(open_projection(url, open_ledger(settings), load_rulebook()).view.engine, "entitlements")
    try:
        assert first.try_acquire() is True
        assert second.try_acquire() is False, "a second runner stands by"
        first.release()
        assert second.try_acquire() is True, "and takes over when the first lets go"
    finally:
        first.release()
        second.release()


def test_the_supervisor_restarts_after_a_fault_and_catches_up(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    ledger = open_ledger(settings)
    ledger.record_events(parse_batch([make_event("MemberRegistered"), make_event("ContributionPaid")]), now=NOW)
    ledger.close()
    projection = open_projection(url, open_ledger(settings), load_rulebook())
    original = EntitlementsProjection.process_batch
    faults = {"left": 1}

    def flaky(self: EntitlementsProjection, items: list[object]) -> None:
        if faults["left"]:
            faults["left"] -= 1
            raise ConnectionError("the database went away")
        original(self, items)  # type: ignore[arg-type]

    monkeypatch.setattr(EntitlementsProjection, "process_batch", flaky)
    cycles: list[Cycle] = []
    runner = SupervisedRunner(projection, lambda: open_ledger(settings), interval_s=0.01, report=cycles.append)
    thread = threading.Thread(target=runner.run, kwargs={"cycles_max": 4})
    thread.start()
    thread.join(timeout=60)
    projection.view.engine.dispose()
    assert cycles[0].error and "went away" in cycles[0].error
    assert any(c.applied == 5 and c.lag == 0 for c in cycles[1:]), cycles
