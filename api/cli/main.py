"""The ``ledger`` command: serve, import, history, db, rules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli import audit, entitlements, importing, replay
from api.cli.common import (
    cli_principal,
    console,
    errors,
    progress_bar,
    pseudonym_key_or_exit,
    report_problems,
    stored_member_id,
)
from api.cli.keys import keys_app
from api.cli.rules import rules_app
from api.cli.synth import SYNTH_HELP, synth
from api.routes.status import today_in_china
from api.settings import Settings, redacted_url, sqlalchemy_url
from domain.errors import ConflictingEventIds, FieldProblem, LedgerError
from projections.migrate import upgrade_to_head
from projections.store import ingest

app = typer.Typer(help="Event-sourced member-benefits ledger.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Read-model database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


app.add_typer(rules_app, name="rules")
app.command("synth", help=SYNTH_HELP)(synth)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default LEDGER_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default LEDGER_PORT or 8000).")] = None,
    log_format: Annotated[
        str, typer.Option(help="json: one JSON object a line with the request id (default); text: uvicorn's own.")
    ] = "json",
) -> None:
    """Apply migrations and serve the HTTP API (OpenAPI at /docs, metrics at /metrics)."""
    import uvicorn

    from api.app import create_app
    from api.observability import configure_json_logging, uvicorn_log_config
    from projections.heap import freeze_startup_heap

    if log_format not in ("json", "text"):
        raise typer.BadParameter("json or text", param_hint="--log-format")
    if log_format == "json":
        configure_json_logging()
    settings = Settings()
    application = create_app(settings)
    freeze_startup_heap()
    where = redacted_url(settings.database_url)
    console.print(f"ledger: serving {where} on http://{host or settings.host}:{port or settings.port}")
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        **({"log_config": uvicorn_log_config()} if log_format == "json" else {}),
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the read-model schema to the newest Alembic revision."""
    settings = Settings()
    revision = upgrade_to_head(sqlalchemy_url(settings.database_url))
    console.print(f"read model at revision {revision} ({redacted_url(settings.database_url)})")


@app.command("import")
def import_events(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON Lines, one event a line.")
    ],
    batch_events: Annotated[int | None, typer.Option(min=1, max=10_000, help="Events per atomic batch.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=importing.IMPORT_WORKERS_MAX,
            help="Processes validating the file (0: this one). Default: the machine's cores for a file of "
            f"{importing.PARALLEL_FILE_BYTES_MIN // 2**20} MiB or more, else 0.",
        ),
    ] = None,
) -> None:
    """Validate the whole file, then store it in atomic batches; re-running stores nothing twice.

    Events may carry recorded_at (historical imports). Nothing is stored when any line is invalid.
    The file is read once: its validated events wait in a spill file (in TMPDIR, about the file's size,
    removed at the end) and are stored from there, so memory does not grow with the file's size.
    """
    from api.app import open_ledger
    from projections.heap import freeze_startup_heap

    settings = Settings()
    size = batch_events or settings.import_batch_events
    key = pseudonym_key_or_exit(settings)
    ledger = open_ledger(settings)
    freeze_startup_heap(collect_first=False)  # the command exits when the file is stored
    try:
        with progress_bar("validate", "bytes", on=console) as progress:
            task = progress.add_task("validate", total=file.stat().st_size)
            found = importing.validate_file(
                file,
                size,
                key,
                ledger,
                today=today_in_china(),
                workers=importing.import_workers(file, workers),
                on_bytes=lambda read: progress.advance(task, read),
            )
    except BaseException:
        ledger.close()
        raise
    try:
        _store_validated(settings, file, found, ledger)
    finally:
        found.remove()
        ledger.close()


def _store_validated(settings: Settings, file: Path, found: importing.Validated, ledger: Any) -> None:
    """Report what the validating pass refused, or store its spill batch by batch, with a progress bar."""
    if not found.events and not found.contract.problems_total:
        errors.print(f"[red]{file}: no events[/red]")
        raise typer.Exit(1)
    for refused in found.refused():
        report_problems(file, refused.problems, refused.lines, total=refused.problems_total)
        raise typer.Exit(1)
    stored = duplicate = 0
    batch_start, batch_lines = 0, []  # the batch being stored: its first event's index and each event's line
    try:
        with progress_bar("import", "events", on=console) as progress:
            task = progress.add_task("import", total=found.events)
            for start, lines, batch in importing.spilled_batches(found):
                batch_start, batch_lines = start, lines
                result = ingest(ledger, batch, now=datetime.now(UTC), historical_import=True, index_offset=start)
                stored += result.stored_count
                duplicate += result.duplicate_count
                progress.advance(task, len(batch))
    except ConflictingEventIds as error:
        _audit_import(settings, file, f"refused: {error.code}", stored, duplicate)
        conflicts = [FieldProblem(c.index, c.event_id, "event_id", c.reason) for c in error.conflicts]
        lines_of = {c.index: batch_lines[c.index - batch_start] for c in error.conflicts}
        report_problems(file, conflicts, lines_of, stored=stored)
        raise typer.Exit(1) from None
    except LedgerError as error:
        _audit_import(settings, file, f"refused: {error.code}", stored, duplicate)
        errors.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(1) from None
    _audit_import(settings, file, "ok", stored, duplicate)
    console.print(f"{file}: {stored} stored, {duplicate} duplicate")


def _audit_import(settings: Settings, file: Path, outcome: str, stored: int, duplicate: int) -> None:
    """The write audit row of an import: the operator, the host, the file, what was stored."""
    from sqlalchemy import create_engine

    from projections.access import record_write

    key_id, client = cli_principal()
    engine = create_engine(sqlalchemy_url(settings.database_url))
    try:
        upgrade_to_head(sqlalchemy_url(settings.database_url))
        record_write(
            engine,
            key_id=key_id,
            role="operator",
            client=client,
            action="ledger import",
            outcome=outcome,
            subjects={"file": str(file), "stored": stored, "duplicate": duplicate},
        )
    finally:
        engine.dispose()


@app.command()
def history(
    member_id: Annotated[str, typer.Argument(help="The member's id.")],
    occurred_from: Annotated[str | None, typer.Option("--from", help="Earliest occurred_on, YYYY-MM-DD.")] = None,
    occurred_to: Annotated[str | None, typer.Option("--to", help="Latest occurred_on, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """A member's events in effective-date order; retracted events are marked (by whom, when, why)."""
    from api.app import open_ledger
    from domain.entitlements.facts import retraction_marks

    bounds = {}
    for name, text in (("--from", occurred_from), ("--to", occurred_to)):
        if text is not None:
            try:
                bounds[name] = date.fromisoformat(text)
            except ValueError:
                errors.print(f"[red]{name}: {text!r} is not a date; expected YYYY-MM-DD, e.g. 2025-01-31[/red]")
                raise typer.Exit(2) from None
    settings = Settings()
    member_id = stored_member_id(settings, member_id)
    ledger = open_ledger(settings)
    try:
        everything = ledger.member_events(member_id)
        decisions = {d.claim_id: d for d in ledger.member_settlements(member_id)} if everything else {}
    finally:
        ledger.close()
    marks = retraction_marks(everything)
    low, high = bounds.get("--from"), bounds.get("--to")
    events = [
        e for e in everything if (low is None or e.occurred_on >= low) and (high is None or e.occurred_on <= high)
    ]
    if as_json:
        listed = [
            e.as_json() | {"retracted": marks[str(e.event_id)].mark_json() if str(e.event_id) in marks else None}
            for e in events
        ]
        console.print_json(json.dumps({"member_id": member_id, "events": listed}, ensure_ascii=False))
        return
    if not events:
        errors.print(f"no events recorded for member {member_id}")
        raise typer.Exit(1)
    # Three columns so that 80 are enough: when (effective day, recorded time, short id), what, and the
    # data as "field: value" lines (folded, never cut), with each claim's recorded settlement under it.
    table = Table(title=f"member {member_id}: {len(events)} events", show_lines=True)
    table.add_column("occurred_on\n[dim]recorded (UTC)\nevent id[/dim]", no_wrap=True)
    table.add_column("type", overflow="fold", max_width=22)
    table.add_column("data", overflow="fold", ratio=1)
    for event in events:
        lines = [f"{key}: {_data_value(value)}" for key, value in sorted(event.data.items())]
        claim_id = event.data.get("claim_id") if event.type == "ClaimSubmitted" else None
        decision = decisions.get(str(claim_id)) if claim_id is not None else None
        if decision is not None:
            lines.append(_settlement_line(decision.document, decision.decided_at))
        elif claim_id is not None:
            lines.append("[dim]no decision recorded (not sent through POST /v1/claims): see ledger status[/dim]")
        mark = marks.get(str(event.event_id))
        if mark is not None:
            lines.append(
                f"[bold]retracted[/bold] {mark.recorded_at:%Y-%m-%d %H:%M:%S} by {mark.source or '(no source)'} "
                f"({mark.event_id[:8]}): {mark.reason}"
            )
        # The first 8 hex digits tell events apart on screen; --json prints the full ids.
        when = f"[dim]{event.recorded_at:%Y-%m-%d %H:%M}\n{str(event.event_id)[:8]}[/dim]"
        table.add_row(
            f"{event.occurred_on.isoformat()}\n{when}",
            f"[strike]{event.type}[/strike]" if mark else event.type,
            "\n".join(lines),
        )
    console.print(table)


def _data_value(value: Any) -> str:
    """A data field as text: lists and objects as compact JSON, strings as they are."""
    if isinstance(value, str):
        return value
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _settlement_line(document: dict[str, Any], decided_at: datetime) -> str:
    """The claim's recorded decision, one line: status, what the funds and the member pay, per layer, why."""
    layers = ", ".join(f"{layer} {amount}" for layer, amount in document["layers"].items() if amount != "0.00")
    reasons = f"; {'; '.join(document['reasons'])}" if document["reasons"] else ""
    return (
        f"[bold]decided {decided_at:%Y-%m-%d}: {document['status']}[/bold], funds pay {document['fund_total']}"
        f" ({layers or 'nothing'}), member pays {document['member_pays']}{reasons}"
    )


entitlements.register(app)
audit.register(app)
replay.register(app)


def main() -> None:
    app()
