"""Errors as RFC 9457 problem+json, mapped in one place from the domain's LedgerError hierarchy."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import OperationalError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError as SqlDataError
from sqlalchemy.exc import InterfaceError as SqlInterfaceError
from sqlalchemy.exc import OperationalError as SqlOperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import Forbidden, Unauthenticated
from api.observability import current_request_id
from domain.entitlements.fold import NoRuleSet
from domain.errors import ConcurrencyExhausted, ConflictingEventIds, InvalidBatch, InvalidEvents, LedgerError
from projections.access import KeyProblem, UnknownKey
from projections.isolation import DateOutOfRange, MemberUnfoldable
from projections.queries import UnknownClaim, UnknownEdition, UnknownMember
from projections.replay import ReplayError

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update(extra)
    request_id = current_request_id.get()
    if request_id:  # the id of this request, as in its X-Request-ID header, the logs and the write audit trail
        body.setdefault("request_id", request_id)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


class RequestBodyTooLarge(LedgerError):
    code = "body_too_large"


class MalformedJson(LedgerError):
    code = "malformed_json"


class BrokerUnavailable(LedgerError):
    """The job is recorded but its messages could not be sent: the broker (Redis) did not answer."""

    code = "broker_unavailable"

    def __init__(self, message: str, *, job_id: str) -> None:
        super().__init__(message)
        self.job_id = job_id


def _ledger_error(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, Unauthenticated):
        return problem(
            401,
            "Unauthenticated",
            str(error),
            type_="/problems/unauthenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if isinstance(error, Forbidden):
        return problem(403, "Forbidden", str(error), type_="/problems/forbidden")
    if isinstance(error, KeyProblem):
        return problem(422, "Invalid key request", str(error), type_="/problems/invalid-key-request")
    if isinstance(error, UnknownKey):
        return problem(404, "Not found", str(error), type_="/problems/unknown-key")
    if isinstance(error, InvalidEvents):
        return problem(
            422,
            "Invalid events",
            f"{error}; nothing was stored",
            type_="/problems/invalid-events",
            errors=[p.as_dict() for p in error.problems],
        )
    if isinstance(error, ConflictingEventIds):
        return problem(
            409,
            "event_id conflict",
            f"{error}; nothing was stored",
            type_="/problems/event-id-conflict",
            conflicts=[c.as_dict() for c in error.conflicts],
        )
    if isinstance(error, InvalidBatch):
        return problem(422, "Invalid batch", f"{error}; nothing was stored", type_="/problems/invalid-batch")
    if isinstance(error, RequestBodyTooLarge):
        return problem(413, "Request body too large", str(error), type_="/problems/body-too-large")
    if isinstance(error, MalformedJson):
        return problem(400, "Malformed JSON", str(error), type_="/problems/malformed-json")
    if isinstance(error, BrokerUnavailable):
        return problem(
            503,
            "Broker unavailable",
            str(error),
            type_="/problems/broker-unavailable",
            headers={"Retry-After": "5"},
            job_id=error.job_id,
        )
    if isinstance(error, ConcurrencyExhausted):
        return problem(503, "Busy", str(error), type_="/problems/concurrency", headers={"Retry-After": "1"})
    if isinstance(error, (UnknownMember, UnknownClaim, UnknownEdition)):
        return problem(404, "Not found", str(error), type_=f"/problems/{error.code}")
    if isinstance(error, ReplayError):
        return problem(404 if "no replay job" in str(error) else 422, "Replay", str(error), type_="/problems/replay")
    if isinstance(error, DateOutOfRange):
        return problem(422, "Date out of range", str(error), type_="/problems/date-out-of-range")
    if isinstance(error, MemberUnfoldable):
        return problem(422, "Member isolated", str(error), type_="/problems/member-unfoldable")
    if isinstance(error, NoRuleSet):
        return problem(422, "No rule set", str(error), type_="/problems/no-rule-set")
    assert isinstance(error, LedgerError)
    return problem(400, "Rejected", str(error), type_=f"/problems/{error.code}")


def _request_validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = []
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ())]
        errors.append(
            {
                "field": ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc),
                "in": loc[0] if loc else "",
                "reason": item.get("msg", ""),
            }
        )
    first = errors[0] if errors else {"field": "", "reason": "invalid"}
    return problem(
        422, "Invalid request", f"{first['field']}: {first['reason']}", type_="/problems/invalid-request", errors=errors
    )


def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return problem(error.status_code, str(error.detail), str(error.detail), headers=getattr(error, "headers", None))


def _store_unavailable(_: Request, error: Exception) -> JSONResponse:
    return problem(
        503,
        "Event store unavailable",
        f"the database did not answer ({type(error).__name__}); nothing was stored, retry later",
        type_="/problems/store-unavailable",
        headers={"Retry-After": "5"},
    )


def _data_error(_: Request, error: Exception) -> JSONResponse:
    """The database refused a value of the request (a character or a number it cannot hold): the request's
    fault, answered as such — never a 500, and without the database's own message."""
    return problem(
        422,
        "Value the database cannot take",
        f"a value of the request cannot be stored or compared by the database ({type(error).__name__}); "
        "nothing was stored",
        type_="/problems/unstorable-value",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(LedgerError, _ledger_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _store_unavailable)
    app.add_exception_handler(PersistenceError, _store_unavailable)
    app.add_exception_handler(SqlOperationalError, _store_unavailable)
    app.add_exception_handler(SqlInterfaceError, _store_unavailable)
    app.add_exception_handler(SqlDataError, _data_error)
