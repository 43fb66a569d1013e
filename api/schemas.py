"""Public response schemas of the HTTP API (requests are the domain's contract models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class EventOutcome(BaseModel):
    event_id: str
    status: Literal["stored", "duplicate"]


class BatchStored(BaseModel):
    stored: int = Field(description="Events stored by this request.")
    duplicate: int = Field(description="Events whose event_id was already stored with the same content.")
    results: list[EventOutcome] = Field(description="One entry per event, in the request's order.")


class RetractionMark(BaseModel):
    """Who retracted an event (the correction's ``source``), when (its recorded time) and why."""

    retracted_by: str = Field(description="event_id of the EventRetracted.")
    retracted_at: datetime
    retracted_by_source: str | None
    reason: str


class HistoryEvent(BaseModel):
    event_id: str
    member_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    source: str | None
    data: dict[str, Any]
    retracted: RetractionMark | None = Field(
        default=None, description="Set when a later EventRetracted took this event back: the fold ignores it since."
    )


class MemberHistory(BaseModel):
    member_id: str
    total: int = Field(description="Events matching the filters (before paging).")
    events: list[HistoryEvent]


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    event_store: str
    #: "ok", "unavailable: <error>" or "not configured" (the embedded default runs workers in-process).
    redis: str = "not configured"
    max_notification_id: int | None = None
    #: Members the live projection isolated because their fold fails (see ``ledger project --failures``).
    isolated_members: int = 0
