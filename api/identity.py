"""Identity numbers at the edge: the pseudonym key, and the rewriting of paths, queries and bodies.

See ``domain/identity.py`` for what is pseudonymised and how. Here: where the key comes from
(``LEDGER_PSEUDONYM_KEY``; on the embedded SQLite default, a key file created beside the database
on first use), and an ASGI middleware that replaces identity numbers in the request path and query
string *in place*, before routing and before the access log reads them, so an authorised lookup by
the number finds the member and no log line ever holds it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlencode

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.settings import Settings
from domain.identity import CANDIDATE_PATTERN, PSEUDONYM_KEY_BYTES_MIN, pseudonymise_text
from domain.identity import member_key as _member_key

#: Name of the key file the embedded default creates beside its SQLite database.
KEY_FILE_SUFFIX = ".pseudonym-key"


class PseudonymKeyMissing(RuntimeError):
    pass


def _sqlite_path(database_url: str) -> Path | None:
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or database_url.endswith(":memory:"):
        return None
    return Path(database_url[len(prefix) :])


def pseudonym_key(settings: Settings) -> bytes:
    """The HMAC key: configured, or (embedded SQLite default only) read from / created beside the database."""
    if settings.pseudonym_key is not None:
        key = settings.pseudonym_key.get_secret_value().encode()
        if len(key) < PSEUDONYM_KEY_BYTES_MIN:
            raise PseudonymKeyMissing(f"LEDGER_PSEUDONYM_KEY must have at least {PSEUDONYM_KEY_BYTES_MIN} characters")
        return key
    database = _sqlite_path(settings.database_url)
    if database is None:
        raise PseudonymKeyMissing(
            "LEDGER_PSEUDONYM_KEY is not set: it is required with PostgreSQL (at least "
            f"{PSEUDONYM_KEY_BYTES_MIN} random characters, e.g. the output of `openssl rand -hex 32`)"
        )
    key_file = database.with_name(database.name + KEY_FILE_SUFFIX)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def member_key(request: Request, raw_member_id: str) -> str:
    """The id the ledger stores for ``raw_member_id`` (its pseudonym if it is an identity number)."""
    return _member_key(raw_member_id, request.app.state.pseudonym_key)


class PseudonymiseIdentityNumbers:
    """Pure ASGI middleware: identity numbers in the path and query string become pseudonyms."""

    def __init__(self, app: ASGIApp, key: bytes) -> None:
        self.app = app
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if CANDIDATE_PATTERN.search(path):
                # In place: the server's access log reads this same scope when the response starts.
                scope["path"] = pseudonymise_text(path, self.key)
                scope["raw_path"] = scope["path"].encode()
            query = scope.get("query_string", b"").decode("latin-1")
            # Looked for after percent-decoding: ``%31101…`` is the same number as ``1101…``.
            if CANDIDATE_PATTERN.search(unquote_plus(query)):
                pairs = parse_qsl(query, keep_blank_values=True)
                scope["query_string"] = urlencode(
                    [(pseudonymise_text(name, self.key), pseudonymise_text(value, self.key)) for name, value in pairs]
                ).encode("latin-1")
        await self.app(scope, receive, send)
