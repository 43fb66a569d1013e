"""FHIR R4 endpoints: metadata, Coverage, CoverageEligibilityRequest/$evaluate, CoverageEligibilityResponse, EOB.

Thin: parse, call the read-side use case (the one fold through ``projections.queries``), hand the
results to the builders in ``api/fhir``, answer ``application/fhir+json``. Errors are made as RFC
9457 problem+json like the rest of the API and written as OperationOutcome by ``api.fhir.outcome``
in front of these routes. docs/fhir.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.reference import Reference
from pydantic import ValidationError

from api.fhir.capability import capability_statement
from api.fhir.common import FHIR_MEDIA_TYPE, MEMBER_SYSTEM, fhir_json, resource_id
from api.fhir.coverage import coverage_id_on, coverage_resources, searchset
from api.fhir.eligibility import eligibility_response
from api.fhir.eob import explanation_of_benefit
from api.fhir.resolve import ServedIds, claim_of, coverage_member
from api.i18n import API_DEFAULT_LANGUAGE, LanguageQuery, language_of, localise
from api.identity import member_key
from api.nhsa import CODE_TABLE, scheme_of
from api.params import QueryDate, QueryDateTime
from api.routes.events import parse_json, read_body_limited
from api.routes.status import today_in_china
from api.schemas import FHIR_RESOURCE_SCHEMA
from domain.entitlements.status import status_document
from projections.queries import UnknownClaim, UnknownMember, member_ledger
from projections.store import LedgerApplication

router = APIRouter(prefix="/fhir", tags=["fhir"])

#: A CoverageEligibilityRequest is small; a larger body is refused before parsing.
ELIGIBILITY_REQUEST_BYTES_MAX = 65_536
_MEMBER_ID = r"^(Patient/)?[A-Za-z0-9][A-Za-z0-9_.:\-]*$"
_FHIR: dict[int | str, dict[str, Any]] = {200: {"content": {FHIR_MEDIA_TYPE: {}}, "description": "FHIR R4 JSON"}}
#: Most ExplanationOfBenefit resources one search answers (a member's claims are few; limits everywhere).
EXPLANATIONS_PER_SEARCH_MAX = 500
_STARTED_AT = datetime.now(UTC)


def _fhir_responses(resource_type: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer (FHIR JSON of ``resource_type``) and errors as OperationOutcome, for the OpenAPI document."""
    example: dict[str, Any] = {"resourceType": resource_type, "id": "C-1"}
    if resource_type == "Bundle":
        example = {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "not-found", "diagnostics": "no claim C-9 recorded for member M-1"}],
    }
    return {
        200: {
            "description": f"FHIR R4 {resource_type} (application/fhir+json)",
            "content": {FHIR_MEDIA_TYPE: {"schema": FHIR_RESOURCE_SCHEMA, "example": example}},
        },
        406: {
            "description": "The client accepts no JSON (e.g. application/fhir+xml): OperationOutcome",
            "content": {FHIR_MEDIA_TYPE: {"schema": FHIR_RESOURCE_SCHEMA, "example": outcome}},
        },
    }


MemberQuery = Annotated[str, Query(min_length=1, max_length=72, pattern=_MEMBER_ID)]
OptionalMemberQuery = Annotated[str | None, Query(min_length=1, max_length=72, pattern=_MEMBER_ID)]
KnownAt = Annotated[
    QueryDateTime | None, Query(description="Recorded-time horizon (ISO datetime with zone); default now.")
]


def _member(reference: str) -> str:
    """``Patient/M-1`` or ``M-1`` → ``M-1`` (the ledger's member id)."""
    return reference.removeprefix("Patient/")


def _horizon(known_at: datetime | None) -> datetime:
    if known_at is not None and known_at.tzinfo is None:
        raise HTTPException(422, "known_at must carry a time zone, e.g. 2026-01-01T00:00:00Z")
    return (known_at or datetime.now(UTC)).astimezone(UTC)


def _fhir(resource: Any) -> Response:
    return Response(content=fhir_json(resource), media_type=FHIR_MEDIA_TYPE)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


# ---------------------------------------------------------------------------------------- metadata


#: The CapabilityStatement is open (no key): clients read it to learn how to authenticate.
metadata_router = APIRouter(prefix="/fhir", tags=["fhir"])


@metadata_router.get(
    "/metadata",
    summary="What this FHIR endpoint serves (CapabilityStatement)",
    description="Resource types, their read and search interactions and search parameters, formats (JSON only).",
    responses=_fhir_responses("CapabilityStatement"),
)
async def metadata(request: Request) -> Response:
    return _fhir(capability_statement(base_url=_base_url(request), version=request.app.version, published=_STARTED_AT))


# ---------------------------------------------------------------------------------------- Coverage


def _served(request: Request) -> ServedIds:
    served: ServedIds | None = getattr(request.app.state, "fhir_served_ids", None)
    if served is None:
        served = request.app.state.fhir_served_ids = ServedIds()
    return served


def _coverages(
    store: LedgerApplication,
    editions: Any,
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    language: str = API_DEFAULT_LANGUAGE,
) -> list[Any]:
    """The member's Coverage resources; none for a member the ledger has no events for."""
    try:
        ledger = member_ledger(store, editions, member_id, as_of=as_of, known_at=known_at)
    except UnknownMember:
        return []
    return list(coverage_resources(ledger, table=CODE_TABLE, language=language))


@router.get(
    "/Coverage",
    summary="The member's coverage spells (FHIR Coverage searchset)",
    description=(
        "Every coverage period the fold finds for `beneficiary` (or `patient`: a member id, or "
        "`Patient/<member id>`) from the events effective by `as_of` and recorded by `known_at`: period, scheme as "
        "type (with the platform's insutype), the region's bureau as payor, the rule set as plan; benefits start "
        "and any waiting period as extensions. An empty Bundle when nothing matches."
    ),
    responses=_fhir_responses("Bundle"),
)
async def search_coverage(
    request: Request,
    beneficiary: OptionalMemberQuery = None,
    patient: OptionalMemberQuery = None,
    as_of: Annotated[QueryDate | None, Query(description="Effective date (default today in China).")] = None,
    known_at: KnownAt = None,
    lang: LanguageQuery = None,
) -> Response:
    named = beneficiary or patient
    if named is None:
        raise HTTPException(422, "beneficiary (or patient) is required: a member id or Patient/<member id>")
    member_id = _member(named)
    horizon = _horizon(known_at)
    on = as_of or today_in_china()
    resources = await run_in_threadpool(
        _coverages,
        request.app.state.ledger,
        request.app.state.rulebook,
        member_id,
        as_of=on,
        known_at=horizon,
        language=language_of(request, lang),
    )
    served = _served(request)
    for resource in resources:
        served.remember("Coverage", resource.id, member_id=member_id, natural_id=resource.id)
    bundle_id = resource_id("coverage-search", member_id, on, horizon.isoformat())
    return _fhir(searchset(resources, bundle_id=bundle_id, base_url=_base_url(request)))


@router.get(
    "/Coverage/{coverage_id}",
    summary="One coverage spell (FHIR Coverage read)",
    description=(
        "The Coverage with this id, as the searches and ExplanationOfBenefit.insurance.coverage name it, folded "
        "from its member's events as known at `known_at` (all spells known today by default)."
    ),
    responses={**_fhir_responses("Coverage"), 404: {"description": "No such Coverage (OperationOutcome)"}},
)
async def read_coverage(
    request: Request,
    coverage_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")],
    known_at: KnownAt = None,
    lang: LanguageQuery = None,
) -> Response:
    state = request.app.state
    member_id = await run_in_threadpool(coverage_member, state.read_engine, _served(request), coverage_id)
    horizon = _horizon(known_at)
    resources = (
        []
        if member_id is None
        else await run_in_threadpool(
            _coverages,
            state.ledger,
            state.rulebook,
            member_id,
            as_of=today_in_china(),
            known_at=horizon,
            language=language_of(request, lang),
        )
    )
    found = next((r for r in resources if r.id == coverage_id), None)
    if found is None:
        raise HTTPException(404, f"no Coverage {coverage_id}")
    return _fhir(found)


# ---------------------------------------------------------------------------------------- eligibility


def _eligibility(
    store: LedgerApplication,
    editions: Any,
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    request: Reference | None,
    language: str = API_DEFAULT_LANGUAGE,
) -> Any:
    ledger = member_ledger(store, editions, member_id, as_of=as_of, known_at=known_at)
    document = localise(status_document(ledger), language)
    period = ledger.period_on(as_of) or ledger.latest_period(as_of)
    return eligibility_response(document, coverage_id=coverage_id_on(ledger, period), table=CODE_TABLE, request=request)


@router.get(
    "/CoverageEligibilityResponse",
    summary="Eligibility on a date (FHIR CoverageEligibilityResponse searchset)",
    description=(
        "The member's eligibility on `date` (default today in China) as known at `known_at`: whether benefits "
        "are in force, each yearly balance (cap as allowed, used, remaining) per fund layer with the platform's "
        "fund-pay-type code, the waiting period and its end as an extension."
    ),
    responses=_fhir_responses("Bundle"),
)
async def search_eligibility(
    request: Request,
    patient: MemberQuery,
    date_on: Annotated[QueryDate | None, Query(alias="date", description="Service date (YYYY-MM-DD).")] = None,
    known_at: KnownAt = None,
    lang: LanguageQuery = None,
) -> Response:
    response = await run_in_threadpool(
        _eligibility,
        request.app.state.ledger,
        request.app.state.rulebook,
        _member(patient),
        as_of=date_on or today_in_china(),
        known_at=_horizon(known_at),
        request=None,
        language=language_of(request, lang),
    )
    bundle_id = resource_id("eligibility-search", response.id)
    return _fhir(searchset([response], bundle_id=bundle_id, base_url=_base_url(request)))


def _requested_member(eligibility: CoverageEligibilityRequest) -> str:
    patient = eligibility.patient
    if patient.identifier is not None and patient.identifier.value:
        if patient.identifier.system not in (None, MEMBER_SYSTEM):
            raise HTTPException(422, f"patient.identifier.system must be {MEMBER_SYSTEM}")
        return str(patient.identifier.value)
    if patient.reference and patient.reference.startswith("Patient/"):
        return _member(patient.reference)
    raise HTTPException(422, "patient must name the member: identifier.value or reference Patient/<member id>")


@router.post(
    "/CoverageEligibilityRequest/$evaluate",
    summary="Evaluate a CoverageEligibilityRequest",
    description=(
        "Takes a FHIR R4 CoverageEligibilityRequest (patient by identifier or `Patient/<member id>`, "
        "`servicedDate` the date asked, default today in China) and answers the CoverageEligibilityResponse. "
        "Nothing is stored."
    ),
    responses=_fhir_responses("CoverageEligibilityResponse"),
    openapi_extra={"requestBody": {"required": True, "content": {FHIR_MEDIA_TYPE: {"schema": {"type": "object"}}}}},
)
async def evaluate_eligibility(request: Request, known_at: KnownAt = None, lang: LanguageQuery = None) -> Response:
    body = await read_body_limited(request, ELIGIBILITY_REQUEST_BYTES_MAX)
    try:
        raw = parse_json(body)
        eligibility = CoverageEligibilityRequest.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise HTTPException(422, f"not a valid CoverageEligibilityRequest: {where}: {first['msg']}") from None
    served = eligibility.servicedDate
    as_of = served if isinstance(served, date) else today_in_china()
    identifiers = eligibility.identifier or []
    request_reference = (
        Reference(type="CoverageEligibilityRequest", identifier=identifiers[0])
        if identifiers
        else Reference(reference=f"CoverageEligibilityRequest/{eligibility.id}")
        if eligibility.id
        else None
    )
    response = await run_in_threadpool(
        _eligibility,
        request.app.state.ledger,
        request.app.state.rulebook,
        member_key(request, _requested_member(eligibility)),  # an identity number becomes its pseudonym
        as_of=as_of,
        known_at=_horizon(known_at),
        request=request_reference,
        language=language_of(request, lang),
    )
    return _fhir(response)


# ---------------------------------------------------------------------------------------- ExplanationOfBenefit


def _explanation(
    store: LedgerApplication,
    editions: Any,
    member_id: str,
    claim_id: str,
    *,
    as_of: date,
    known_at: datetime,
    language: str = API_DEFAULT_LANGUAGE,
) -> Any:
    """The recorded decision on the claim (what was paid), else the fold's settlement as known at ``known_at``."""
    probe = member_ledger(store, editions, member_id, as_of=as_of, known_at=known_at)
    claim = next((c for c in probe.facts.claims if c.data.claim_id == claim_id), None)
    if claim is None:
        raise UnknownClaim(f"no claim {claim_id} recorded for member {member_id}")
    ledger = probe
    if claim.occurred_on > probe.facts.as_of:  # as POST /v1/claims settles it: by today, or the claim's date
        ledger = member_ledger(store, editions, member_id, as_of=claim.occurred_on, known_at=known_at)
    recorded = {e.claim_id: e for e in store.member_settlements(member_id) if e.decided_at <= known_at}
    decision = recorded.get(claim_id)
    if decision is not None:
        document, created = decision.document, decision.decided_at
    else:
        document, created = ledger.settlements[claim_id].as_json(), known_at
    period = ledger.period_on(claim.data.admitted_on) or ledger.latest_period(claim.data.admitted_on)
    return explanation_of_benefit(
        localise(document, language),
        claim=claim.data,
        created=created,
        coverage_id=coverage_id_on(ledger, period),
        scheme=scheme_of(editions, document),
        region=period.region if period is not None else ledger.facts.region,
        table=CODE_TABLE,
    )


def _remember_explanation(request: Request, resource: Any, *, member_id: str, claim_id: str) -> None:
    served = _served(request)
    served.remember("ExplanationOfBenefit", resource.id, member_id=member_id, natural_id=claim_id)
    coverage = resource.insurance[0].coverage.reference if resource.insurance else None
    if coverage and coverage.startswith("Coverage/"):
        served.remember("Coverage", coverage.removeprefix("Coverage/"), member_id=member_id, natural_id=coverage)


@router.get(
    "/ExplanationOfBenefit/{claim_id}",
    summary="A settlement as a FHIR ExplanationOfBenefit",
    description=(
        "The decision recorded by `POST /v1/claims` (or, for a claim that only arrived as an event, the fold's "
        "settlement as known at `known_at`): an adjudication per fund layer with the platform's fund-pay-type "
        "code, the deductible and the member's share, each layer's yearly balance after the claim, and every "
        "explanation with its parameters and policy references as process notes. A denied claim is `complete` "
        "with its reasons on the benefit adjudication. `patient` (optional) names the member; without it the "
        "member is found from the id (ids this service has served, else the settlement read model)."
    ),
    responses={**_fhir_responses("ExplanationOfBenefit"), 404: {"description": "No such claim (OperationOutcome)"}},
)
async def read_explanation_of_benefit(
    request: Request,
    claim_id: Annotated[str, Path(min_length=1, max_length=200)],
    patient: OptionalMemberQuery = None,
    as_of: Annotated[
        QueryDate | None, Query(description="Effective date of the fold (default today in China).")
    ] = None,
    known_at: KnownAt = None,
    lang: LanguageQuery = None,
) -> Response:
    state = request.app.state
    if patient is not None:
        member_id, natural = _member(patient), claim_id
        known = _served(request).find("ExplanationOfBenefit", claim_id)
        if known is not None and known[0] == member_id:
            natural = known[1]
    else:
        found = await run_in_threadpool(claim_of, state.read_engine, _served(request), claim_id)
        if found is None:
            raise UnknownClaim(f"no ExplanationOfBenefit {claim_id}: name the member with ?patient=<member id>")
        member_id, natural = found
    resource = await run_in_threadpool(
        _explanation,
        state.ledger,
        state.rulebook,
        member_id,
        natural,
        as_of=as_of or today_in_china(),
        known_at=_horizon(known_at),
        language=language_of(request, lang),
    )
    _remember_explanation(request, resource, member_id=member_id, claim_id=natural)
    return _fhir(resource)


def _explanations(
    store: LedgerApplication,
    editions: Any,
    member_id: str,
    *,
    as_of: date,
    known_at: datetime,
    language: str = API_DEFAULT_LANGUAGE,
) -> list[tuple[str, Any]]:
    """(claim id, ExplanationOfBenefit) of every claim the member has recorded by ``known_at``."""
    try:
        probe = member_ledger(store, editions, member_id, as_of=as_of, known_at=known_at)
    except UnknownMember:
        return []
    claim_ids = list(dict.fromkeys(c.data.claim_id for c in probe.facts.claims))
    return [
        (
            claim_id,
            _explanation(store, editions, member_id, claim_id, as_of=as_of, known_at=known_at, language=language),
        )
        for claim_id in claim_ids[:EXPLANATIONS_PER_SEARCH_MAX]
    ]


@router.get(
    "/ExplanationOfBenefit",
    summary="The member's settled claims (FHIR ExplanationOfBenefit searchset)",
    description=(
        "One ExplanationOfBenefit per claim the member has recorded by `known_at`, in the order they were "
        f"recorded (at most {EXPLANATIONS_PER_SEARCH_MAX}). An empty Bundle when nothing matches."
    ),
    responses=_fhir_responses("Bundle"),
)
async def search_explanation_of_benefit(
    request: Request,
    patient: MemberQuery,
    as_of: Annotated[
        QueryDate | None, Query(description="Effective date of the fold (default today in China).")
    ] = None,
    known_at: KnownAt = None,
    lang: LanguageQuery = None,
) -> Response:
    member_id = _member(patient)
    horizon = _horizon(known_at)
    on = as_of or today_in_china()
    found = await run_in_threadpool(
        _explanations,
        request.app.state.ledger,
        request.app.state.rulebook,
        member_id,
        as_of=on,
        known_at=horizon,
        language=language_of(request, lang),
    )
    for claim_id, resource in found:
        _remember_explanation(request, resource, member_id=member_id, claim_id=claim_id)
    bundle_id = resource_id("eob-search", member_id, on, horizon.isoformat())
    return _fhir(searchset([r for _, r in found], bundle_id=bundle_id, base_url=_base_url(request)))
