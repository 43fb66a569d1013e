"""The FastAPI application: thin routes over the event store and the rule book."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from sqlalchemy import create_engine

from api import console, problems
from api.auth import require
from api.edge import EdgeGuards, UrlControlCharacters
from api.fhir.common import FHIR_MEDIA_TYPE
from api.fhir.outcome import FhirErrors
from api.identity import PseudonymiseIdentityNumbers, pseudonym_key
from api.observability import LedgerMetrics, LedgerStateCollector, RequestContext
from api.routes import claims, events, fhir, health, keys, members, replays, rules, status
from api.routes import metrics as metrics_route
from api.settings import Settings, sqlalchemy_url
from projections.access import bootstrap_admin_key
from projections.migrate import upgrade_to_head
from projections.rulebook import load_rulebook
from projections.store import LedgerApplication, open_store
from workers.actors import use_settings
from workers.broker import install_broker

API_TITLE = "Member-benefits ledger"
API_VERSION = "1.0.0"
#: Where the Swagger UI and ReDoc scripts and styles are served from (the installed fastapi-offline package).
DOCS_ASSETS_PATH = "/docs-assets"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` / `conflicts` name each event and field.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "conflicts": {"type": "array", "items": {"type": "object"}},
        "request_id": {
            "type": "string",
            "description": "This request's id (also in X-Request-ID, the logs, the audit trail).",
        },
    },
}


def open_ledger(settings: Settings) -> LedgerApplication:
    """The event store named by the settings (``projections.store.open_store``)."""
    return open_store(settings.database_url)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the service: open the store, bring the read-model schema to head, load the rules."""
    settings = settings or Settings()
    key = pseudonym_key(settings)
    if migrate:
        upgrade_to_head(sqlalchemy_url(settings.database_url))
    ledger = open_ledger(settings)
    read_engine = create_engine(sqlalchemy_url(settings.database_url), pool_pre_ping=True)
    first_admin_key = bootstrap_admin_key(read_engine)
    if first_admin_key is not None:
        sys.stderr.write(
            "ledger: no API key existed, so an admin key was created. It is shown only now; store it safely:\n"
            f"    {first_admin_key}\n"
        )
    broker = install_broker(settings.redis_url)
    use_settings(settings)

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            worker = application.state.replay_worker
            if worker is not None:
                worker.stop()
            ledger.close()
            read_engine.dispose()

    # Swagger UI and ReDoc from the assets fastapi-offline ships (no CDN: closed networks read /docs too).
    app = FastAPIOffline(
        static_url=DOCS_ASSETS_PATH,
        title=API_TITLE,
        version=API_VERSION,
        description="Event-sourced member-benefits ledger for Chinese basic medical insurance.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.read_engine = read_engine
    app.state.broker = broker
    app.state.pseudonym_key = key
    #: The admin key this start created (only on a ledger that had none), for the caller that started it.
    app.state.bootstrap_admin_key = first_admin_key
    #: Without Redis the replay actors run in this process: a dramatiq worker started with the first replay.
    app.state.replay_worker = None
    metrics = LedgerMetrics()
    metrics.install_state_collector(
        LedgerStateCollector(engine=read_engine, ledger=ledger, redis_url=settings.redis_url)
    )
    app.state.metrics = metrics
    problems.install(app)
    app.add_middleware(UrlControlCharacters)  # inside FhirErrors: /fhir answers an OperationOutcome
    app.add_middleware(FhirErrors)
    app.add_middleware(PseudonymiseIdentityNumbers, key=key)
    # Outermost: any unmapped failure is problem+json, writes take JSON only, security headers on every answer.
    app.add_middleware(EdgeGuards)
    # Outside the guards: the request id exists for every handler (the guards' 500 too), and the timing
    # covers the whole answer.
    app.add_middleware(RequestContext, metrics=metrics)
    app.include_router(health.router)
    app.include_router(metrics_route.router)
    app.include_router(events.router, dependencies=[Depends(require("integration"))])
    app.include_router(members.router, dependencies=[Depends(require("service", "auditor"))])
    app.include_router(status.router, dependencies=[Depends(require("service", "auditor"))])
    app.include_router(claims.router, dependencies=[Depends(require("integration"))])
    app.include_router(replays.router, dependencies=[Depends(require("auditor"))])
    app.include_router(keys.router)
    app.include_router(fhir.metadata_router)
    app.include_router(fhir.router, dependencies=[Depends(require("service", "auditor"))])
    _install_rules(app)
    console.install(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _install_rules(app: FastAPI) -> None:
    """Load every rule set (the service refuses to start with a broken one) and serve them."""
    app.state.rulebook = load_rulebook()
    app.include_router(rules.router, dependencies=[Depends(require("integration", "service", "auditor"))])


#: Paths anyone may call without a key.
OPEN_PATHS = frozenset({"/healthz", "/metrics", "/fhir/metadata"})


def _document_access(schema: dict[str, Any]) -> None:
    """Declare the API-key schemes, and on every guarded operation its 401 and 403 answers."""
    schema["components"]["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer <key>`."},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    }
    problem = {"content": {problems.PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            # Every validation error is problem+json naming its field (api/problems.py), not FastAPI's default.
            responses["422"] = {"description": "Invalid request: each problem names its field", **problem}
            if "{" in path or path.startswith(("/v1/", "/fhir/")):  # ids in paths, queries and bodies
                responses.setdefault("404", {"description": "Not found (member, claim, edition, job …)", **problem})
            # Any request: a control character in its path or query (api/edge.py); writes: a body that is not JSON.
            responses.setdefault("400", {"description": "Rejected: malformed request", **problem})
            if method in ("post", "put", "patch", "delete"):
                responses.setdefault("413", {"description": "Request body too large", **problem})
            if path in OPEN_PATHS or not path.startswith(("/v1/", "/fhir/")):
                continue
            operation["security"] = [{"bearer": []}, {"apiKey": []}]
            responses.setdefault("401", {"description": "No valid API key", **problem})
            responses.setdefault("403", {"description": "The key's role or region does not allow this", **problem})
            responses.setdefault("503", {"description": "The database is unavailable; retry later", **problem})
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)
    _document_fhir_errors(schema)


#: FHIR errors are OperationOutcome resources (api/fhir/outcome.py), not problem+json.
OPERATION_OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "FHIR R4 OperationOutcome: one issue with severity, code (issue-type) and diagnostics.",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "id": {"type": "string", "description": "The request id (X-Request-ID)."},
        "issue": {"type": "array", "items": {"type": "object"}},
    },
}


def _document_fhir_errors(schema: dict[str, Any]) -> None:
    """Every error answer of a /fhir operation is documented as an OperationOutcome in FHIR JSON."""
    schema["components"]["schemas"]["OperationOutcome"] = OPERATION_OUTCOME_SCHEMA
    outcome = {FHIR_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}
    for path, operations in schema["paths"].items():
        if not path.startswith("/fhir/"):
            continue
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if str(code)[0] in "45":
                    response["content"] = outcome


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(events.EVENT_BATCH_SCHEMA.get("$defs", {}))
    components.update(claims.CLAIM_SCHEMA.get("$defs", {}))
    components["Problem"] = PROBLEM_SCHEMA
    _document_access(schema)
    body = schema["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body.pop("$defs", None)
    schema["paths"]["/v1/claims"]["post"]["requestBody"]["content"]["application/json"]["schema"].pop("$defs", None)
    _document_nhsa_alternative(schema)
    app.openapi_schema = schema
    return schema


#: ``?format=nhsa`` answers the national platform's representation instead of the ledger's document.
NHSA_ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "With `format=nhsa`: the national platform's fields (docs/nhsa.md); with `envelope=true` "
    "inside `{infcode, err_msg, output}`.",
    "anyOf": [{"required": ["nhsa_version"]}, {"required": ["infcode", "err_msg", "output"]}],
    "additionalProperties": True,
}


def _document_nhsa_alternative(schema: dict[str, Any]) -> None:
    """The status and claim answers are the ledger's document, or (``format=nhsa``) the platform's fields."""
    schema["components"]["schemas"]["NhsaAnswer"] = NHSA_ANSWER_SCHEMA
    for path, method, codes in (
        ("/v1/members/{member_id}/status", "get", ("200",)),
        ("/v1/claims", "post", ("200", "201")),
    ):
        for code in codes:
            content = schema["paths"][path][method]["responses"][code].get("content", {}).get("application/json")
            if content is not None and "schema" in content:
                content["schema"] = {"anyOf": [content["schema"], {"$ref": "#/components/schemas/NhsaAnswer"}]}
