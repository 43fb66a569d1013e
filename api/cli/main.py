"""The ``ledger`` command: serve, import, history, db, rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli import audit, entitlements, replay
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
from api.routes.events import loads_json
from api.routes.status import today_in_china
from api.settings import Settings, redacted_url, sqlalchemy_url
from domain.contract import future_problems, parse_batch
from domain.errors import ConflictingEventIds, FieldProblem, InvalidBatch, InvalidEvents, LedgerError
from domain.identity import pseudonymise_payload
from projections.access import batch_member_regions
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

    from api.app import create_app, freeze_startup_heap
    from api.observability import configure_json_logging, uvicorn_log_config

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


#: Problems a streaming import keeps to show (it counts the rest): bounded memory even for a bad file.
IMPORT_PROBLEMS_KEPT_MAX = 1000


@dataclass
class _Validation:
    """What the validating pass over a file found: events, bounded problems with their lines."""

    events: int = 0
    problems: list[FieldProblem] = field(default_factory=list)
    problems_total: int = 0
    lines: dict[int, int] = field(default_factory=dict)

    def add(self, problem: FieldProblem, line: int | None) -> None:
        self.problems_total += 1
        if len(self.problems) < IMPORT_PROBLEMS_KEPT_MAX:
            self.problems.append(problem)
            if line is not None:
                self.lines[problem.index] = line


def _jsonl_batches(
    path: Path, size: int, key: bytes, on_bad_line: Callable[[FieldProblem, int], None]
) -> Iterator[tuple[int, list[Any], list[int]]]:
    """The file's JSON values in chunks of ``size`` (pseudonymised), with the index of the chunk's first
    value and each value's line number; streamed, one chunk in memory. Lines that are not JSON go to
    ``on_bad_line`` (indexed by the value that follows them) and are not in any chunk."""
    items: list[Any] = []
    line_numbers: list[int] = []
    start = 0
    with path.open("rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = loads_json(line)
            except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or a 4,300+ digit integer
                reason = (
                    "nests too deeply"
                    if isinstance(error, RecursionError)
                    else f"is not JSON the ledger reads: {error}"
                )
                on_bad_line(
                    FieldProblem(start + len(items), None, "(line)", f"line {line_number} {reason}"), line_number
                )
                continue
            # Identity numbers become pseudonyms before validation: not even an error message holds one.
            items.append(pseudonymise_payload(value, key))
            line_numbers.append(line_number)
            if len(items) == size:
                yield start, items, line_numbers
                start += len(items)
                items, line_numbers = [], []
    if items:
        yield start, items, line_numbers


def _validate_file(path: Path, size: int, key: bytes, ledger: Any) -> tuple[_Validation, _Validation, _Validation]:
    """First pass: validate every event of the file, keeping none of them.

    Three findings, reported in this order (a later one only when the earlier are empty): lines and
    events the contract refuses; facts dated after today (in China); registrations that would move a
    member to another region — against the stored registration, else the file's first one (kept per
    registering member: the only state that grows with the file, one short entry per member).
    """
    contract, future, regions = _Validation(), _Validation(), _Validation()
    first_region: dict[str, str | None] = {}
    today = today_in_china()
    for start, items, line_numbers in _jsonl_batches(path, size, key, contract.add):
        contract.events += len(items)
        try:
            events = parse_batch(items)
        except InvalidEvents as error:
            for p in error.problems:
                line = line_numbers[p.index] if p.index < len(line_numbers) else None
                contract.add(FieldProblem(p.index + start, p.event_id, p.field, p.reason), line)
            continue
        except InvalidBatch as error:
            contract.add(FieldProblem(start, None, "(batch)", str(error)), None)
            continue
        # Stored facts have happened by today in China (what-ifs may lie ahead; imports may not).
        for problem in future_problems(events, today=today, index_offset=start):
            future.add(problem, line_numbers[problem.index - start])
        registrations = [(i, e) for i, e in enumerate(events) if e.type == "MemberRegistered"]
        new = [e for _, e in registrations if e.member_id not in first_region]
        if new:
            first_region.update(batch_member_regions(ledger, new))
        for index, event in registrations:
            region = getattr(event.data, "region", None)
            expected = first_region[event.member_id]
            if expected is not None and (None if region is None else str(region)) != expected:
                reason = "the member is registered in another region: a registration does not move a member"
                regions.add(
                    FieldProblem(start + index, str(event.event_id), "data.region", reason), line_numbers[index]
                )
    return contract, future, regions


@app.command("import")
def import_events(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON Lines, one event a line.")
    ],
    batch_events: Annotated[int | None, typer.Option(min=1, max=10_000, help="Events per atomic batch.")] = None,
) -> None:
    """Validate the whole file, then store it in atomic batches; re-running stores nothing twice.

    Events may carry recorded_at (historical imports). Nothing is stored when any line is invalid.
    The file is read twice — validated, then stored — one batch in memory at a time, so memory
    does not grow with its size.
    """
    from api.app import freeze_startup_heap, open_ledger

    settings = Settings()
    size = batch_events or settings.import_batch_events
    key = pseudonym_key_or_exit(settings)
    ledger = open_ledger(settings)
    freeze_startup_heap(collect_first=False)  # the command exits when the file is stored
    try:
        contract, future, regions = _validate_file(file, size, key, ledger)
    except BaseException:
        ledger.close()
        raise
    if not contract.events and not contract.problems_total:
        ledger.close()
        errors.print(f"[red]{file}: no events[/red]")
        raise typer.Exit(1)
    for found in (contract, future, regions):
        if found.problems_total:
            ledger.close()
            report_problems(file, found.problems, found.lines, total=found.problems_total)
            raise typer.Exit(1)
    stored = duplicate = 0
    batch_start, batch_lines = 0, []  # the batch being stored: its first event's index and each event's line
    try:
        with progress_bar("import", "events", on=console) as progress:
            task = progress.add_task("import", total=contract.events)
            for start, items, lines in _jsonl_batches(file, size, key, _file_changed(file)):
                batch_start, batch_lines = start, lines
                batch = parse_batch(items)
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
    finally:
        ledger.close()
    _audit_import(settings, file, "ok", stored, duplicate)
    console.print(f"{file}: {stored} stored, {duplicate} duplicate")


def _file_changed(file: Path) -> Callable[[FieldProblem, int], None]:
    def refuse(problem: FieldProblem, line: int) -> None:
        raise InvalidBatch(f"{file} changed after it was validated: line {line} is no longer JSON")

    return refuse


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
