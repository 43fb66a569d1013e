"""What every ``ledger`` command shares: the consoles, option parsing, error listing."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from domain.errors import FieldProblem

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

#: How the long-running commands (``ledger project``, ``ledger worker``) write their lines.
LOG_FORMATS = ("json", "text")
LogFormatOption = Annotated[
    str,
    typer.Option(
        "--log-format",
        help="json: one JSON object a line on stderr (time UTC, level, logger, message, fields; default); "
        "text: plain lines.",
    ),
]


@dataclass(frozen=True)
class Say:
    """A long-running command's status lines: JSON log records with fields, or the plain console lines."""

    logger: logging.Logger
    json: bool

    def info(self, message: str, **fields: Any) -> None:
        if self.json:
            self.logger.info(message, extra=fields)
        else:
            console.print(message, markup=False, highlight=False)

    def warning(self, message: str, **fields: Any) -> None:
        if self.json:
            self.logger.warning(message, extra=fields)
        else:
            errors.print(message, style="yellow", markup=False, highlight=False)

    def error(self, message: str, **fields: Any) -> None:
        if self.json:
            self.logger.error(message, extra=fields)
        else:
            errors.print(message, style="red", markup=False, highlight=False)


@contextmanager
def command_logs(log_format: str, logger_name: str) -> Iterator[Say]:
    """The command's :class:`Say`; with ``json`` every logger of the process writes JSON lines meanwhile."""
    if log_format not in LOG_FORMATS:
        raise typer.BadParameter(" or ".join(LOG_FORMATS), param_hint="--log-format")
    if log_format == "text":
        yield Say(logging.getLogger(logger_name), json=False)
        return
    from api.observability import json_logs

    with json_logs():
        yield Say(logging.getLogger(logger_name), json=True)


#: Problems listed before a command stops listing (the count is still reported).
PROBLEMS_SHOWN_MAX = 50


def parse_moment(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        errors.print(
            f"[red]{option}: {text!r} is not a datetime; expected ISO 8601 with a zone, e.g. 2026-01-01T00:00:00Z[/red]"
        )
        raise typer.Exit(2) from None
    if moment.tzinfo is None:
        errors.print(f"[red]{option}: {text!r} needs a time zone, e.g. 2026-01-01T00:00:00Z[/red]")
        raise typer.Exit(2)
    return moment.astimezone(UTC)


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.print(f"[red]{option}: {text!r} is not a date; expected YYYY-MM-DD, e.g. 2025-01-31[/red]")
        raise typer.Exit(2) from None


def edition_option(rulebook: Any, reference: str | None) -> Any:
    """An edition named by rule set or hash, or loaded from a file (another edition, or a patch)."""
    from domain.errors import LedgerError
    from projections.queries import find_edition

    if reference is None:
        return None
    path = Path(reference)
    try:
        if path.suffix in (".yaml", ".yml", ".json") and path.exists():
            return rulebook.load_alternative(path)
        return find_edition(rulebook, reference)
    except LedgerError as error:  # a broken patch is refused like a broken rule set, naming what is wrong
        errors.print(f"--edition: {error}", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None


def report_problems(
    file: Path,
    problems: list[FieldProblem],
    line_numbers: Sequence[int] | Mapping[int, int],
    *,
    total: int | None = None,
    stored: int = 0,
) -> None:
    """Print the problems (the first PROBLEMS_SHOWN_MAX), each by the file's line number only (never the
    event's index beside it); ``line_numbers`` maps an event's index to its line, ``total`` counts problems
    beyond those kept (a streaming reader keeps a bounded number), ``stored`` what earlier batches stored."""
    count = len(problems) if total is None else total
    lines = line_numbers if isinstance(line_numbers, Mapping) else dict(enumerate(line_numbers))
    kept = "nothing was stored" if not stored else f"the {stored} event(s) of earlier batches stay stored"
    errors.print(f"[red]{file}: {count} problem(s); {kept}[/red]")
    for problem in problems[:PROBLEMS_SHOWN_MAX]:
        if problem.field == "(line)":  # the reason already names the line ("line 3 is not JSON: …")
            errors.print(f"  {problem.reason}")
            continue
        line = lines.get(problem.index)
        where = f"line {line}" if line is not None else "file"
        event_id = f" (event_id {problem.event_id})" if problem.event_id else ""
        field = "" if problem.field == "(batch)" else f"{problem.field}: "
        errors.print(f"  {where}{event_id}: {field}{problem.reason}")
    if count > PROBLEMS_SHOWN_MAX:
        errors.print(f"  … and {count - PROBLEMS_SHOWN_MAX} more")


def progress_bar(label: str, unit: str, *, on: Console, transient: bool = False, rate: bool = False) -> Progress:
    """The one progress bar of long commands: label, bar, done/total unit, (rate), time left."""
    columns = [TextColumn(f"[bold]{label}"), BarColumn(), TextColumn(f"{{task.completed}}/{{task.total}} {unit}")]
    if rate:
        columns.append(TextColumn("{task.fields[rate]}"))
    return Progress(*columns, TimeRemainingColumn(), console=on, transient=transient)


def pseudonym_key_or_exit(settings: Any) -> bytes:
    """The pseudonym key of the configured ledger, or a clear error and exit 2."""
    from api.identity import PseudonymKeyMissing, pseudonym_key

    try:
        return pseudonym_key(settings)
    except PseudonymKeyMissing as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None


def stored_member_id(settings: Any, member_id: str) -> str:
    """The id the ledger stores for ``member_id`` (a resident identity number becomes its pseudonym)."""
    from domain.identity import is_resident_identity_number, member_key

    if not is_resident_identity_number(member_id):
        return member_id
    return member_key(member_id, pseudonym_key_or_exit(settings))


def cli_principal() -> tuple[str, str]:
    """Who a CLI write is recorded as in the write audit trail: (key_id, client)."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"[:64], f"cli@{socket.gethostname()}"
