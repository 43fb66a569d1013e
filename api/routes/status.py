"""GET /v1/members/{member_id}/status — entitlements on a date, bitemporal and explained."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.i18n import LanguageQuery, language_of, localise
from api.nhsa import ResponseFormat, categories_held, status_representation
from api.params import QueryDate, QueryDateTime
from api.routes.members import MemberIdPath
from api.schemas import StatusDocument
from projections.queries import find_edition, member_ledger, served_member_status

router = APIRouter(tags=["members"])

#: The business day of the ledger's users: as_of defaults to today in China.
BUSINESS_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def today_in_china() -> date:
    return datetime.now(BUSINESS_TIME_ZONE).date()


@router.get(
    "/v1/members/{member_id}/status",
    summary="A member's entitlements on a date",
    description=(
        "Coverage, waiting period, continuity, major-illness cap and cap balances on `as_of` (default: today in "
        "China), from the events the ledger had recorded by `known_at` (default: now). `edition` names a rule set "
        "or an edition hash to use for the member's region and scheme (what-if). Every figure is explained. "
        "The `Ledger-Source` header says where the member's events were read: `read-model` (the member history "
        "read model, when current) or `stream` (the event store); the document is the same either way. "
        "Explanation texts come in the language of `lang` or `Accept-Language` (zh or en, default en), each with "
        "its message `key` and `params`; in Chinese, status words and cap keys get a `label` beside them."
    ),
    responses={
        200: {"model": StatusDocument, "description": "The status document (or its `nhsa` 1101 form)"},
        404: {"description": "No events recorded for this member"},
    },
)
async def status(
    request: Request,
    response: Response,
    member_id: MemberIdPath,
    as_of: Annotated[QueryDate | None, Query(description="Effective date (YYYY-MM-DD).")] = None,
    known_at: Annotated[
        QueryDateTime | None, Query(description="Recorded-time horizon (ISO datetime with zone).")
    ] = None,
    edition: Annotated[str | None, Query(max_length=80, description="Rule-set name or edition hash.")] = None,
    response_format: Annotated[
        ResponseFormat, Query(alias="format", description="`nhsa`: the national platform's 1101 fields.")
    ] = ResponseFormat.LEDGER,
    envelope: Annotated[
        bool, Query(description="With `format=nhsa`: wrap in the platform's `{infcode, err_msg, output}` envelope.")
    ] = False,
    lang: LanguageQuery = None,
) -> dict[str, Any]:
    if known_at is not None and known_at.tzinfo is None:
        raise HTTPException(422, "known_at must carry a time zone, e.g. 2026-01-01T00:00:00Z")
    rulebook = request.app.state.rulebook
    chosen = find_edition(rulebook, edition) if edition else None
    document, source = await run_in_threadpool(
        served_member_status,
        request.app.state.ledger,
        request.app.state.read_engine,
        rulebook,
        member_id,
        as_of=as_of or today_in_china(),
        known_at=(known_at or datetime.now(UTC)).astimezone(UTC),
        edition=chosen,
    )
    response.headers["Ledger-Source"] = source
    language = language_of(request, lang)
    response.headers["Content-Language"] = language
    document = localise(document, language)
    if response_format is ResponseFormat.NHSA:
        on = date.fromisoformat(document["as_of"])
        folded = await run_in_threadpool(
            member_ledger,
            request.app.state.ledger,
            rulebook,
            member_id,
            as_of=on,
            known_at=datetime.fromisoformat(document["known_at"].replace("Z", "+00:00")),
            edition=chosen,
        )
        return status_representation(
            document, categories=categories_held(folded, on), age=folded.facts.age_on(on), envelope=envelope
        )
    return document
