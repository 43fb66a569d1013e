"""FHIR errors as OperationOutcome, and 406 for a representation the ledger does not write (XML).

The rest of the API answers errors as RFC 9457 problem+json (``api/problems.py``); a FHIR client
expects an ``OperationOutcome``. This ASGI middleware sits in front of the ``/fhir`` routes and
rewrites any problem+json answer (4xx and 5xx, from whichever handler made it) into an
OperationOutcome with the same status, keeping the problem's ``type`` and ``request_id`` as
diagnostics, so the one mapping of errors stays in ``api/problems.py``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.fhir.common import FHIR_MEDIA_TYPE

FHIR_PREFIX = "/fhir"
#: Media types that mean "JSON is acceptable" in an Accept header (FHIR's own and the generic ones).
JSON_ACCEPTABLE = ("application/fhir+json", "application/json", "application/json+fhir", "*/*", "application/*")
#: ``_format`` values (FHIR's query override of Accept) that name JSON.
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json", "application/json+fhir"})
#: OperationOutcome.issue.code (http://hl7.org/fhir/issue-type) per HTTP status.
ISSUE_CODE_BY_STATUS = {
    400: "structure",
    401: "login",
    403: "forbidden",
    404: "not-found",
    406: "not-supported",
    409: "conflict",
    413: "too-costly",
    422: "invalid",
    429: "throttled",
    503: "transient",
}
#: A problem body is small; a larger error body is passed through unchanged rather than buffered.
ERROR_BODY_BYTES_MAX = 1_000_000


def operation_outcome(status: int, diagnostics: str, *, problem_type: str | None = None) -> dict[str, Any]:
    """An OperationOutcome of one issue: severity error (fatal for 5xx), the issue type for the status."""
    issue: dict[str, Any] = {
        "severity": "fatal" if status >= 500 else "error",
        "code": ISSUE_CODE_BY_STATUS.get(status, "exception" if status >= 500 else "processing"),
        "diagnostics": diagnostics,
    }
    if problem_type and problem_type != "about:blank":
        issue["details"] = {"text": problem_type}
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def _json_acceptable(headers: Headers, query: QueryParams) -> bool:
    requested = query.get("_format")
    if requested is not None:
        return requested.strip().lower() in JSON_FORMATS
    accept = headers.get("accept")
    if not accept:
        return True
    ranges = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return any(r in JSON_ACCEPTABLE for r in ranges)


class FhirErrors:
    """On ``/fhir`` paths: 406 for a client that accepts no JSON; problem+json answers become OperationOutcomes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(FHIR_PREFIX):
            await self.app(scope, receive, send)
            return
        if not _json_acceptable(Headers(scope=scope), QueryParams(scope.get("query_string", b""))):
            body = operation_outcome(
                406, "this server writes FHIR JSON only (application/fhir+json); XML is not supported"
            )
            await _send_outcome(send, 406, body)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and start is None:
                content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
                if content_type.startswith("application/problem+json"):
                    start = message
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False) and sum(map(len, chunks)) < ERROR_BODY_BYTES_MAX:
                return
            await _rewrite(send, start, b"".join(chunks), more_body=message.get("more_body", False))

        await self.app(scope, receive, capture)


async def _rewrite(send: Send, start: Message, body: bytes, *, more_body: bool) -> None:
    status = int(start["status"])
    try:
        problem = json.loads(body)
    except ValueError:
        problem = None
    if more_body or not isinstance(problem, dict):  # not a problem body after all: pass it on as it came
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": more_body})
        return
    detail = str(problem.get("detail") or problem.get("title") or "error")
    outcome = operation_outcome(status, detail, problem_type=problem.get("type"))
    if problem.get("request_id"):
        outcome["id"] = str(problem["request_id"])
    headers = MutableHeaders(raw=list(start.get("headers", [])))
    await _send_outcome(send, status, outcome, headers=headers)


async def _send_outcome(
    send: Send, status: int, outcome: dict[str, Any], *, headers: MutableHeaders | None = None
) -> None:
    payload = json.dumps(outcome, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = headers or MutableHeaders()
    headers["content-type"] = FHIR_MEDIA_TYPE
    headers["content-length"] = str(len(payload))
    await send({"type": "http.response.start", "status": status, "headers": headers.raw})
    await send({"type": "http.response.body", "body": payload})
