"""Guards at the HTTP edge, for every route: problem+json for any failure, JSON-only writes, security headers.

* **Every 5xx is problem+json.** An exception no handler maps is logged with its traceback and
  answered ``500`` ``application/problem+json`` (never text/plain); the exception does not reach the
  server, so the connection is kept.
* **Writes take JSON only.** A POST/PUT/PATCH/DELETE with a body to the API (``/v1/…``, ``/fhir/…``)
  that names a media type must name ``application/json`` (or a ``+json`` type such as
  ``application/fhir+json``): text/plain, form and multipart bodies — what a browser form can send
  across sites — are a 415. A body without ``Content-Type`` is read as JSON.
* **No control characters in the URL.** A path or query parameter holding a C0 control character (NUL
  included) or DEL is a 400 naming the parameter (:class:`UrlControlCharacters`, inside the FHIR error
  middleware so /fhir answers an OperationOutcome): no id, key or filter holds one, and PostgreSQL text
  cannot hold NUL at all — such a value used to reach a query and fail there with a 500.
* **Headers.** Every answer says ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``
  and ``X-Frame-Options: DENY``; console pages also send a Content-Security-Policy that allows only
  the console's own scripts and styles and no framing (``frame-ancestors 'none'``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("ledger.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Paths whose writes take JSON bodies only (the console's own forms post to /console).
JSON_WRITE_PREFIXES = ("/v1/", "/fhir/")
#: The console's policy: its own scripts and styles (inline style attributes for progress bars), no framing.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


def problem_body(status: int, title: str, detail: str, type_: str) -> bytes:
    return json.dumps({"type": type_, "title": title, "status": status, "detail": detail}).encode()


def _json_media_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _has_body(headers: dict[bytes, bytes]) -> bool:
    length = headers.get(b"content-length")
    if length is not None:
        return length.strip() not in (b"", b"0")
    return b"transfer-encoding" in headers


class EdgeGuards:
    """Pure ASGI middleware applying the three guards above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        extra = list(COMMON_HEADERS)
        if path == "/console" or path.startswith("/console/"):
            extra.append((b"content-security-policy", CONSOLE_CSP.encode()))
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in extra if h[0] not in present]
            await send(message)

        content_type = headers.get(b"content-type")
        if (
            scope.get("method") in WRITE_METHODS
            and path.startswith(JSON_WRITE_PREFIXES)
            and content_type is not None
            and _has_body(headers)
            and not _json_media_type(content_type.decode("latin-1"))
        ):
            await self._answer(
                send_with_headers,
                415,
                "Unsupported media type",
                "write requests take a JSON body: send Content-Type: application/json",
                "/problems/unsupported-media-type",
            )
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            logger.exception("unhandled error answering %s %s", scope.get("method"), path)
            if started:  # the answer is already on its way: nothing more can be said
                return
            await self._answer(
                send_with_headers,
                500,
                "Internal error",
                f"the ledger failed to answer ({type(error).__name__}); the failure is logged. Writes are "
                "idempotent: retrying with the same event_ids stores nothing twice",
                "/problems/internal-error",
            )

    @staticmethod
    async def _answer(send: Any, status: int, title: str, detail: str, type_: str) -> None:
        body = problem_body(status, title, detail, type_)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


#: What no path segment or query parameter may hold: C0 controls (NUL included) and DEL.
URL_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x1f\x7f]")


def url_control_character(scope: Scope) -> tuple[str, str, str] | None:
    """(where, field, reason) of the first control character in the request's path or query, else None."""
    path: str = scope.get("path", "")
    found = URL_FORBIDDEN_CHARACTERS.search(path)
    if found is not None:
        return "path", "path", f"holds the control character U+{ord(found.group(0)):04X} at position {found.start()}"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
        for text in (name, value):
            found = URL_FORBIDDEN_CHARACTERS.search(text)
            if found is not None:
                field = URL_FORBIDDEN_CHARACTERS.sub("?", name)
                return (
                    "query",
                    field,
                    f"holds the control character U+{ord(found.group(0)):04X} at position {found.start()}",
                )
    return None


class UrlControlCharacters:
    """Pure ASGI middleware: a request whose path or query holds a control character is a 400 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = url_control_character(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        from api.problems import problem

        where, field, reason = found
        answer = problem(
            400,
            "Control character in the URL",
            f"{where} parameter {field!r} {reason}" if where == "query" else f"the path {reason}",
            type_="/problems/control-character",
            errors=[{"field": field, "in": where, "reason": reason}],
        )
        await answer(scope, receive, send)
