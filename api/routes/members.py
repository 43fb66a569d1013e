"""GET /v1/members/{member_id}/events — a member's history in effective-date order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.params import QueryDate
from api.schemas import HistoryEvent, MemberHistory, RetractionMark
from domain.entitlements.facts import Retraction, retraction_marks

router = APIRouter(tags=["members"])

#: Most events one history page returns.
HISTORY_PAGE_EVENTS_MAX = 10_000

MemberIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")]


@router.get(
    "/v1/members/{member_id}/events",
    response_model=MemberHistory,
    summary="A member's events",
    description=(
        "In effective-date order (ties by recorded time, then event_id), each with its recorded_at. An event "
        "taken back by an EventRetracted is still listed, marked `retracted` with the correction's event_id, "
        "recorded time, source and reason."
    ),
    responses={404: {"description": "No events recorded for this member"}},
)
async def member_events(
    request: Request,
    member_id: MemberIdPath,
    occurred_from: Annotated[
        QueryDate | None, Query(alias="from", description="Earliest occurred_on (inclusive).")
    ] = None,
    occurred_to: Annotated[QueryDate | None, Query(alias="to", description="Latest occurred_on (inclusive).")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=HISTORY_PAGE_EVENTS_MAX)] = 1000,
) -> MemberHistory:
    if occurred_from and occurred_to and occurred_to < occurred_from:
        raise HTTPException(422, f"to {occurred_to} is before from {occurred_from}")
    ledger = request.app.state.ledger
    if not await run_in_threadpool(ledger.member_exists, member_id):
        raise HTTPException(404, f"no events recorded for member {member_id}")
    everything = await run_in_threadpool(ledger.member_events, member_id)
    marks = retraction_marks(everything)
    events = [
        e
        for e in everything
        if (occurred_from is None or e.occurred_on >= occurred_from)
        and (occurred_to is None or e.occurred_on <= occurred_to)
    ]
    page = events[offset : offset + limit]
    return MemberHistory(
        member_id=member_id,
        total=len(events),
        events=[HistoryEvent(**event.as_json(), retracted=_mark(marks.get(str(event.event_id)))) for event in page],
    )


def _mark(retraction: Retraction | None) -> RetractionMark | None:
    if retraction is None:
        return None
    return RetractionMark(
        retracted_by=retraction.event_id,
        retracted_at=retraction.recorded_at,
        retracted_by_source=retraction.source,
        reason=retraction.reason,
    )
