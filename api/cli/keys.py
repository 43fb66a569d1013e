"""``ledger keys``: create, list and revoke API keys (only their hashes are stored)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine, create_engine

from api.cli.common import cli_principal, console, errors
from api.settings import Settings, sqlalchemy_url
from domain.errors import LedgerError
from projections.access import ROLES, create_key, list_keys, record_write, revoke_key
from projections.migrate import upgrade_to_head

keys_app = typer.Typer(help="API keys and their roles.", no_args_is_help=True)


def _engine() -> Engine:
    url = sqlalchemy_url(Settings().database_url)
    upgrade_to_head(url)
    return create_engine(url)


def _audit(engine: Engine, action: str, outcome: str, **subjects: object) -> None:
    key_id, client = cli_principal()
    record_write(
        engine, key_id=key_id, role="operator", client=client, action=action, outcome=outcome, subjects=subjects
    )


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")],
    region: Annotated[
        list[str] | None, typer.Option(help="Integration keys: a region it may write for (repeatable).")
    ] = None,
    label: Annotated[str | None, typer.Option(help="What the key is for (shown in `ledger keys list`).")] = None,
) -> None:
    """Create a key and print it once: only its hash is stored."""
    engine = _engine()
    try:
        key_id, key = create_key(engine, role=role, regions=region, label=label, created_by=cli_principal()[0])
        _audit(engine, "ledger keys create", "ok", key_id=key_id, role=role, regions=region)
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(f"created key {key_id} (role {role}). It is shown only now; store it safely:")
    console.print(key, markup=False, highlight=False)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the part after lk_ and before the next _).")],
) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    engine = _engine()
    try:
        record = revoke_key(engine, key_id)
        _audit(engine, "ledger keys revoke", "ok", key_id=key_id)
    except LedgerError as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(f"key {key_id} revoked at {record.revoked_at.isoformat() if record.revoked_at else '?'}")


@keys_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every key: id, role, regions, label, created, revoked (never the key itself)."""
    engine = _engine()
    try:
        records = list_keys(engine)
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps([r.as_json() for r in records], ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} API keys")
    for column in ("key_id", "role", "regions", "label", "created_at", "revoked_at"):
        table.add_column(column)
    for record in records:
        row = record.as_json()
        table.add_row(
            row["key_id"],
            row["role"],
            ",".join(row["regions"] or []) or "all",
            row["label"] or "",
            row["created_at"][:19],
            (row["revoked_at"] or "")[:19],
        )
    console.print(table)
