"""The outbox: side effects the entitlements projection decides on, dispatched by id, performed once.

* **Decided in the projection's transaction.** When the projection refolds a member it derives the
  member's effects from the fold (:func:`member_effects`) and inserts the ones not yet in the
  ``outbox`` table, in the same transaction as the member's rows and the tracking position: an
  effect exists exactly when the rows that justify it do.
* **Deterministic ids.** An effect's id is the uuid5 of its kind, member, subject and outcome, so a
  rebuild of the read model from zero (or a member refolded again) finds its effects already there
  and decides nothing twice. The same outcome reached again later (a claim reversed, then
  resubmitted to the same figures) is therefore not announced twice either.
* **Dispatched by id.** :func:`dispatch_pending` sends each undispatched row's id (the message
  carries nothing else) and marks the row dispatched. A crash between the two sends the id again;
  the actor is idempotent, so that is harmless.
* **Performed once.** :func:`deliver` writes the effect — a notice to the member (``member_notice``,
  keyed by the outbox id) — and marks the row delivered, in one transaction; a second delivery of
  the same id finds the notice and changes nothing.

Effects (``kind``):

``claim_decided``
    a claim was settled, rejected or reversed (subject: the claim id; outcome: status and amounts).
``cap_exhausted``
    a settled claim used up the yearly cap of a layer (subject: ``layer:year``).
``event_retracted``
    an event of the member was retracted (subject: the retracted event_id; payload: its type and the
    reason). A claim whose decision the correction changed gets a new ``claim_decided`` besides, since
    its outcome differs; a retracted claim has no decision any more.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy import Connection, Engine, insert, select, update

from domain.entitlements.fold import MemberLedger
from domain.money import format_yuan
from projections.readmodel import MemberNotice, Outbox

#: Namespace of outbox ids (uuid5). Never change it: a rebuild relies on finding the same ids.
OUTBOX_NAMESPACE = UUID("6f0d3b4e-8a51-5c2e-b7d9-4e1a2c3f5b03")
#: Outbox rows dispatched per call of :func:`dispatch_pending` (the runner calls it every cycle; within
#: SQLite's 999 bound parameters of old versions, as the ids are marked in one statement).
DISPATCH_BATCH_ROWS_MAX = 500


@dataclass(frozen=True)
class Effect:
    """A side effect decided from a member's fold: what happened, to whom, with the figures."""

    kind: str
    member_id: str
    subject: str
    payload: dict[str, Any]

    @property
    def outbox_id(self) -> str:
        outcome = json.dumps(self.payload, sort_keys=True, separators=(",", ":"))
        return str(uuid5(OUTBOX_NAMESPACE, f"{self.kind}\x1f{self.member_id}\x1f{self.subject}\x1f{outcome}"))


def member_effects(ledger: MemberLedger) -> list[Effect]:
    """Every effect the member's fold justifies: each claim's decision, each layer-year cap used up."""
    member_id = ledger.facts.member_id
    effects: list[Effect] = []
    exhausted: dict[tuple[str, int], tuple[int, int]] = {}
    for claim_id, settlement in sorted(ledger.settlements.items()):
        effects.append(
            Effect(
                kind="claim_decided",
                member_id=member_id,
                subject=claim_id,
                payload={
                    "claim_id": claim_id,
                    "status": settlement.status,
                    "year": settlement.year,
                    "total_fen": settlement.total_fen,
                    "fund_total_fen": settlement.fund_total_fen,
                    "member_pays_fen": settlement.member_pays_fen,
                    "reason": settlement.reasons[0] if settlement.reasons else None,
                },
            )
        )
        for layer, (cap_fen, used_fen) in settlement.balances_after.items():
            if cap_fen is not None and cap_fen > 0 and used_fen >= cap_fen:
                exhausted.setdefault((layer, settlement.year), (cap_fen, used_fen))
    for retraction in ledger.facts.retractions:
        effects.append(
            Effect(
                kind="event_retracted",
                member_id=member_id,
                subject=retraction.retracted_event_id,
                payload={
                    "event_id": retraction.retracted_event_id,
                    "type": retraction.retracted_type,
                    "retracted_by": retraction.event_id,
                    "reason": retraction.reason,
                },
            )
        )
    for (layer, year), (cap_fen, _used_fen) in sorted(exhausted.items()):
        effects.append(
            Effect(
                kind="cap_exhausted",
                member_id=member_id,
                subject=f"{layer}:{year}",
                payload={"layer": layer, "year": year, "cap_fen": cap_fen},
            )
        )
    return effects


def record_effects(connection: Connection, effects: Iterable[Effect], *, member_id: str, notification_id: int) -> int:
    """Insert the member's effects not yet in the outbox (inside the projection's transaction); returns how many."""
    known = set(connection.execute(select(Outbox.outbox_id).where(Outbox.member_id == member_id)).scalars())
    now = datetime.now(UTC)
    fresh = [
        {
            "outbox_id": effect.outbox_id,
            "kind": effect.kind,
            "member_id": effect.member_id,
            "subject": effect.subject,
            "payload_json": json.dumps(effect.payload, sort_keys=True, ensure_ascii=False),
            "notification_id": notification_id,
            "created_at": now,
            "dispatched_at": None,
            "delivered_at": None,
        }
        for effect in effects
        if effect.outbox_id not in known
    ]
    unique = list({row["outbox_id"]: row for row in fresh}.values())
    if unique:
        connection.execute(insert(Outbox), unique)
    return len(unique)


def dispatch_pending(engine: Engine, send: Callable[[str], object], *, limit: int = DISPATCH_BATCH_ROWS_MAX) -> int:
    """Send the ids of undispatched outbox rows (oldest first) and mark them dispatched; returns how many."""
    with engine.connect() as connection:
        ids = list(
            connection.execute(
                select(Outbox.outbox_id)
                .where(Outbox.dispatched_at.is_(None))
                .order_by(Outbox.notification_id, Outbox.outbox_id)
                .limit(limit)
            ).scalars()
        )
    for outbox_id in ids:
        send(outbox_id)
    if ids:  # a crash before this line sends the ids again next time: the actor is idempotent
        with engine.begin() as connection:
            connection.execute(
                update(Outbox)
                .where(Outbox.outbox_id.in_(ids), Outbox.dispatched_at.is_(None))
                .values(dispatched_at=datetime.now(UTC))
            )
    return len(ids)


def notice_text(kind: str, payload: dict[str, Any]) -> str:
    """The member's notice for an effect (amounts as two-decimal yuan)."""
    if kind == "claim_decided":
        claim, status = payload["claim_id"], payload["status"]
        if status == "settled":
            return (
                f"claim {claim} settled: the funds pay {format_yuan(payload['fund_total_fen'])} yuan, "
                f"the member pays {format_yuan(payload['member_pays_fen'])} yuan"
            )
        return f"claim {claim} {status}: {payload['reason'] or 'no reason recorded'}"
    if kind == "cap_exhausted":
        return f"the {payload['layer']} cap of {format_yuan(payload['cap_fen'])} yuan for {payload['year']} is used up"
    if kind == "event_retracted":
        return f"a {payload['type'] or 'recorded'} event was retracted: {payload['reason']}"
    raise ValueError(f"unknown outbox kind {kind!r}")


def deliver(engine: Engine, outbox_id: str) -> bool:
    """Perform an outbox row's effect once: write the member's notice and mark the row delivered.

    Returns True when this call delivered it, False when it had been delivered before. An unknown
    id raises (the row is written before its id is ever sent, so that is a fault, not a race).
    """
    with engine.begin() as connection:
        row = connection.execute(select(Outbox).where(Outbox.outbox_id == outbox_id)).mappings().first()
        if row is None:
            raise LookupError(f"no outbox row {outbox_id}")
        if row["delivered_at"] is not None:
            return False
        now = datetime.now(UTC)
        inserted = _insert_notice(
            connection,
            {
                "outbox_id": outbox_id,
                "member_id": row["member_id"],
                "kind": row["kind"],
                "text": notice_text(row["kind"], json.loads(row["payload_json"])),
                "delivered_at": now,
            },
        )
        connection.execute(
            update(Outbox).where(Outbox.outbox_id == outbox_id, Outbox.delivered_at.is_(None)).values(delivered_at=now)
        )
    return inserted


def _insert_notice(connection: Connection, values: dict[str, Any]) -> bool:
    """Insert the notice unless one exists for the outbox id (two concurrent deliveries write one notice)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(MemberNotice.__table__).values(**values).on_conflict_do_nothing()
    return bool(connection.execute(statement).rowcount)
