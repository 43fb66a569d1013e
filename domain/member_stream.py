"""The member's stream: one event-sourced aggregate per insured person.

Every contract event about a member is recorded, as it arrived, in that member's stream
(:class:`MemberStream`); optimistic concurrency on the stream's version keeps two writers from
losing each other's events. A second, tiny aggregate per event_id (:class:`EventReceipt`)
makes the idempotency key global: its creation collides when an event_id was already used, for
any member, inside the same transaction that appends the event.

Both identities are deterministic (uuid5 of natural keys, style §8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.contract import CONTRACT_VERSION, AnyEvent, content_sha256, event_data_json

#: The contract type of a correction (``EventRetracted``): the stream keeps what it retracted.
RETRACTION_TYPE = "EventRetracted"

#: Namespaces of the ledger's deterministic identifiers (uuid5). Never change them: stored ids depend on them.
MEMBER_STREAM_NAMESPACE = UUID("0b7f7c1e-5d43-5c53-9f2b-6d1f3f0e9a01")
EVENT_RECEIPT_NAMESPACE = UUID("3c2a9d55-1f0e-5b7e-8a4c-2e9b6b1d7c02")


def member_stream_id(member_id: str) -> UUID:
    """The stream id of a member: uuid5 of the member_id."""
    return uuid5(MEMBER_STREAM_NAMESPACE, member_id)


def event_receipt_id(event_id: UUID) -> UUID:
    """The receipt id of an event_id: uuid5 of its canonical text."""
    return uuid5(EVENT_RECEIPT_NAMESPACE, str(event_id))


@dataclass(frozen=True)
class RecordedEvent:
    """A contract event as the ledger holds it: the envelope, its data and when it was recorded."""

    event_id: UUID
    member_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    source: str | None
    data: dict[str, Any]
    content_sha256: str
    contract_version: int
    stream_position: int

    def ordering_key(self) -> tuple[date, datetime, str]:
        """Effective date, then recorded time, then event_id: independent of arrival order."""
        return (self.occurred_on, self.recorded_at, str(self.event_id))

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": str(self.event_id),
            "member_id": self.member_id,
            "type": self.type,
            "occurred_on": self.occurred_on.isoformat(),
            "recorded_at": self.recorded_at.isoformat().replace("+00:00", "Z"),
            "source": self.source,
            "data": self.data,
        }


class MemberStream(Aggregate):
    """All contract events recorded for one member, with their content digests."""

    class Opened(Aggregate.Created):
        member_id: str

    class EventRecorded(Aggregate.Event):
        """A contract event was recorded in the member's stream (class_version 1 = contract v1)."""

        event_id: UUID
        event_type: str
        occurred_on: date
        recorded_at: datetime
        source: str | None
        data: dict[str, Any]
        content_sha256: str
        contract_version: int

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, MemberStream)
            aggregate.content_by_event_id[self.event_id] = self.content_sha256
            if self.event_type == RETRACTION_TYPE:
                aggregate.retraction_ids.add(self.event_id)
                aggregate.retracted_by[UUID(self.data["retracted_event_id"])] = self.event_id

    class ClaimSettled(Aggregate.Event):
        """The ledger's decision on a claim as it was made: edition, status, what each layer paid.

        Recorded once per claim_id, so a later replay under another edition can be compared with
        what was actually paid.
        """

        claim_id: str
        claim_event_id: UUID
        edition_name: str | None
        edition_hash: str | None
        status: str
        layers_fen: dict[str, int]
        fund_total_fen: int
        member_pays_fen: int
        reasons: list[str]
        decided_at: datetime
        document: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, MemberStream)
            aggregate.settled_claims[self.claim_id] = self.document
            aggregate.settled_claim_events[self.claim_id] = self.claim_event_id

    def __init__(self, member_id: str) -> None:
        self.member_id = member_id
        self.content_by_event_id: dict[UUID, str] = {}
        #: Retractions recorded in the stream, and each retracted event_id → the retraction's event_id.
        self.retraction_ids: set[UUID] = set()
        self.retracted_by: dict[UUID, UUID] = {}
        #: claim_id → the settlement document as decided (returned again on a re-post).
        self.settled_claims: dict[str, dict[str, Any]] = {}
        #: claim_id → the ClaimSubmitted event_id its recorded decision settled.
        self.settled_claim_events: dict[str, UUID] = {}

    def record_settlement(
        self,
        *,
        claim_id: str,
        claim_event_id: UUID,
        edition_name: str | None,
        edition_hash: str | None,
        status: str,
        layers_fen: dict[str, int],
        fund_total_fen: int,
        member_pays_fen: int,
        reasons: list[str],
        decided_at: datetime,
        document: dict[str, Any],
    ) -> None:
        """Record the decision on a claim; a claim is decided once, unless the submission decided was retracted."""
        assert not self.decided(claim_id), "a claim's decision is recorded once"
        assert fund_total_fen + member_pays_fen >= 0 and all(v >= 0 for v in layers_fen.values())
        self.trigger_event(
            self.ClaimSettled,
            claim_id=claim_id,
            claim_event_id=claim_event_id,
            edition_name=edition_name,
            edition_hash=edition_hash,
            status=status,
            layers_fen=dict(layers_fen),
            fund_total_fen=fund_total_fen,
            member_pays_fen=member_pays_fen,
            reasons=list(reasons),
            decided_at=decided_at,
            document=document,
        )

    def decided(self, claim_id: str) -> bool:
        """Whether the claim has a recorded decision that still stands: one whose submission was not retracted.

        A claim posted by mistake and retracted, then submitted again under a new event_id (a corrected
        fact), is decided again; the earlier ``ClaimSettled`` stays in the stream as history.
        """
        event_id = self.settled_claim_events.get(claim_id)
        return event_id is not None and event_id not in self.retracted_by

    @classmethod
    def open(cls, member_id: str) -> MemberStream:
        return cls._create(cls.Opened, id=member_stream_id(member_id), member_id=member_id)

    def record(self, event: AnyEvent, *, recorded_at: datetime) -> None:
        """Append a validated contract event; the caller has checked it is new to the ledger."""
        assert event.member_id == self.member_id, "an event belongs to its member's stream"
        assert event.event_id not in self.content_by_event_id, "idempotency is checked before recording"
        self.trigger_event(
            self.EventRecorded,
            event_id=event.event_id,
            event_type=event.type,  # type: ignore[attr-defined]
            occurred_on=event.occurred_on,
            recorded_at=recorded_at,
            source=event.source,
            data=event_data_json(event),
            content_sha256=content_sha256(event),
            contract_version=CONTRACT_VERSION,
        )


class EventReceipt(Aggregate):
    """Proof that an event_id is taken, by which member and for which content."""

    class Issued(Aggregate.Created):
        event_id: UUID
        member_id: str
        content_sha256: str

    def __init__(self, event_id: UUID, member_id: str, content_sha256: str) -> None:
        self.event_id = event_id
        self.member_id = member_id
        self.content_sha256 = content_sha256

    @classmethod
    def issue(cls, event: AnyEvent) -> EventReceipt:
        return cls._create(
            cls.Issued,
            id=event_receipt_id(event.event_id),
            event_id=event.event_id,
            member_id=event.member_id,
            content_sha256=content_sha256(event),
        )


def recorded_from_contract(event: AnyEvent, *, recorded_at: datetime, stream_position: int) -> RecordedEvent:
    """The read form of a contract event as if stored (the scenario runner works without a store)."""
    return RecordedEvent(
        event_id=event.event_id,
        member_id=event.member_id,
        type=event.type,  # type: ignore[attr-defined]
        occurred_on=event.occurred_on,
        recorded_at=recorded_at,
        source=event.source,
        data=event_data_json(event),
        content_sha256=content_sha256(event),
        contract_version=CONTRACT_VERSION,
        stream_position=stream_position,
    )


def recorded_event(stored: MemberStream.EventRecorded, *, member_id: str) -> RecordedEvent:
    """The read form of a stored stream event."""
    return RecordedEvent(
        event_id=stored.event_id,
        member_id=member_id,
        type=stored.event_type,
        occurred_on=stored.occurred_on,
        recorded_at=stored.recorded_at,
        source=stored.source,
        data=stored.data,
        content_sha256=stored.content_sha256,
        contract_version=stored.contract_version,
        stream_position=stored.originator_version,
    )


def effective_order(events: list[RecordedEvent]) -> list[RecordedEvent]:
    """A member's events in effective-date order, ties by recorded time then event_id."""
    return sorted(events, key=RecordedEvent.ordering_key)
