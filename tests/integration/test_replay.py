"""Replays under any edition: partitioned, idempotent, byte-identical, through dramatiq workers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import Engine, create_engine, delete, func, insert, select, text
from typer.testing import CliRunner

from api.app import open_ledger
from api.cli.main import app
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from domain.member_stream import member_stream_id
from domain.policies import Edition
from projections.entitlements import catch_up, open_projection, read_model_checksum
from projections.migrate import upgrade_to_head
from projections.readmodel import (
    CapUsage,
    ClaimSettlementRow,
    MemberCoverage,
    MemberIndex,
    ProjectionTracking,
    ReplayCapUsage,
    ReplayClaimSettlement,
    ReplayPromotion,
    WriteAudit,
)
from projections.replay import (
    LIVE_AS_OF,
    Promotion,
    ReplayError,
    create_job,
    edition_source,
    job_progress,
    keep_set_statistics,
    live_promotion,
    model_set_checksum,
    partition_of,
    promote,
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


def test_members_who_arrive_after_a_job_starts_are_not_in_it(stocked: tuple[LedgerApplication, Engine]) -> None:
    """A job's population is fixed when it is created: progress never passes 100 % (found by the soak)."""
    from projections.audit import audit_progress, create_audit_job, run_audit_partition

    ledger, engine = stocked
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    job = create_job(engine, ledger, edition, source=edition_source(edition, file=None), partitions=2, as_of=AS_OF)
    audit = create_audit_job(
        engine, ledger, side_a_source=None, side_b_source="recorded", as_of=AS_OF, known_at=NOW, partitions=2
    )
    late = [make_event("MemberRegistered", member_id="R-LATE", label="late")]
    ledger.record_events(parse_batch(late), now=NOW)
    for partition in range(2):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
        run_audit_partition(engine, ledger, rulebook, job_id=audit, partition=partition)
    progress = job_progress(engine, job)
    assert (progress.members_done, progress.members_total) == (len(MEMBERS), len(MEMBERS))
    assert progress.eta_s == 0.0
    audited = audit_progress(engine, audit)
    assert (audited.members_done, audited.members_total) == (len(MEMBERS), len(MEMBERS))


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


def run_replay(
    engine: Engine, ledger: LedgerApplication, edition: Edition, *, as_of: date = LIVE_AS_OF, file: Path | None = None
) -> str:
    rulebook = load_rulebook()
    job = create_job(engine, ledger, edition, source=edition_source(edition, file=file), partitions=2, as_of=as_of)
    for partition in range(2):
        run_partition(engine, ledger, rulebook, job_id=job, partition=partition)
    return job


def live_basic_pool_paid(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(ClaimSettlementRow.member_id, ClaimSettlementRow.layers_json)).all()
    return {member: json.loads(layers)["basic_pool"] for member, layers in rows}


def test_promote_makes_a_finished_set_the_live_read_model_once(
    stocked: tuple[LedgerApplication, Engine], settings: Settings
) -> None:
    ledger, engine = stocked
    rulebook = load_rulebook()
    patched = rulebook.alternative_from_text(COMMUNITY_95_PATCH, file_name="patch.yaml")
    # The live model was built under another edition than the rulebook's (as after a rule-set change).
    stale = open_projection(sqlalchemy_url(settings.database_url), ledger, {**rulebook, patched.name: patched})
    catch_up(ledger, stale)
    assert live_basic_pool_paid(engine) == dict.fromkeys(MEMBERS, 389_500)
    job = run_replay(engine, ledger, rulebook["bazhong-resident"])
    assert live_basic_pool_paid(engine) == dict.fromkeys(MEMBERS, 389_500), "a replay leaves the live model alone"

    promotion = promote(engine, rulebook, job)
    assert not promotion.already and promotion.job_id == job
    assert (promotion.members_promoted, promotion.members_kept) == (len(MEMBERS), 0)
    assert live_basic_pool_paid(engine) == dict.fromkeys(MEMBERS, 369_000)
    promoted = read_model_checksum(engine)
    again = promote(engine, rulebook, job)
    assert again.already and again.promotion_number == promotion.promotion_number
    assert read_model_checksum(engine) == promoted, "promoting the live job again changes nothing"
    assert live_promotion(engine) == again

    # The promoted model is the one a clean rebuild by the live projection under the rulebook gives.
    with engine.begin() as connection:
        for table in (MemberCoverage, ClaimSettlementRow, CapUsage, MemberIndex, ProjectionTracking):
            connection.execute(delete(table))
    catch_up(ledger, open_projection(sqlalchemy_url(settings.database_url), ledger, rulebook))
    assert read_model_checksum(engine) == promoted
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ReplayPromotion)).scalar_one() == 1


def test_promote_keeps_members_the_live_projection_changed_since_the_replay_began(
    stocked: tuple[LedgerApplication, Engine], settings: Settings
) -> None:
    ledger, engine = stocked
    rulebook = load_rulebook()
    live = open_projection(sqlalchemy_url(settings.database_url), ledger, rulebook)
    catch_up(ledger, live)
    job = run_replay(engine, ledger, rulebook["bazhong-resident"])
    second_claim = make_event("ClaimSubmitted", member_id="R-0", label="R-0:second", claim_id="C-R-0-second")
    ledger.record_events(parse_batch([second_claim]), now=NOW)
    catch_up(ledger, live)
    current = read_model_checksum(engine)
    promotion = promote(engine, rulebook, job)
    assert (promotion.members_promoted, promotion.members_kept) == (len(MEMBERS) - 1, 1)
    assert read_model_checksum(engine) == current, "R-0 keeps its newer live rows; the others' are the same"
    with engine.connect() as connection:
        claims = connection.execute(
            select(ClaimSettlementRow.claim_id).where(ClaimSettlementRow.member_id == "R-0")
        ).scalars()
        assert "C-R-0-second" in set(claims)


def test_promote_refuses_what_cannot_stand_as_the_live_model(
    stocked: tuple[LedgerApplication, Engine], tmp_path: Path
) -> None:
    ledger, engine = stocked
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    unfinished = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=2, as_of=LIVE_AS_OF
    )
    run_partition(engine, ledger, rulebook, job_id=unfinished, partition=0)
    with pytest.raises(ReplayError, match="is not finished \\(1 of 2 partitions done"):
        promote(engine, rulebook, unfinished)
    with pytest.raises(ReplayError, match="replay with --as-of 9999-12-31"):
        promote(engine, rulebook, run_replay(engine, ledger, edition, as_of=AS_OF))
    patch = tmp_path / "patch.yaml"
    patch.write_text(COMMUNITY_95_PATCH, encoding="utf-8")
    patched = rulebook.load_alternative(patch)
    with pytest.raises(ReplayError, match="the live projection folds new events under the rulebook"):
        promote(engine, rulebook, run_replay(engine, ledger, patched, file=patch))
    with pytest.raises(ReplayError, match="no replay job"):
        promote(engine, rulebook, "00000000-0000-0000-0000-000000000000")
    assert live_promotion(engine) is None
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ClaimSettlementRow)).scalar_one() == 0


def test_ledger_replay_promote(stocked: tuple[LedgerApplication, Engine], settings: Settings) -> None:
    ledger, engine = stocked
    job = run_replay(engine, ledger, load_rulebook()["bazhong-resident"])
    env = {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_REDIS_URL": ""}
    first = CliRunner().invoke(app, ["replay", "promote", job], env=env)
    assert first.exit_code == 0, first.output
    assert f"promoted replay {job}" in first.output and f"{len(MEMBERS)} members replaced" in first.output
    second = CliRunner().invoke(app, ["replay", "promote", job], env=env)
    assert second.exit_code == 0 and "already live" in second.output
    unknown = CliRunner().invoke(app, ["replay", "promote", "00000000-0000-0000-0000-000000000000"], env=env)
    assert unknown.exit_code == 1 and "no replay job" in unknown.output
    assert live_basic_pool_paid(engine) == dict.fromkeys(MEMBERS, 369_000)
    with engine.connect() as connection:
        trail = connection.execute(
            select(WriteAudit.outcome).where(WriteAudit.action == "ledger replay promote").order_by(WriteAudit.audit_id)
        ).scalars()
        assert list(trail) == ["ok", "ok: already live", "refused: replay_error"]


def test_member_streams_reads_several_streams_as_member_events_does(
    stocked: tuple[LedgerApplication, Engine],
) -> None:
    ledger, _ = stocked
    later = make_event("ContributionPaid", member_id="R-2", label="R-2:earlier") | {"occurred_on": "2024-01-15"}
    ledger.record_events(parse_batch([later]), now=NOW)  # recorded last, effective first
    streams = ledger.member_streams([*MEMBERS, "nobody"])
    assert streams == {member: ledger.member_events(member) for member in [*MEMBERS, "nobody"]}
    assert streams["nobody"] == [] and len(streams["R-2"]) == 4
    assert streams["R-2"][0].occurred_on == date(2024, 1, 15)
    assert ledger.member_streams([]) == {}
    # With each stream's version, as the live projection reads a batch's members.
    snapshots = ledger.stream_snapshots([*MEMBERS, "nobody"])
    for member in MEMBERS:
        version = ledger.repository.get(member_stream_id(member)).version
        assert snapshots[member] == (version, streams[member])
    assert snapshots["nobody"] == (0, [])


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_promote_waits_for_a_projection_batch_in_flight_without_deadlock(
    stocked: tuple[LedgerApplication, Engine], settings: Settings
) -> None:
    """A projection batch reads member_index, writes member_coverage, then updates member_index (as
    EntitlementsProjection does); a promotion requested in between must wait for it, not deadlock."""
    import threading

    from sqlalchemy import text, update

    ledger, engine = stocked
    rulebook = load_rulebook()
    catch_up(ledger, open_projection(sqlalchemy_url(settings.database_url), ledger, rulebook))
    job = run_replay(engine, ledger, rulebook["bazhong-resident"])
    outcome: dict[str, object] = {}
    with engine.connect() as batch:
        batch.execute(select(MemberIndex.member_id).where(MemberIndex.member_id == "R-0"))
        batch.execute(delete(MemberCoverage).where(MemberCoverage.member_id == "R-0"))

        def promote_now() -> None:
            try:
                outcome["promotion"] = promote(engine, rulebook, job)
            except Exception as error:  # the assertion below names it
                outcome["error"] = error

        promoting = threading.Thread(target=promote_now)
        promoting.start()
        deadline = time.monotonic() + 10
        with engine.connect() as watcher:
            while not watcher.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar_one():
                assert time.monotonic() < deadline, "the promotion never waited for the batch in flight"
                time.sleep(0.05)
        batch.execute(update(MemberIndex).where(MemberIndex.member_id == "R-0").values(event_count=3))
        batch.commit()
    promoting.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    promotion = outcome["promotion"]
    assert isinstance(promotion, Promotion) and promotion.members_promoted == len(MEMBERS)


def test_a_region_replay_of_a_shared_store_covers_that_region_alone(
    stocked: tuple[LedgerApplication, Engine],
) -> None:
    """Members registered in another region are out of a region's replay (not folded); those of the region
    are refolded exactly as in a replay of everyone."""
    ledger, engine = stocked
    elsewhere = [f"S-{n}" for n in range(3)]
    for member in elsewhere:
        payment = make_event("ContributionPaid", member_id=member, region="shenyang") | {"occurred_on": "2024-11-01"}
        registration = make_event("MemberRegistered", member_id=member, region="shenyang")
        ledger.record_events(parse_batch([registration, payment]), now=NOW)
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    sets = {}
    for region in (None, "bazhong"):
        job = create_job(
            engine, ledger, edition, source=edition_source(edition, file=None), partitions=1, as_of=AS_OF, region=region
        )
        run_partition(engine, ledger, rulebook, job_id=job, partition=0)
        progress = job_progress(engine, job)
        assert progress.done and progress.members_done == len(MEMBERS) + len(elsewhere)
        sets[region] = basic_pool_paid(engine, progress.model_set)
    assert sets["bazhong"] == sets[None] == dict.fromkeys(MEMBERS, 369_000)


def test_a_member_listed_twice_is_replayed_once(stocked: tuple[LedgerApplication, Engine]) -> None:
    ledger, engine = stocked
    rulebook = load_rulebook()
    edition = rulebook["bazhong-resident"]
    listed = [MEMBERS[0], MEMBERS[1], MEMBERS[0]] * 50
    job = create_job(
        engine, ledger, edition, source=edition_source(edition, file=None), partitions=1, as_of=AS_OF, members=listed
    )
    run_partition(engine, ledger, rulebook, job_id=job, partition=0)
    progress = job_progress(engine, job)
    assert (progress.members_done, progress.members_total, progress.events_done) == (2, 2, 6)
    assert basic_pool_paid(engine, progress.model_set) == dict.fromkeys(MEMBERS[:2], 369_000)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_growing_set_gets_statistics_before_autovacuum_would(stocked: tuple[LedgerApplication, Engine]) -> None:
    """A set written faster than autovacuum looks is analysed by the replay itself once its rows outgrow the
    statistics (without them each chunk's delete of its members read the whole set so far)."""
    _, engine = stocked
    rows = 3_000
    with engine.begin() as connection:
        # Only the replay may analyse it here (autovacuum visits a database about once a minute, at any moment).
        connection.execute(text("ALTER TABLE replay_cap_usage SET (autovacuum_enabled = false)"))
        connection.execute(
            insert(ReplayCapUsage),
            [
                {
                    "model_set": "growing@0",
                    "member_id": f"M-{n:05d}",
                    "layer": "basic_pool",
                    "year": 2025,
                    "used_fen": n,
                }
                for n in range(rows)
            ],
        )
    # The server counts the inserted rows when the writing session reports them (within a second or so).
    deadline = time.monotonic() + 20
    analysed: list[str] = []
    while not analysed and time.monotonic() < deadline:
        analysed = keep_set_statistics(engine)
        time.sleep(0.2)
    assert analysed == ["replay_cap_usage"]
    with engine.connect() as connection:
        known = connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'replay_cap_usage'")).scalar()
    assert known == rows
    assert keep_set_statistics(engine) == [], "statistics just taken are not stale"
