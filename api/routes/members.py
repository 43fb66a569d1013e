"""GET /v1/members — the member list (id prefix, name prefix, region, scheme, coverage), and
GET /v1/members/{member_id}/events — a member's history in effective-date order."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.params import QueryDate
from api.schemas import HistoryEvent, MemberHistory, RetractionMark
from domain.contract import Region, Scheme
from domain.entitlements.facts import Retraction, retraction_marks
from projections.member_list import MEMBERS_PER_PAGE, PREFIX_CHARACTERS_MAX, list_members

router = APIRouter(tags=["members"])

#: Most events one history page returns.
HISTORY_PAGE_EVENTS_MAX = 10_000

MemberIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")]
#: Longest name prefix a search takes.
NAME_SEARCH_CHARACTERS_MAX = 64


class MemberListRow(BaseModel):
    member_id: str
    name: str | None = Field(description="The name of the member's registration (姓名), null when none was given.")
    region: str | None
    scheme: str | None
    covered: bool = Field(description="Covered on `as_of` (the coverage read model).")
    event_count: int
    last_occurred_on: date | None


class MemberList(BaseModel):
    as_of: date
    total: int
    page: int
    pages: int
    per_page: int
    members: list[MemberListRow]


@router.get(
    "/v1/members",
    response_model=MemberList,
    summary="The member list",
    description=(
        f"Members in id order, {MEMBERS_PER_PAGE} a page, from the read model (as current as the projection): "
        "`prefix` matches the start of the member id, `name` the start of the name (case, width and spaces "
        "ignored: 张 finds 张三, `li w` finds Li Wei). Names are personal data: this route answers the "
        "member-reading roles only (service, auditor, admin), as the member's status does."
    ),
)
async def member_list(
    request: Request,
    prefix: Annotated[str, Query(max_length=PREFIX_CHARACTERS_MAX, description="Member id prefix.")] = "",
    name: Annotated[str, Query(max_length=NAME_SEARCH_CHARACTERS_MAX, description="Name prefix.")] = "",
    region: Annotated[Region | None, Query()] = None,
    scheme: Annotated[Scheme | None, Query()] = None,
    status: Annotated[Literal["covered", "not_covered"] | None, Query()] = None,
    as_of: Annotated[
        QueryDate | None, Query(description="The day coverage is read for (default today, China).")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> MemberList:
    from api.routes.status import today_in_china

    day = as_of or today_in_china()
    listed = await run_in_threadpool(
        list_members,
        request.app.state.read_engine,
        on=day,
        prefix=prefix.strip(),
        name=name.strip(),
        region=region.value if region else None,
        scheme=scheme.value if scheme else None,
        coverage=status,
        page=page,
    )
    return MemberList(
        as_of=day,
        total=listed.total,
        page=listed.page,
        pages=listed.pages,
        per_page=MEMBERS_PER_PAGE,
        members=[
            MemberListRow(
                member_id=row.member_id,
                name=row.name,
                region=row.region,
                scheme=row.scheme,
                covered=row.covered,
                event_count=row.event_count,
                last_occurred_on=row.last_occurred_on,
            )
            for row in listed.rows
        ],
    )


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
