"""The entitlements read model equals a clean rebuild, however notifications are batched or interrupted.

Populations come from ``ledger synth``'s generator; the store is the embedded SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.app import open_ledger
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.entitlements import (
    EntitlementsProjection,
    catch_up,
    open_projection,
    read_model_checksum,
    reset_read_model,
)
from projections.migrate import upgrade_to_head
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from synthetic import generate_population

NOW = datetime(2031, 1, 1, tzinfo=UTC)
RULEBOOK = load_rulebook()


class ProcessDies(BaseException):
    """The process dies mid-batch (not an error of one member's fold, which the projection would isolate)."""


def stocked(tmp_path: Path, *, seed: int, members: int, chunks: int) -> tuple[LedgerApplication, list[list[object]]]:
    url = f"sqlite:///{tmp_path / f'ledger-{seed}-{members}-{chunks}.db'}"
    upgrade_to_head(sqlalchemy_url(url))
    ledger = open_ledger(Settings(database_url=url))
    events = list(
        generate_population(
            members=members,
            years=3,
            region="bazhong",
            seed=seed,
            editions=RULEBOOK,
            correction_share=0.3,  # mistakes and their retractions, moves away: the read model follows them too
            move_share=0.2,
        )
    )
    size = max(1, len(events) // chunks)
    return ledger, [events[i : i + size] for i in range(0, len(events), size)]


def rebuilt_checksum(projection: EntitlementsProjection, ledger: LedgerApplication) -> str:
    reset_read_model(projection.view.engine)
    catch_up(ledger, projection)
    return read_model_checksum(projection.view.engine)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), chunks=st.integers(1, 4), batch=st.integers(1, 400))
@example(seed=534, chunks=1, batch=1)  # two employee payments covering the same months (found by this test)
def test_live_read_model_equals_a_clean_rebuild(tmp_path: Path, seed: int, chunks: int, batch: int) -> None:
    """Invariant: catching up after each chunk, in any batch size, gives the rows of one fold from zero."""
    ledger, parts = stocked(tmp_path, seed=seed, members=12, chunks=chunks)
    projection = open_projection(f"sqlite:///{ledger.env['SQLITE_DBNAME']}", ledger, RULEBOOK)
    try:
        for part in parts:
            ledger.record_events(parse_batch(part), now=NOW)
            catch_up(ledger, projection, batch=batch)
        live = read_model_checksum(projection.view.engine)
        assert rebuilt_checksum(projection, ledger) == live
    finally:
        ledger.close()
        projection.view.engine.dispose()


def test_a_crash_inside_a_batch_leaves_nothing_half_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault in the middle of a batch rolls its rows and position back; resuming gives the clean rebuild."""
    ledger, parts = stocked(tmp_path, seed=99, members=10, chunks=1)
    url = f"sqlite:///{ledger.env['SQLITE_DBNAME']}"
    projection = open_projection(url, ledger, RULEBOOK)
    try:
        ledger.record_events(parse_batch(parts[0]), now=NOW)
        original = EntitlementsProjection._refresh_member
        calls = {"n": 0}

        def failing(
            self: EntitlementsProjection, connection: object, member_id: str, notification_id: int, snapshot: object
        ) -> None:
            calls["n"] += 1
            if calls["n"] == 4:
                raise ProcessDies("the projection process dies here")
            original(self, connection, member_id, notification_id, snapshot)  # type: ignore[arg-type]

        monkeypatch.setattr(EntitlementsProjection, "_refresh_member", failing)
        with pytest.raises(ProcessDies):
            catch_up(ledger, projection, batch=10_000)
        assert projection.view.max_tracking_id(ledger.name) is None, "the failed batch advanced nothing"
        monkeypatch.setattr(EntitlementsProjection, "_refresh_member", original)
        catch_up(ledger, projection)
        resumed = read_model_checksum(projection.view.engine)
        assert rebuilt_checksum(projection, ledger) == resumed
    finally:
        ledger.close()
        projection.view.engine.dispose()
