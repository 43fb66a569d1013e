"""The ``ledger`` command: serve, import, history, db, rules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli.rules import rules_app
from api.settings import Settings, sqlalchemy_url
from domain.contract import parse_batch
from domain.errors import FieldProblem, InvalidBatch, InvalidEvents, LedgerError
from projections.migrate import upgrade_to_head
from projections.store import ingest

app = typer.Typer(help="Event-sourced member-benefits ledger.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Read-model database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

#: Problems listed before `ledger import` stops listing (the count is still reported).
IMPORT_PROBLEMS_SHOWN_MAX = 50

app.add_typer(rules_app, name="rules")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default LEDGER_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default LEDGER_PORT or 8000).")] = None,
) -> None:
    """Apply migrations and serve the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    application = create_app(settings)
    console.print(f"ledger: serving {settings.database_url} on http://{host or settings.host}:{port or settings.port}")
    uvicorn.run(application, host=host or settings.host, port=port or settings.port, log_level="info")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the read-model schema to the newest Alembic revision."""
    settings = Settings()
    revision = upgrade_to_head(sqlalchemy_url(settings.database_url))
    console.print(f"read model at revision {revision} ({settings.database_url})")


def _read_jsonl(path: Path) -> tuple[list[Any], list[int], list[FieldProblem]]:
    """Every line's JSON value, its line number, and the lines that are not JSON."""
    items: list[Any] = []
    line_numbers: list[int] = []
    problems: list[FieldProblem] = []
    with path.open("rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
                line_numbers.append(line_number)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                problems.append(FieldProblem(len(items), None, "(line)", f"line {line_number} is not JSON: {error}"))
    return items, line_numbers, problems


@app.command("import")
def import_events(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON Lines, one event a line.")
    ],
    batch_events: Annotated[int | None, typer.Option(min=1, max=10_000, help="Events per atomic batch.")] = None,
) -> None:
    """Validate the whole file, then store it in atomic batches; re-running stores nothing twice.

    Events may carry recorded_at (historical imports). Nothing is stored when any line is invalid.
    """
    from api.app import open_ledger

    settings = Settings()
    size = batch_events or settings.import_batch_events
    items, line_numbers, problems = _read_jsonl(file)
    events = []
    for start in range(0, len(items), size):
        try:
            events.extend(parse_batch(items[start : start + size]))
        except InvalidEvents as error:
            problems.extend(FieldProblem(p.index + start, p.event_id, p.field, p.reason) for p in error.problems)
        except InvalidBatch as error:
            problems.append(FieldProblem(start, None, "(batch)", str(error)))
    if not items and not problems:
        errors.print(f"[red]{file}: no events[/red]")
        raise typer.Exit(1)
    if problems:
        _report_problems(file, problems, line_numbers)
        raise typer.Exit(1)
    ledger = open_ledger(settings)
    stored = duplicate = 0
    try:
        with Progress(
            TextColumn("[bold]import"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} events"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("import", total=len(events))
            for start in range(0, len(events), size):
                batch = events[start : start + size]
                result = ingest(ledger, batch, now=datetime.now(UTC), historical_import=True, index_offset=start)
                stored += result.stored_count
                duplicate += result.duplicate_count
                progress.advance(task, len(batch))
    except LedgerError as error:
        errors.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    console.print(f"{file}: {stored} stored, {duplicate} duplicate")


def _report_problems(file: Path, problems: list[FieldProblem], line_numbers: list[int]) -> None:
    errors.print(f"[red]{file}: {len(problems)} problem(s); nothing was stored[/red]")
    for problem in problems[:IMPORT_PROBLEMS_SHOWN_MAX]:
        line = line_numbers[problem.index] if problem.index < len(line_numbers) and problem.field != "(line)" else None
        where = f"line {line}" if line else f"event #{problem.index}"
        event_id = f" event_id {problem.event_id}" if problem.event_id else ""
        errors.print(f"  {where}{event_id}: {problem.field}: {problem.reason}")
    if len(problems) > IMPORT_PROBLEMS_SHOWN_MAX:
        errors.print(f"  … and {len(problems) - IMPORT_PROBLEMS_SHOWN_MAX} more")


@app.command()
def history(
    member_id: Annotated[str, typer.Argument(help="The member's id.")],
    occurred_from: Annotated[str | None, typer.Option("--from", help="Earliest occurred_on, YYYY-MM-DD.")] = None,
    occurred_to: Annotated[str | None, typer.Option("--to", help="Latest occurred_on, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """A member's events in effective-date order."""
    from api.app import open_ledger

    bounds = {}
    for name, text in (("--from", occurred_from), ("--to", occurred_to)):
        if text is not None:
            try:
                bounds[name] = date.fromisoformat(text)
            except ValueError:
                errors.print(f"[red]{name}: {text!r} is not a date YYYY-MM-DD[/red]")
                raise typer.Exit(2) from None
    ledger = open_ledger(Settings())
    try:
        events = ledger.member_events(member_id, occurred_from=bounds.get("--from"), occurred_to=bounds.get("--to"))
    finally:
        ledger.close()
    if as_json:
        console.print_json(
            json.dumps({"member_id": member_id, "events": [e.as_json() for e in events]}, ensure_ascii=False)
        )
        return
    if not events:
        errors.print(f"no events recorded for member {member_id}")
        raise typer.Exit(1)
    table = Table(title=f"member {member_id}: {len(events)} events")
    table.add_column("occurred_on", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("recorded_at (UTC)", no_wrap=True)
    table.add_column("event_id", no_wrap=True)
    table.add_column("data", overflow="fold")
    for event in events:
        table.add_row(
            event.occurred_on.isoformat(),
            event.type,
            event.recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
            # The first 8 hex digits tell events apart on screen; --json prints the full ids.
            str(event.event_id)[:8],
            json.dumps(event.data, ensure_ascii=False, sort_keys=True),
        )
    console.print(table)


@app.command()
def project(
    once: Annotated[bool, typer.Option("--once", help="Catch up and exit.")] = False,
    interval_s: Annotated[float, typer.Option("--interval", min=0.1, max=3600, help="Seconds between polls.")] = 2.0,
) -> None:
    """Keep the entitlement read models current: catch up from the event store, then poll for new events."""
    import time

    from api.app import open_ledger
    from projections.entitlements import catch_up, lag, open_projection
    from projections.rulebook import load_rulebook

    settings = Settings()
    upgrade_to_head(sqlalchemy_url(settings.database_url))
    ledger = open_ledger(settings)
    projection = open_projection(sqlalchemy_url(settings.database_url), ledger, load_rulebook())
    try:
        while True:
            applied = catch_up(ledger, projection)
            if applied or once:
                console.print(f"entitlements: applied {applied} notification(s), lag {lag(ledger, projection.view)}")
            if once:
                return
            time.sleep(interval_s)
    except KeyboardInterrupt:
        console.print("entitlements: stopped")
    finally:
        ledger.close()
        projection.view.engine.dispose()


@app.command()
def audit(
    edition: Annotated[
        str | None, typer.Option(help="Side A: rule-set name, edition hash or edition/patch file.")
    ] = None,
    against: Annotated[
        str, typer.Option(help="Side B: 'recorded' (the decisions made), 'rulebook', or an edition.")
    ] = ("recorded"),
    region: Annotated[str | None, typer.Option(help="Only members of this region.")] = None,
    members: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="File of member ids, one a line.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Effective date, YYYY-MM-DD (default: today).")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every difference as CSV here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write totals and differences as JSON here.")] = None,
) -> None:
    """Fold every member under edition A and list what differs from B, per member and claim, with totals."""
    import csv

    from api.app import open_ledger
    from api.routes.status import today_in_china
    from domain.audit import RECORDED, AuditTotals, Difference
    from projections.audit import audit_json, audit_members, member_ids
    from projections.rulebook import load_rulebook

    rulebook = load_rulebook()
    side_a = _edition_option(rulebook, edition)
    side_b: Any = (
        against if against == RECORDED else None if against == "rulebook" else _edition_option(rulebook, against)
    )
    day = _parse_day(as_of, "--as-of") if as_of else today_in_china()
    ledger = open_ledger(Settings())
    chosen = (
        [line.strip() for line in members.read_text(encoding="utf-8").splitlines() if line.strip()] if members else None
    )
    totals = AuditTotals()
    kept: list[Difference] = []
    writer = None
    handle = csv_out.open("w", newline="", encoding="utf-8") if csv_out else None
    try:
        population = chosen if chosen is not None else list(member_ids(ledger))
        with Progress(
            TextColumn("[bold]audit"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} members"),
            TimeRemainingColumn(),
            console=errors,
            transient=True,
        ) as progress:
            task = progress.add_task("audit", total=len(population))
            results = audit_members(
                ledger,
                rulebook,
                edition_a=side_a,
                against=side_b,
                members=population,
                as_of=day,
                known_at=datetime.now(UTC),
                region=region,
                progress=lambda _member: progress.advance(task),
            )
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
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
        if handle is not None:
            handle.close()
    name_a = side_a.name if side_a is not None else "rulebook"
    name_b = against if side_b is None or side_b == RECORDED else side_b.name
    if json_out:
        document = audit_json(totals, kept, side_a=name_a, side_b=name_b)
        json_out.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2), encoding="utf-8")
    table = Table(
        title=f"audit {name_a} against {name_b}: {totals.members_changed} of {totals.members_compared} members differ"
    )
    for column in ("region", "scheme", "layer", "year", "claims", "delta (A − B)"):
        table.add_column(column)
    for row in totals.rows():
        table.add_row(row["region"], row["scheme"], row["layer"], str(row["year"]), str(row["claims"]), row["delta"])
    console.print(table)


def main() -> None:
    app()


def _parse_moment(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        errors.print(f"[red]{option}: {text!r} is not an ISO datetime[/red]")
        raise typer.Exit(2) from None
    if moment.tzinfo is None:
        errors.print(f"[red]{option}: {text!r} needs a time zone, e.g. 2026-01-01T00:00:00Z[/red]")
        raise typer.Exit(2)
    return moment.astimezone(UTC)


def _parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.print(f"[red]{option}: {text!r} is not a date YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None


def _edition_option(rulebook: Any, reference: str | None) -> Any:
    """An edition named by rule set or hash, or loaded from a file (another edition, or a patch)."""
    from projections.queries import find_edition

    if reference is None:
        return None
    path = Path(reference)
    if path.suffix in (".yaml", ".yml", ".json") and path.exists():
        return rulebook.load_alternative(path)
    return find_edition(rulebook, reference)


@app.command()
def status(
    member_id: Annotated[str, typer.Argument(help="The member's id.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Effective date, YYYY-MM-DD.")],
    known_at: Annotated[str | None, typer.Option("--known-at", help="Recorded-time horizon (ISO, with zone).")] = None,
    edition: Annotated[str | None, typer.Option(help="Rule-set name, edition hash, or an edition/patch file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status document as JSON.")] = False,
) -> None:
    """A member's entitlements on a date: coverage, waiting, continuity, caps — each figure explained."""
    from api.app import open_ledger
    from projections.queries import member_status
    from projections.rulebook import load_rulebook

    day = _parse_day(as_of, "--as-of")
    horizon = _parse_moment(known_at, "--known-at") if known_at else datetime.now(UTC)
    rulebook = load_rulebook()
    ledger = open_ledger(Settings())
    try:
        document = member_status(
            ledger, rulebook, member_id, as_of=day, known_at=horizon, edition=_edition_option(rulebook, edition)
        )
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    if as_json:
        console.print_json(json.dumps(document, ensure_ascii=False, sort_keys=True))
        return
    _print_status(document)


def _print_status(document: dict[str, Any]) -> None:
    edition = document["edition"]["name"] if document["edition"] else "none"
    table = Table(title=f"member {document['member_id']} on {document['as_of']} ({edition})", show_header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key in ("region", "scheme", "covered", "benefits_active", "benefits_start", "suspended"):
        table.add_row(key, str(document[key]))
    if document["waiting"]:
        waiting = document["waiting"]
        table.add_row("waiting", f"{waiting['total_months']} month(s), {waiting['reason']}, until {waiting['ends_on']}")
    table.add_row("continuity", json.dumps(document["continuity"]))
    if document["major_illness"]:
        table.add_row("major_illness", json.dumps(document["major_illness"], ensure_ascii=False))
    for layer, balance in document["caps"].items():
        table.add_row(f"cap {layer}", f"{balance['remaining']} of {balance['cap']} left")
    console.print(table)
    for item in document["explanations"]:
        names = ", ".join(p["name"] for p in item["parameters"])
        console.print(f"[bold]{item['field']}[/bold]: {item['text']}\n  [dim]{names}[/dim]")


@app.command()
def scenario(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Scenario JSON.")],
    edition: Annotated[str | None, typer.Option(help="Rule-set name, edition hash, or an edition/patch file.")] = None,
) -> None:
    """Run a scenario in memory (no database, no server) and print one document per query, as JSON.

    FILE is {"events": [...], "queries": [{"member_id", "as_of", "known_at"?} | {"claim_id", ...}], "edition"?}.
    """
    from pydantic import ValidationError

    from domain.scenario import Scenario, run_scenario
    from projections.rulebook import load_rulebook

    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        parsed = Scenario.model_validate(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        errors.print(f"[red]{file}: not JSON: {error}[/red]")
        raise typer.Exit(1) from None
    except ValidationError as error:
        for item in error.errors():
            errors.print(f"[red]{file}: {'.'.join(str(p) for p in item['loc'])}: {item['msg']}[/red]")
        raise typer.Exit(1) from None
    rulebook = load_rulebook()
    try:
        answers = run_scenario(parsed, rulebook, override=_edition_option(rulebook, edition))
    except InvalidEvents as error:
        _report_problems(file, error.problems, [])
        raise typer.Exit(1) from None
    except LedgerError as error:
        errors.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(answers, ensure_ascii=False, sort_keys=True, indent=2))
