"""POST /v1/claims — one ClaimSubmitted in, its settlement out, the decision recorded once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.auth import audit_write, authenticate, check_regions
from api.examples import CLAIM_EXAMPLES
from api.i18n import LanguageQuery, language_of, localise
from api.nhsa import ResponseFormat, account_share, settlement_representation
from api.nhsa.mapping import AccountShare
from api.problems import PROBLEM_MEDIA_TYPE
from api.routes.events import parse_json, read_body_limited
from api.routes.status import today_in_china
from api.schemas import SettlementDocument
from domain.contract import ClaimSubmitted, parse_event
from domain.identity import pseudonymise_payload
from projections.access import write_regions
from projections.claims import submit_claim
from projections.queries import member_ledger

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
        "reference. 201 when decided now; 200 with the recorded decision when the claim was decided before. "
        "Explanation texts come in the language of `lang` or `Accept-Language` (zh or en, default en)."
    ),
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CLAIM_SCHEMA, "examples": CLAIM_EXAMPLES}},
        }
    },
    responses={
        201: {"model": SettlementDocument, "description": "Decided now: the settlement (or its `nhsa` form)"},
        200: {"model": SettlementDocument, "description": "Already decided: the recorded decision"},
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
    envelope: Annotated[
        bool, Query(description="With `format=nhsa`: wrap in the platform's `{infcode, err_msg, output}` envelope.")
    ] = False,
    lang: LanguageQuery = None,
) -> dict[str, Any]:
    principal = authenticate(request)
    body = await read_body_limited(request, request.app.state.settings.request_body_bytes_max)
    async with audit_write(request, principal, body=body) as subjects:
        raw = pseudonymise_payload(parse_json(body), request.app.state.pseudonym_key)
        if principal.regions is not None:
            claim = parse_event(raw)
            subjects["event_ids"] = [str(claim.event_id)]
            check_regions(request, principal, await run_in_threadpool(write_regions, request.app.state.ledger, [claim]))
        document, decided_now = await run_in_threadpool(
            submit_claim,
            request.app.state.ledger,
            request.app.state.rulebook,
            raw,
            now=datetime.now(UTC),
            today=today_in_china(),
        )
        subjects.update(claim_id=document.get("claim_id"), decided_now=decided_now)
    if decided_now:
        request.app.state.metrics.claims_settled.labels(str(document.get("status"))).inc()
    else:
        response.status_code = 200
    language = language_of(request, lang)
    response.headers["Content-Language"] = language
    document = localise(document, language)
    if response_format is ResponseFormat.NHSA:
        account = await run_in_threadpool(_account_share, request, document)
        return settlement_representation(
            request.app.state.rulebook, document, raw_claim=raw, account=account, envelope=envelope
        )
    return document


def _account_share(request: Request, document: dict[str, Any]) -> AccountShare | None:
    """The personal account's payments towards this claim so far, from the member's events folded now."""
    store, member_id = request.app.state.ledger, document["member_id"]
    events = store.member_events(member_id)
    ledger = member_ledger(
        store, request.app.state.rulebook, member_id, as_of=today_in_china(), known_at=datetime.now(UTC)
    )
    return account_share(ledger, events, document["claim_id"])
