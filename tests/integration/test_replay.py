"""Replays under any edition: partitioned, idempotent, byte-identical, through dramatiq workers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import Engine, create_engine, select
from typer.testing import CliRunner

from api.app import open_ledger
from api.cli.main import app
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from projections.migrate import upgrade_to_head
from projections.readmodel import ReplayClaimSettlement
from projections.replay import (
    create_job,
    edition_source,
    job_progress,
    model_set_checksum,
    partition_of,
    run_partition,
)
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication
from tests.support.editions import COMMUNITY_95_PATCH
from tests.support.events import make_event
from tests.support.servers import redis_server

NOW = datetime(2026, 6, 1, tzinfo=UTC)
AS_OF = date(2026, 6, 1)
MEMBERS = [f"R-{n}" for n in range(6)]


@pytest.fixture
def stocked(settings: Settings) -> Iterator[tuple[LedgerApplication, Engine]]:
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    ledger = open_ledger(settings)
    for member in MEMBERS:
        payment = make_event("ContributionPaid", member_id=member) | {"occurred_on": "2024-11-01"}
        claim = make_event("ClaimSubmitted", member_id=member)
        ledger.record_events(parse_batch([make_event("MemberRegistered", member_id=member), payment, claim]), now=NOW)
    engine = create_engine(url)
    yield ledger, engine
    ledger.close()
    engine.dispose()


def basic_pool_paid(engine: Engine, model_set: str) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ReplayClaimSettlement.member_id, ReplayClaimSettlement.layers_json).where(
                ReplayClaimSettlement.model_set == model_set
            )
        ).all()
    return {member: json.loads(layers)["basic_pool"] for member, layers in rows}


def test_partitions_cover_every_member_once() -> None:
    for partitions in (1, 2, 3, 7):
        assert sorted(m for p in range(partitions) for m in MEMBERS if partition_of(m, partitions) == p) == MEMBERS
    assert partition_of("R-1", 4) == partition_of("R-1", 4)


def test_a_replay_refolds_every_member_and_runs_twice_alike(stocked: tuple[LedgerApplication, Engine]) -> None:
    ledger, engine = stocked
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    job = create_job(engine, ledger, edition, source=edition_source(edition, file=None), partitions=3, as_of=AS_OF)
    for partition in range(3):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
    progress = job_progress(engine, job)
    assert progress.done and progress.members_done == len(MEMBERS) and progress.events_done == 3 * len(MEMBERS)
    model_set = progress.model_set
    assert basic_pool_paid(engine, model_set) == dict.fromkeys(MEMBERS, 369_000)  # 张三, 002 ch.1 四十三
    first = model_set_checksum(engine, model_set)
    run_partition(engine, ledger, rulebook, job_id=job, partition=1)  # a redelivered message
    again = create_job(engine, ledger, edition, source=edition_source(edition, file=None), partitions=2, as_of=AS_OF)
    for partition in range(2):
        run_partition(engine, ledger, rulebook, job_id=again, partition=partition)
    assert model_set_checksum(engine, model_set) == first, "two replays of one edition are byte-identical"


def test_ledger_replay_in_process_under_a_patch(
    stocked: tuple[LedgerApplication, Engine], settings: Settings, tmp_path: Path
) -> None:
    _, engine = stocked
    patch = tmp_path / "patch.yaml"
    patch.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["replay", "--edition", str(patch), "--workers", "2", "--as-of", "2026-06-01"],
        env={"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_REDIS_URL": ""},
    )
    assert result.exit_code == 0, result.output
    model_set = result.output.split(" into ")[1].split(" ")[0]
    assert model_set.startswith("bazhong-resident@")
    # (4200 − 100) × 95 % = 3895: exactly the patched figure changes
    assert basic_pool_paid(engine, model_set) == dict.fromkeys(MEMBERS, 389_500)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_replay_through_redis_and_a_dramatiq_worker(
    stocked: tuple[LedgerApplication, Engine], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, engine = stocked
    from workers.actors import close_resources, replay_partition, use_settings
    from workers.broker import install_broker

    with redis_server() as redis_url:
        monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("LEDGER_REDIS_URL", redis_url)
        broker = install_broker(redis_url)
        use_settings(Settings(database_url=settings.database_url, redis_url=redis_url))
        rulebook = load_rulebook()
        edition = rulebook["bazhong-resident"]
        job = create_job(engine, ledger, edition, source=edition_source(edition, file=None), partitions=2, as_of=AS_OF)
        for partition in range(2):
            replay_partition.send(job, partition)
        worker = dramatiq.Worker(broker, worker_threads=2, queues={"replays"})
        worker.start()
        try:
            broker.join("replays", timeout=60_000)
            worker.join()
        finally:
            worker.stop()
            broker.close()
            close_resources()
        progress = job_progress(engine, job)
        assert progress.done and progress.members_done == len(MEMBERS)
        assert basic_pool_paid(engine, progress.model_set) == dict.fromkeys(MEMBERS, 369_000)
