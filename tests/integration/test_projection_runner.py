"""The supervised runner: one active runner (PostgreSQL), restarts after faults, LISTEN/NOTIFY, watchdog, lag."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import EntitlementsProjection, open_projection
from projections.migrate import upgrade_to_head
from projections.rulebook import load_rulebook
from projections.runner import WATCHDOG_CYCLES_MAX, Cycle, Leadership, NotificationFeed, SupervisedRunner
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
        if faults["left"] and items:
            faults["left"] -= 1
            raise ConnectionError("the database went away")
        original(self, items)  # type: ignore[arg-type]

    monkeypatch.setattr(EntitlementsProjection, "process_batch", flaky)
    cycles: list[Cycle] = []

    def report(cycle: Cycle) -> None:
        cycles.append(cycle)
        if cycle.lag == 0:
            runner.stop()

    runner = SupervisedRunner(projection, lambda: open_ledger(settings), interval_s=0.05, report=report)
    thread = threading.Thread(target=runner.run, kwargs={"cycles_max": 200})
    thread.start()
    thread.join(timeout=60)
    projection.view.engine.dispose()
    assert not thread.is_alive()
    errors = [c for c in cycles if c.error]
    assert len(errors) == 1 and "went away" in str(errors[0].error)
    assert sum(c.applied for c in cycles) == 5 and cycles[-1].lag == 0, cycles


def run_in_thread(runner: SupervisedRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run)
    thread.start()
    return thread


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_on_postgresql_a_new_event_is_applied_without_waiting_for_the_poll(settings: Settings) -> None:
    """LISTEN/NOTIFY: with a 60 s interval, a new event is applied within seconds."""
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    projection = open_projection(url, open_ledger(settings), load_rulebook())
    applied = threading.Event()
    seen: list[Cycle] = []

    def report(cycle: Cycle) -> None:
        seen.append(cycle)
        if cycle.applied:
            applied.set()

    runner = SupervisedRunner(projection, lambda: open_ledger(settings), interval_s=60, report=report)
    thread = run_in_thread(runner)
    writer = open_ledger(settings)
    try:
        writer.record_events(parse_batch([make_event("MemberRegistered")]), now=NOW)
        assert applied.wait(timeout=20), "the first event was not applied"
        applied.clear()  # the runner now waits (up to 60 s) for the next notification
        writer.record_events(parse_batch([make_event("ContributionPaid")]), now=NOW)
        started = time.monotonic()
        assert applied.wait(timeout=20), "the second event waited for the poll"
        elapsed_s = time.monotonic() - started
        assert elapsed_s < 10, f"took {elapsed_s:.1f} s"
        assert isinstance(runner.feed, NotificationFeed), "the runner listens on PostgreSQL"
    finally:
        runner.stop()
        thread.join(timeout=30)
        writer.close()
        projection.view.engine.dispose()
    assert not thread.is_alive(), "stop wakes a runner waiting on its subscription"
    assert seen[-1].lag == 0 and sum(c.applied for c in seen) == 5


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_watchdog_replaces_a_silent_subscription(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    writer = open_ledger(settings)
    writer.record_events(parse_batch([make_event("MemberRegistered")]), now=NOW)
    writer.close()
    projection = open_projection(url, open_ledger(settings), load_rulebook())
    original = NotificationFeed.take
    silent: list[NotificationFeed] = []

    def take(self: NotificationFeed, *, limit: int, timeout_s: float) -> list[object]:
        if not silent or silent[0] is self:  # the first subscription hears nothing
            silent[:1] = [self]
            return []
        return original(self, limit=limit, timeout_s=timeout_s)  # type: ignore[return-value]

    monkeypatch.setattr(NotificationFeed, "take", take)
    cycles: list[Cycle] = []

    def report(cycle: Cycle) -> None:
        cycles.append(cycle)
        if cycle.applied and cycle.lag == 0:
            runner.stop()

    runner = SupervisedRunner(projection, lambda: open_ledger(settings), interval_s=0.05, report=report)
    thread = run_in_thread(runner)
    thread.join(timeout=60)
    projection.view.engine.dispose()
    assert not thread.is_alive()
    stalls = [number for number, c in enumerate(cycles) if c.stalled]
    assert stalls == [WATCHDOG_CYCLES_MAX], cycles  # the first cycle sets the lag the next ones compare with
    assert cycles[-1].applied == 3 and cycles[-1].lag == 0
