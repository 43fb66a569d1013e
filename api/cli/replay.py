"""``ledger replay`` and ``ledger worker``: replays under any edition, shared by dramatiq workers."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import create_engine

from api.cli.common import (
    LogFormatOption,
    command_logs,
    console,
    edition_option,
    errors,
    parse_day,
    progress_bar,
    pseudonym_key_or_exit,
)
from api.settings import Settings, sqlalchemy_url
from domain.errors import LedgerError
from domain.identity import member_key
from projections.migrate import upgrade_to_head

#: Longest `ledger replay` waits for its workers before giving up (the job goes on; its rows stay).
REPLAY_WAIT_S_MAX = 24 * 60 * 60
#: Most processes `ledger replay --workers N` starts on this machine without Redis (one a partition up to it).
PARTITION_PROCESSES_MAX = 8
#: Threads of an in-process or `ledger worker` dramatiq worker.
WORKER_THREADS_DEFAULT = 2


replay_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


@replay_app.callback()
def replay(
    context: typer.Context,
    edition: Annotated[
        str | None, typer.Option(help="Rule-set name, edition hash, or a rule-set / patch file.")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only members of this region.")] = None,
    members: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="Member ids, one a line.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Effective date, YYYY-MM-DD (default today).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=256, help="Partitions (and, without Redis, processes on this machine).")
    ] = 1,
) -> None:
    """Refold the ledger under EDITION into its own read-model set, partitioned for N workers.

    With LEDGER_REDIS_URL the partitions go to Redis for `ledger worker` processes (on any machine);
    without it the same actors run in this process. The live read models are not touched:
    `ledger replay promote JOB_ID` makes a finished set live.
    """
    if context.invoked_subcommand is not None:
        return
    if edition is None:
        errors.print("[red]--edition is required (or: ledger replay resume|promote JOB_ID)[/red]")
        raise typer.Exit(2)

    from api.app import open_ledger
    from api.routes.status import today_in_china
    from projections.replay import create_job, edition_source
    from projections.rulebook import load_rulebook
    from workers.actors import use_settings
    from workers.broker import install_broker

    settings = Settings()
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    rulebook = load_rulebook()
    chosen = edition_option(rulebook, edition)
    file = Path(edition) if Path(edition).suffix in (".yaml", ".yml", ".json") and Path(edition).exists() else None
    day = parse_day(as_of, "--as-of") if as_of else today_in_china()
    ids = (
        [line.strip() for line in members.read_text(encoding="utf-8").splitlines() if line.strip()] if members else None
    )
    if ids is not None:  # identity numbers become pseudonyms: the job stores and folds the members the ledger knows
        key = pseudonym_key_or_exit(settings)
        ids = [member_key(member_id, key) for member_id in ids]
    engine = create_engine(url)
    ledger = open_ledger(settings)
    broker = install_broker(settings.redis_url)
    use_settings(settings)
    try:
        job_id = create_job(
            engine,
            ledger,
            chosen,
            source=edition_source(chosen, file=file),
            partitions=workers,
            as_of=day,
            region=region,
            members=ids,
        )
        final = _send_and_follow(engine, broker, job_id, list(range(workers)), redis=bool(settings.redis_url))
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
        engine.dispose()
    _report(final)


def _send_and_follow(engine: Any, broker: Any, job_id: str, partitions: list[int], *, redis: bool) -> Any:
    """Run the job's partitions and follow it to the end, showing progress.

    With Redis the partitions' messages (ids only) go to `ledger worker` processes; without it, two or more
    partitions run in as many processes of this machine (the fold is Python: threads would share one core),
    and a single partition runs in an in-process dramatiq worker.
    """
    from projections.replay import JobProgress, wait_for
    from workers.actors import replay_partition
    from workers.broker import partition_worker

    worker = None
    pool = None
    futures: list[Any] = []
    if redis or len(partitions) <= 1:
        for partition in partitions:
            replay_partition.send(job_id, partition)
        if not redis:
            worker = partition_worker(broker, threads=1, queues={"replays"})
            worker.start()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        processes = min(len(partitions), PARTITION_PROCESSES_MAX)
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))
        database_url = Settings().database_url
        futures = [pool.submit(run_partition_here, database_url, job_id, partition) for partition in partitions]
    try:
        with progress_bar("replay", "members", on=errors, rate=True) as progress:
            task = progress.add_task("replay", total=None, rate="")

            def show(state: JobProgress) -> None:
                for future in futures:
                    if future.done() and future.exception() is not None:
                        raise future.exception()  # type: ignore[misc]
                progress.update(
                    task,
                    total=state.members_total,
                    completed=state.members_done,
                    rate=f"{state.events_per_s:,.0f} events/s",
                )

            return wait_for(engine, job_id, timeout_s=REPLAY_WAIT_S_MAX, on_progress=show)
    finally:
        if worker is not None:
            worker.stop()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def run_partition_here(database_url: str, job_id: str, partition: int) -> None:
    """One partition of a job in a process of its own (``ledger replay --workers N`` without Redis)."""
    from workers.actors import _resources

    engine, ledger, rulebook = _resources(database_url)
    from projections.replay import run_partition

    run_partition(engine, ledger, rulebook, job_id=job_id, partition=partition)


def _report(final: Any) -> None:
    from projections.isolation import failures, replay_scope

    console.print(
        f"replay {final.job_id}: {final.members_done} members, {final.events_done} events into {final.model_set} "
        f"({final.events_per_s:,.0f} events/s)"
    )
    engine = create_engine(sqlalchemy_url(Settings().database_url))
    try:
        isolated = failures(engine, scope=replay_scope(final.job_id))
    finally:
        engine.dispose()
    for row in isolated:  # their fold failed under this edition: left out of the set, the others replayed
        errors.print(
            f"[yellow]replay {final.job_id}: member {row['member_id']} isolated at event {row['event_position']}: "
            f"{row['error'].splitlines()[0]}[/yellow]"
        )
    if isolated:
        errors.print(f"[yellow]replay {final.job_id}: {len(isolated)} member(s) isolated[/yellow]")


@replay_app.command("resume")
def resume_replay(job_id: Annotated[str, typer.Argument(help="The replay job's id.")]) -> None:
    """Send again every partition of JOB_ID that is not done — after a worker died — and follow the job to the end.

    Partitions are idempotent: one still running elsewhere, or redelivered by Redis meanwhile, rewrites the same rows.
    """
    from projections.replay import unfinished_partitions
    from workers.actors import use_settings
    from workers.broker import install_broker

    settings = Settings()
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    engine = create_engine(url)
    broker = install_broker(settings.redis_url)
    use_settings(settings)
    try:
        partitions = unfinished_partitions(engine, job_id)
        console.print(f"replay {job_id}: sending partitions {partitions or 'none'} again")
        final = _send_and_follow(engine, broker, job_id, partitions, redis=bool(settings.redis_url))
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    _report(final)


@replay_app.command("promote")
def promote_replay(
    job_id: Annotated[str, typer.Argument(help="The finished replay job to make the live read model.")],
) -> None:
    """Make a finished replay's read-model set the live read model, in one transaction (docs/replay.md)."""
    from api.cli.common import cli_principal
    from projections.access import record_write
    from projections.isolation import promotable
    from projections.rulebook import load_rulebook

    settings = Settings()
    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    engine = create_engine(url)
    key_id, client = cli_principal()
    subjects: dict[str, object] = {"job_id": job_id}

    def audit(outcome: str) -> None:
        record_write(
            engine,
            key_id=key_id,
            role="operator",
            client=client,
            action="ledger replay promote",
            outcome=outcome,
            subjects=subjects,
        )

    try:
        promotion = promotable(engine, load_rulebook(), job_id)
        subjects["promotion_number"] = promotion.promotion_number
        audit("ok: already live" if promotion.already else "ok")
    except LedgerError as error:
        audit(f"refused: {error.code}")
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if promotion.already:
        console.print(
            f"replay {job_id} ({promotion.model_set}) is already live: promotion {promotion.promotion_number} "
            f"at {promotion.promoted_at.isoformat()}; nothing changed"
        )
        return
    console.print(
        f"promoted replay {job_id} ({promotion.model_set}) as the live read model at "
        f"{promotion.promoted_at.isoformat()}: {promotion.members_promoted} members replaced, "
        f"{promotion.members_kept} kept (changed since the replay began)"
    )


def worker(
    threads: Annotated[int, typer.Option(min=1, max=64, help="Worker threads.")] = WORKER_THREADS_DEFAULT,
    log_format: LogFormatOption = "json",
) -> None:
    """Run a dramatiq worker for replay and audit partitions (needs LEDGER_REDIS_URL); stops on Ctrl-C or SIGTERM.

    Logs are JSON lines on stderr (docs/operations.md) unless `--log-format text`: one when it starts
    and stops, one when a partition starts and ends (job_id, partition, duration), dramatiq's own.
    """
    from workers.actors import _resources, use_settings
    from workers.audit import AUDIT_QUEUE
    from workers.broker import install_broker, partition_worker

    settings = Settings()
    with command_logs(log_format, "ledger.worker") as say:
        if not settings.redis_url:
            say.error(
                "LEDGER_REDIS_URL is not set: without Redis, `ledger replay` and `ledger audit` run their workers "
                "in-process"
            )
            raise typer.Exit(2)
        broker = install_broker(settings.redis_url)
        use_settings(settings)
        # The store connection and the rule book are opened before consuming, not on the first message.
        _resources(settings.database_url)
        queues = {"replays", AUDIT_QUEUE}
        running = partition_worker(broker, threads=threads, queues=queues)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        running.start()
        redis_host = settings.redis_url.split("@")[-1]
        say.info(
            f"ledger worker: {threads} thread(s) on {redis_host}",
            threads=threads,
            queues=sorted(queues),
            redis=redis_host,
        )
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            running.stop()
            say.info("ledger worker: stopped", threads=threads)


def register(app: typer.Typer) -> None:
    app.add_typer(replay_app, name="replay")
    app.command()(worker)
