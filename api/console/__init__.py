"""The service and audit console: server-rendered pages for a member's ledger, the rules and audit diffs.

``install(app)`` adds the pages under ``/console`` and their stylesheet and script under
``/console/static``; nothing is fetched from elsewhere, so the console works offline
(docs/console.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Serve the console's pages and static files from ``app``."""
    from api.console import access, audit, members, rules

    for module in (access, members, rules, audit):
        app.include_router(module.router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
