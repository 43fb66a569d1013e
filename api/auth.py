"""Who is calling: API keys, roles and regions, and the write audit trail.

Roles (``admin`` may do everything):

* ``integration`` — post events and claims, only for members of its regions (when it has any);
* ``service`` — read member status and history;
* ``auditor`` — read everything, run replays and audits, read the write audit trail;
* ``admin`` — manage keys (and everything else).

A key is sent as ``Authorization: Bearer <key>``, as ``X-API-Key: <key>``, or (for the web console)
in the ``ledger_api_key`` cookie. No key or an unknown/revoked one is a 401; a key whose role or
region does not allow the request is a 403; both say why in problem+json.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from api.observability import current_request_id
from domain.errors import LedgerError
from projections.access import ROLES, KeyRecord, create_key, record_write, verify_key

__all__ = ["ROLES", "Forbidden", "Principal", "Unauthenticated", "audit_write", "create_key", "require"]

logger = logging.getLogger("ledger.audit")

#: Cookie the web console keeps the key in.
KEY_COOKIE = "ledger_api_key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Unauthenticated(LedgerError):
    code = "unauthenticated"


class Forbidden(LedgerError):
    code = "forbidden"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    key_id: str
    role: str
    #: Regions an integration key may write for; None = every region.
    regions: frozenset[str] | None

    @classmethod
    def of(cls, record: KeyRecord) -> Principal:
        return cls(key_id=record.key_id, role=record.role, regions=record.regions)

    def may_write_for(self, region: str | None) -> bool:
        return self.regions is None or region in self.regions


def presented_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return request.headers.get("x-api-key") or request.cookies.get(KEY_COOKIE) or None


def client_of(request: Request) -> str | None:
    return f"{request.client.host}:{request.client.port}" if request.client else None


def authenticate(request: Request) -> Principal:
    """The caller's principal (cached on the request), or 401."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    key = presented_key(request)
    if key is None:
        raise Unauthenticated("no API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
    record = verify_key(request.app.state.read_engine, key)
    if record is None:
        raise Unauthenticated("the API key is not valid (unknown, malformed or revoked)")
    principal = Principal.of(record)
    request.state.principal = principal
    return principal


def require(*roles: str) -> Callable[[Request], Principal]:
    """A dependency admitting keys of ``roles`` (and admin); others get 403 naming what is needed."""
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    allowed = frozenset(roles) | {"admin"}
    needed = " or ".join(role for role in ROLES if role in allowed)

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if principal.role not in allowed:
            if request.method in WRITE_METHODS:
                _record_refusal(request, principal, f"forbidden: role {principal.role}")
            raise Forbidden(f"key {principal.key_id} has role {principal.role}; {request.url.path} needs {needed}")
        return principal

    dependency.__name__ = f"require_{'_'.join(sorted(allowed))}"
    return dependency


def check_regions(request: Request, principal: Principal, pairs: list[tuple[str, str | None]]) -> None:
    """403 (audited) when a key limited to regions writes for a member outside them."""
    if principal.regions is None:
        return
    outside = [(member, region) for member, region in pairs if not principal.may_write_for(region)]
    if not outside:
        return
    allowed = ", ".join(sorted(principal.regions))
    members = sorted({m for m, _ in outside})
    _record_refusal(request, principal, "forbidden: region", members=members)
    # The same answer whether a member is unknown or registered elsewhere: a key learns nothing of who is insured where.
    raise Forbidden(
        f"key {principal.key_id} may write only for members registered in its regions ({allowed}); "
        "this request writes for a member that is not, or in another region"
    )


def _record_refusal(request: Request, principal: Principal, outcome: str, **subjects: Any) -> None:
    _record(request, principal, outcome, subjects)


def _record(
    request: Request, principal: Principal, outcome: str, subjects: dict[str, Any], body: bytes | None = None
) -> None:
    """One write-audit row for this request; a failure to write it is logged, never raised over the answer."""
    try:
        record_write(
            request.app.state.read_engine,
            key_id=principal.key_id,
            role=principal.role,
            client=client_of(request),
            action=f"{request.method} {request.url.path}",
            outcome=outcome,
            subjects={**subjects, "request_id": current_request_id.get() or None},
            body_sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
        )
    except Exception as error:  # the database failed after (or during) the write: say so, never mask
        logger.error(
            "write audit row not recorded (%s): %s %s by key %s, outcome %s",
            type(error).__name__,
            request.method,
            request.url.path,
            principal.key_id,
            outcome,
        )


@asynccontextmanager
async def audit_write(
    request: Request, principal: Principal, *, body: bytes | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Record the write the block performs: the block fills in the subjects (event ids, claim id, …).

    The row is written after the block, with the outcome: ``ok`` (or the block's ``outcome``
    subject), ``refused: <code>`` for a LedgerError, ``failed: <error type>`` otherwise. A 403 for a
    region was recorded when it was decided (:func:`check_regions`), so it is not recorded twice.
    """
    subjects: dict[str, Any] = {}
    outcome: str | None = "ok"
    try:
        yield subjects
        outcome = str(subjects.pop("outcome", "ok"))
    except Forbidden:
        outcome = None
        raise
    except LedgerError as error:
        outcome = f"refused: {error.code}"
        raise
    except Exception as error:
        outcome = f"failed: {type(error).__name__}"
        raise
    finally:
        if outcome is not None:
            await run_in_threadpool(_record, request, principal, outcome, subjects, body)


def regions_of(values: Iterable[str] | None) -> list[str] | None:
    """Regions from a CLI/API list (comma-separated items allowed)."""
    if values is None:
        return None
    return [part for value in values for part in value.split(",") if part.strip()]
