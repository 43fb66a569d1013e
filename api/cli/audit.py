"""``ledger audit``: what changes under another edition, computed by dramatiq workers in partitions."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import console, edition_option, errors, parse_day, progress_bar
from api.settings import Settings, sqlalchemy_url
from domain.audit import RECORDED, AuditTotals, Difference, known_at_side
from domain.errors import LedgerError

#: Longest `ledger audit` waits for its workers before giving up (the partition rows stay).
AUDIT_WAIT_S_MAX = 24 * 60 * 60
#: Most in-process worker threads (the fold is Python: threads share one interpreter).
IN_PROCESS_THREADS_MAX = 8


def edition_file(reference: str | None) -> Path | None:
    """The rule-set or patch file an edition option names, if it names one (else a rule set or hash)."""
    if reference is None:
        return None
    path = Path(reference)
    return path if path.suffix in (".yaml", ".yml", ".json") and path.exists() else None


def audit(
    edition: Annotated[
        str | None, typer.Option(help="Side A: rule-set name, edition hash or edition/patch file.")
    ] = None,
    against: Annotated[
        str,
        typer.Option(
            help="Side B: 'recorded' (the decisions made), 'rulebook', an edition, or 'known-at:<ISO time with zone>' "
            "(the rulebook's fold as known then: what was recorded since, corrections included, changed)."
        ),
    ] = RECORDED,
    region: Annotated[str | None, typer.Option(help="Only members of this region.")] = None,
    members: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="File of member ids, one a line.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Effective date, YYYY-MM-DD (default: today).")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every difference as CSV here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write totals and differences as JSON here.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Partitions for dramatiq workers to share.")] = 1,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="Fold in this process, without jobs or workers.")
    ] = False,
) -> None:
    """Fold every member under edition A and list what differs from B, per member and claim, with totals.

    The members are split into --workers partitions, each a dramatiq job: through Redis to `ledger
    worker` processes when LEDGER_REDIS_URL is set, else run by workers inside this process.
    """
    from api.app import open_ledger
    from api.routes.status import today_in_china
    from projections.audit import audit_members, member_ids
    from projections.rulebook import load_rulebook

    settings = Settings()
    rulebook = load_rulebook()
    side_a = edition_option(rulebook, edition)
    try:
        before = known_at_side(against)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--against") from None
    side_b: Any = (
        against
        if against == RECORDED or before is not None
        else None
        if against == "rulebook"
        else edition_option(rulebook, against)
    )
    day = parse_day(as_of, "--as-of") if as_of else today_in_china()
    known_at = datetime.now(UTC)
    chosen = (
        [line.strip() for line in members.read_text(encoding="utf-8").splitlines() if line.strip()] if members else None
    )
    name_a = side_a.name if side_a is not None else "rulebook"
    name_b = against if side_b is None or isinstance(side_b, str) else side_b.name
    ledger = open_ledger(settings)
    try:
        if in_process:
            population = chosen if chosen is not None else list(member_ids(ledger))
            with progress_bar("audit", "members", on=errors, transient=True) as progress:
                task = progress.add_task("audit", total=len(population))
                results = audit_members(
                    ledger,
                    rulebook,
                    edition_a=side_a,
                    against=side_b,
                    members=population,
                    as_of=day,
                    known_at=known_at,
                    region=region,
                    progress=lambda _member: progress.advance(task),
                )
                totals = write_audit(results, csv_out=csv_out, json_out=json_out, side_a=name_a, side_b=name_b)
        else:
            results = _through_workers(
                settings,
                ledger,
                side_a_source=_source(side_a, edition),
                side_b_source=(
                    against
                    if against in (RECORDED, "rulebook") or before is not None
                    else str(_source(side_b, against))
                ),
                workers=workers,
                as_of=day,
                known_at=known_at,
                region=region,
                members=chosen,
            )
            totals = write_audit(results, csv_out=csv_out, json_out=json_out, side_a=name_a, side_b=name_b)
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    table = Table(
        title=f"audit {_named(name_a, edition)} against {_named(name_b, against)}: "
        f"{totals.members_changed} of {totals.members_compared} members differ"
    )
    for column in ("region", "scheme", "layer", "year", "claims", "delta (A − B)"):
        table.add_column(column)
    for row in totals.rows():
        table.add_row(row["region"], row["scheme"], row["layer"], str(row["year"]), str(row["claims"]), row["delta"])
    console.print(table)


def _named(name: str, reference: str | None) -> str:
    """An edition's name, with the file it was read from when an option named a rule-set or patch file."""
    file = edition_file(reference)
    return name if file is None else f"{name} ({file})"


def _source(edition: Any, reference: str | None) -> str | None:
    from projections.replay import edition_source

    return None if edition is None else edition_source(edition, file=edition_file(reference))


def _through_workers(
    settings: Settings,
    ledger: Any,
    *,
    side_a_source: str | None,
    side_b_source: str,
    workers: int,
    as_of: Any,
    known_at: datetime,
    region: str | None,
    members: list[str] | None,
) -> Iterable[tuple[str, list[Difference]]]:
    """Create the audit job, hand its partitions to dramatiq workers, wait, and merge their results."""
    from sqlalchemy import create_engine

    from projections.audit import AuditProgress, audit_job_results, create_audit_job
    from projections.migrate import upgrade_to_head
    from workers.actors import use_settings
    from workers.audit import AUDIT_QUEUE, audit_partition, wait_for_audit
    from workers.broker import install_broker, partition_worker

    url = sqlalchemy_url(settings.database_url)
    upgrade_to_head(url)
    engine = create_engine(url)
    broker = install_broker(settings.redis_url)
    use_settings(settings)
    worker = None
    try:
        job_id = create_audit_job(
            engine,
            ledger,
            side_a_source=side_a_source,
            side_b_source=side_b_source,
            partitions=workers,
            as_of=as_of,
            known_at=known_at,
            region=region,
            members=members,
        )
        for partition in range(workers):
            audit_partition.send(job_id, partition)
        if not settings.redis_url:
            worker = partition_worker(broker, threads=min(workers, IN_PROCESS_THREADS_MAX), queues={AUDIT_QUEUE})
            worker.start()
        with progress_bar("audit", "members", on=errors, transient=True) as progress:
            task = progress.add_task("audit", total=None)

            def show(state: AuditProgress) -> None:
                progress.update(task, total=state.members_total, completed=state.members_done)

            wait_for_audit(engine, job_id, timeout_s=AUDIT_WAIT_S_MAX, on_progress=show)
        return list(audit_job_results(engine, job_id))
    finally:
        if worker is not None:
            worker.stop()
        engine.dispose()


def write_audit(
    results: Iterable[tuple[str, list[Difference]]],
    *,
    csv_out: Path | None,
    json_out: Path | None,
    side_a: str,
    side_b: str,
) -> AuditTotals:
    """Add up the results; write every difference as CSV and the totals and differences as JSON."""
    from projections.audit import audit_json

    totals = AuditTotals()
    kept: list[Difference] = []
    writer = None
    handle = csv_out.open("w", newline="", encoding="utf-8") if csv_out else None
    try:
        for _member_id, differences in results:
            totals.add(differences)
            if json_out:
                kept.extend(differences)
            for difference in differences:
                if handle is not None:
                    if writer is None:
                        writer = csv.DictWriter(handle, fieldnames=list(difference.row()))
                        writer.writeheader()
                    writer.writerow(difference.row())
    finally:
        if handle is not None:
            handle.close()
    if json_out:
        document = audit_json(totals, kept, side_a=side_a, side_b=side_b)
        json_out.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2), encoding="utf-8")
    return totals


def register(app: typer.Typer) -> None:
    app.command()(audit)
