"""POST /v1/claims — one ClaimSubmitted in, its settlement out, the decision recorded once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.nhsa import ResponseFormat, settlement_representation
from api.problems import PROBLEM_MEDIA_TYPE, MalformedJson
from api.routes.events import read_body_limited
from api.routes.status import today_in_china
from domain.contract import ClaimSubmitted
from projections.claims import submit_claim

router = APIRouter(tags=["claims"])

_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
CLAIM_SCHEMA: dict[str, Any] = TypeAdapter(ClaimSubmitted).json_schema(ref_template="#/components/schemas/{model}")


@router.post(
    "/v1/claims",
    summary="Submit and settle one claim",
    description=(
        "Appends one ClaimSubmitted event, settles it layer by layer under the rule edition in force on its date "
        "(one-stop settlement) and records the decision as a ClaimSettled event: per layer the fund payment, "
        "what the member pays, each layer's balance after, reasons and explanations with every parameter's "
        "reference. 201 when decided now; 200 with the recorded decision when the claim was decided before."
    ),
    status_code=201,
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": CLAIM_SCHEMA}}}},
    responses={
        200: {"description": "Already decided: the recorded decision"},
        409: _PROBLEM,
        413: _PROBLEM,
        422: _PROBLEM,
        400: _PROBLEM,
        503: _PROBLEM,
    },
)
async def post_claim(
    request: Request,
    response: Response,
    response_format: Annotated[
        ResponseFormat, Query(alias="format", description="`nhsa`: the national platform's 2207/2304 fields.")
    ] = ResponseFormat.LEDGER,
) -> dict[str, Any]:
    body = await read_body_limited(request, request.app.state.settings.request_body_bytes_max)
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedJson(f"the body is not valid JSON: {error}") from None
    document, decided_now = await run_in_threadpool(
        submit_claim,
        request.app.state.ledger,
        request.app.state.rulebook,
        raw,
        now=datetime.now(UTC),
        today=today_in_china(),
    )
    if not decided_now:
        response.status_code = 200
    if response_format is ResponseFormat.NHSA:
        return settlement_representation(request.app.state.rulebook, document, raw_claim=raw)
    return document
