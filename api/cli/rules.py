"""``ledger rules``: list the rule sets and show the parameters in force on a date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from domain.policies import HASH_DISPLAY_LENGTH, Edition, RuleSetError, edition_json
from projections.rulebook import load_rulebook, rule_set_summary

rules_app = typer.Typer(help="Policy rule sets: dated, cited parameters.", no_args_is_help=True)

_console = Console(soft_wrap=True)
_errors = Console(stderr=True, soft_wrap=True)


def _parse_on(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2025-01-31") from None


@rules_app.command("list")
def list_rule_sets() -> None:
    """One line per rule set: name, edition hash, date range, confidence."""
    rulebook = load_rulebook()
    table = Table("name", "edition", "from", "until", "confidence")
    for name in rulebook:
        summary = rule_set_summary(rulebook[name])
        table.add_row(
            name,
            summary["edition"][:HASH_DISPLAY_LENGTH],
            summary["first_on"],
            summary["last_on"],
            summary["confidence"],
        )
    _console.print(table)


@rules_app.command("show")
def show_rule_set(
    name: Annotated[str, typer.Argument(help="Rule set name, e.g. shenyang-resident.")],
    on: Annotated[str, typer.Option("--on", help="Date to read the parameters on (YYYY-MM-DD).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (sort_keys, stable).")] = False,
    edition_file: Annotated[
        Path | None,
        typer.Option("--edition-file", help="Alternative edition: a rule-set file or a patch file.", exists=True),
    ] = None,
) -> None:
    """The parameters in force on a date, each with value, reference and notes."""
    on_date = _parse_on(on)
    rulebook = load_rulebook()
    edition: Edition
    if edition_file is not None:
        try:
            edition = rulebook.load_alternative(edition_file)
        except RuleSetError as error:
            _errors.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
        if edition.name != name:
            _errors.print(f"[red]{edition_file.name} is an edition of {edition.name}, not {name}[/red]")
            raise typer.Exit(2)
    elif name not in rulebook:
        _errors.print(f"[red]no rule set named {name!r}; known: {', '.join(rulebook)}[/red]")
        raise typer.Exit(2)
    else:
        edition = rulebook[name]
    if on_date < edition.first_on:
        _errors.print(f"[red]{name} has no values before {edition.first_on.isoformat()}[/red]")
        raise typer.Exit(2)
    shown = edition_json(edition, on_date)
    if as_json:
        typer.echo(json.dumps(shown, sort_keys=True, ensure_ascii=False, indent=2))
        return
    _print_table(edition, on_date, shown)


def _print_table(edition: Edition, on: date, shown: dict[str, Any]) -> None:
    title = f"{edition.name} on {on.isoformat()} — edition {edition.hash_short} ({edition.confidence} confidence)"
    table = Table("parameter", "value", "reference", "notes", title=title, show_lines=True)
    for item in shown["parameters"]:
        reference = item["reference"]
        notes = [item["note"]] if "note" in item else []
        if item.get("assumption"):
            notes.insert(0, "ASSUMPTION")
        if item.get("carried_forward"):
            notes.insert(0, "carried forward past its stated period")
        value = item["value"]
        value_text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        table.add_row(
            item["name"],
            value_text,
            f"{reference['document']}\n{reference['seed_file']} {reference['section']}",
            "\n".join(notes),
        )
    _console.print(table)
