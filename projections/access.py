"""API keys and the write audit trail, in the read-model database.

A key is ``lk_<key_id>_<secret>``. Only the SHA-256 of the secret is stored (the secret is 256
random bits, so a fast hash is the right one); the whole key is shown once, when created.
Every write through the API or the CLI leaves a ``write_audit`` row: who, when, from where,
what, and the outcome.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from eventsourcing.utils import retry
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.contract import Region, registration_region
from domain.errors import FieldProblem, LedgerError
from domain.member_stream import recorded_from_contract
from projections.readmodel import ApiKey, WriteAudit

#: Regions a key may be limited to (the contract's regions).
REGIONS = frozenset(region.value for region in Region)
#: The roles, from narrowest to widest. ``admin`` may do everything.
ROLES = ("integration", "service", "auditor", "admin")
KEY_PREFIX = "lk_"
#: The key id of the admin key the first start creates.
BOOTSTRAP_KEY_ID = "bootstrap"
#: Random bytes in a key's secret.
SECRET_BYTES = 32
#: Attempts of a read of member streams for a region decision (as eventsourcing's own reads).
STREAM_READ_ATTEMPTS = 10


class KeyProblem(LedgerError):
    code = "invalid_key_request"


class UnknownKey(LedgerError):
    code = "unknown_key"


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    role: str
    regions: frozenset[str] | None
    label: str | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "role": self.role,
            "regions": sorted(self.regions) if self.regions is not None else None,
            "label": self.label,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "created_by": self.created_by,
            "revoked_at": self.revoked_at.astimezone(UTC).isoformat() if self.revoked_at else None,
        }


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    key_id, separator, secret = key[len(KEY_PREFIX) :].partition("_")
    if not separator or not key_id or not secret or len(key_id) > 32:
        return None
    return key_id, secret


def _record(row: ApiKey) -> KeyRecord:
    return KeyRecord(
        key_id=row.key_id,
        role=row.role,
        regions=frozenset(row.regions.split(",")) if row.regions else None,
        label=row.label,
        created_at=_utc(row.created_at),
        created_by=row.created_by,
        revoked_at=_utc(row.revoked_at) if row.revoked_at else None,
    )


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _checked(role: str, regions: Iterable[str] | None) -> tuple[str, str | None]:
    if role not in ROLES:
        raise KeyProblem(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if regions is None:
        return role, None
    chosen = sorted({r.strip() for r in regions if r.strip()})
    unknown = [r for r in chosen if r not in REGIONS]
    if unknown:
        raise KeyProblem(f"regions: {', '.join(unknown)} unknown; regions are {', '.join(sorted(REGIONS))}")
    if not chosen:
        return role, None
    if role != "integration":
        raise KeyProblem(f"regions: only integration keys are limited to regions, not {role} keys")
    return role, ",".join(chosen)


def create_key(
    engine: Engine,
    *,
    role: str,
    regions: Iterable[str] | None = None,
    label: str | None = None,
    created_by: str = "cli",
    key_id: str | None = None,
    now: datetime | None = None,
) -> tuple[str, str]:
    """Store a new key's hash; returns (key_id, the whole key) — the only time the key is seen."""
    role, region_text = _checked(role, regions)
    key_id = key_id or secrets.token_hex(6)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with engine.begin() as connection:
        connection.execute(
            insert(ApiKey).values(
                key_id=key_id,
                secret_sha256=secret_digest(secret),
                role=role,
                regions=region_text,
                label=label,
                created_at=now or datetime.now(UTC),
                created_by=created_by,
                revoked_at=None,
            )
        )
    return key_id, f"{KEY_PREFIX}{key_id}_{secret}"


def bootstrap_admin_key(engine: Engine) -> str | None:
    """On a ledger without any key, create the first admin key and return it (once, ever)."""
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(ApiKey)).scalar_one():
            return None
    try:
        _, key = create_key(
            engine, role="admin", label="created by the first start", created_by="bootstrap", key_id=BOOTSTRAP_KEY_ID
        )
    except IntegrityError:  # another process's first start won the race
        return None
    return key


def verify_key(engine: Engine, key: str) -> KeyRecord | None:
    """The key's record when the key is well formed, known, not revoked and its secret matches."""
    parts = split_key(key)
    if parts is None:
        return None
    key_id, secret = parts
    with Session(engine) as session:
        row = session.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.secret_sha256, secret_digest(secret)):
            return None
        return _record(row)


def revoke_key(engine: Engine, key_id: str, *, now: datetime | None = None) -> KeyRecord:
    """Revoke a key (idempotent: revoking twice keeps the first time)."""
    with engine.begin() as connection:
        connection.execute(
            update(ApiKey)
            .where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now or datetime.now(UTC))
        )
    with Session(engine) as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            raise UnknownKey(f"no key {key_id!r}")
        return _record(row)


def list_keys(engine: Engine) -> list[KeyRecord]:
    with Session(engine) as session:
        rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.key_id)).all()
        return [_record(row) for row in rows]


def record_write(
    engine: Engine,
    *,
    key_id: str,
    role: str,
    client: str | None,
    action: str,
    outcome: str,
    subjects: dict[str, Any],
    body_sha256: str | None = None,
    now: datetime | None = None,
) -> None:
    """Append one row to the write audit trail."""
    with engine.begin() as connection:
        connection.execute(
            insert(WriteAudit).values(
                recorded_at=now or datetime.now(UTC),
                key_id=key_id,
                role=role,
                client=client[:100] if client else None,
                action=action[:100],
                outcome=outcome[:100],
                body_sha256=body_sha256,
                subjects_json=json.dumps(subjects, sort_keys=True, ensure_ascii=False),
            )
        )


def write_trail(
    engine: Engine, *, after_id: int = 0, limit: int = 100, key_id: str | None = None
) -> list[dict[str, Any]]:
    """Audit rows after ``after_id`` (oldest first), optionally for one key."""
    query = select(WriteAudit).where(WriteAudit.audit_id > after_id)
    if key_id is not None:
        query = query.where(WriteAudit.key_id == key_id)
    with Session(engine) as session:
        rows = session.scalars(query.order_by(WriteAudit.audit_id).limit(limit)).all()
        return [
            {
                "audit_id": row.audit_id,
                "recorded_at": _utc(row.recorded_at).isoformat(),
                "key_id": row.key_id,
                "role": row.role,
                "client": row.client,
                "action": row.action,
                "outcome": row.outcome,
                "body_sha256": row.body_sha256,
                "subjects": json.loads(row.subjects_json),
            }
            for row in rows
        ]


def member_region(events: Iterable[Any], on: date | None = None) -> str | None:
    """A member's region on ``on`` (None: now) from the member's events (stored, or a batch's as recorded).

    The one place a member's region is decided for access: their registration's (:func:`registered_region`;
    a later registration cannot change it, see :func:`registration_conflicts`), then the destination of each
    move (``MemberTransferred``) from its transfer date on. Retracted events (``EventRetracted``) do not count.
    """
    live = _unretracted(events)
    region = registered_region(live)
    moves = sorted((e for e in live if e.type == "MemberTransferred"), key=lambda e: (e.occurred_on, str(e.event_id)))
    for move in moves:
        if on is None or move.occurred_on <= on:
            region = str(move.data["to_region"])
    return region


def registered_region(events: Iterable[Any]) -> str | None:
    """The region of the member's first registration (retracted registrations do not count)."""
    registrations = sorted(
        (event for event in _unretracted(events) if event.type == "MemberRegistered"),
        key=lambda event: event.stream_position,
    )
    return str(registrations[0].data["region"]) if registrations else None


def _unretracted(events: Iterable[Any]) -> list[Any]:
    history = list(events)
    retracted = {e.data["retracted_event_id"] for e in history if e.type == "EventRetracted"}
    return [e for e in history if str(e.event_id) not in retracted] if retracted else history


@retry((StoreInterfaceError, StoreOperationalError, OSError), max_attempts=STREAM_READ_ATTEMPTS, wait=0.2)
def _stream_snapshots(ledger: Any, members: list[str]) -> Any:
    """The members' streams, retried as eventsourcing retries its own reads (a pooled connection may have
    died with a database restart); a database that stays down still raises, and is answered 503."""
    return ledger.stream_snapshots(members)


def stored_regions(ledger: Any, members: Sequence[str]) -> dict[str, str | None]:
    """Each member's region as their stored registration gives it (None: no registration stored)."""
    snapshots = _stream_snapshots(ledger, list(members)) if members else {}
    return {m: registered_region(snapshots.get(m, (0, []))[1]) for m in members}


def batch_member_regions(ledger: Any, events: Sequence[Any]) -> dict[str, str | None]:
    """Each member of a batch's registered region: the stored registration's, else the batch's first registration's."""
    regions = stored_regions(ledger, sorted({event.member_id for event in events}))
    for event in events:
        if regions[event.member_id] is None and event.type == "MemberRegistered":
            regions[event.member_id] = registration_region(event)
    return regions


def write_regions(ledger: Any, events: Iterable[Any]) -> list[tuple[str, str | None]]:
    """(member_id, region) pairs a batch writes for: the member's region on each event's date, and each event's own.

    The member's region (:func:`member_region`) comes from their stored events and this batch: the
    registration's, then a move's destination from its transfer date on — so a move is written for its
    destination, and after it the origin's keys may no longer write the member's later events. An event
    naming a region (a registration, a contribution, a retirement) also writes for that region. A member
    with no registration anywhere has no region (None): a key limited to regions may not write for them.
    """
    batch = list(events)
    members = sorted({event.member_id for event in batch})
    snapshots = _stream_snapshots(ledger, members) if members else {}
    now = datetime.now(UTC)
    histories: dict[str, list[Any]] = {m: list(snapshots.get(m, (0, []))[1]) for m in members}
    versions: dict[str, int] = {m: snapshots.get(m, (0, []))[0] for m in members}
    for position, event in enumerate(batch, start=1):
        # After every stored event (positions are stream versions, the stream's opening included), in batch order.
        histories[event.member_id].append(
            recorded_from_contract(event, recorded_at=now, stream_position=versions[event.member_id] + position)
        )
    # One lookup per member and date, and one per member that never moved (its region has no date).
    moved = {member for member, history in histories.items() if any(e.type == "MemberTransferred" for e in history)}
    regions: dict[tuple[str, date | None], str | None] = {}
    pairs: set[tuple[str, str | None]] = set()
    for event in batch:
        key = (event.member_id, event.occurred_on if event.member_id in moved else None)
        if key not in regions:
            regions[key] = member_region(histories[event.member_id], on=key[1])
        pairs.add((event.member_id, regions[key]))
        own = registration_region(event)
        if own is not None:
            pairs.add((event.member_id, own))
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] or ""))


def registration_conflicts(ledger: Any, events: Sequence[Any], *, index_offset: int = 0) -> list[FieldProblem]:
    """Registrations that would put a registered member into another region: refused, whoever writes."""
    registrations = [(i, e) for i, e in enumerate(events) if e.type == "MemberRegistered"]
    if not registrations:
        return []
    regions = batch_member_regions(ledger, [event for _, event in registrations])
    problems = []
    for index, event in registrations:
        region = registration_region(event)
        if regions[event.member_id] is not None and region != regions[event.member_id]:
            problems.append(
                FieldProblem(
                    index=index_offset + index,
                    event_id=str(event.event_id),
                    field="data.region",
                    reason="the member is registered in another region: a registration does not move a member",
                )
            )
    return problems
