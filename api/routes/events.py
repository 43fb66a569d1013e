"""POST /v1/events — append a batch of contract events, atomically and idempotently."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.auth import audit_write, authenticate, check_regions
from api.examples import EVENT_BATCH_EXAMPLES
from api.problems import PROBLEM_MEDIA_TYPE, MalformedJson, RequestBodyTooLarge
from api.routes.status import today_in_china
from api.schemas import BatchStored, EventOutcome
from domain.contract import (
    BATCH_EVENTS_MAX,
    AnyEvent,
    DuplicateKey,
    EventBatch,
    loads_json,
    parse_batch,
    refuse_future,
)
from domain.errors import ConflictingEventIds, InvalidEvents
from domain.identity import pseudonymise_payload
from projections.access import registration_conflicts, write_regions
from projections.store import ingest

router = APIRouter(tags=["events"])

EVENT_BATCH_SCHEMA: dict[str, Any] = TypeAdapter(EventBatch).json_schema(ref_template="#/components/schemas/{model}")

_PROBLEM = {"content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


async def read_body_limited(request: Request, limit_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit_bytes:
        raise RequestBodyTooLarge(f"the body is {declared} bytes; at most {limit_bytes} are accepted")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit_bytes:
            raise RequestBodyTooLarge(f"the body passed {limit_bytes} bytes; at most {limit_bytes} are accepted")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> object:
    try:
        return loads_json(body)
    except DuplicateKey as error:
        raise MalformedJson(f"the body is ambiguous: {error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedJson(f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise MalformedJson("the body nests arrays or objects too deeply") from None
    except ValueError as error:  # an integer literal longer than Python converts (4,300 digits)
        raise MalformedJson(f"the body holds a number the ledger does not read: {error}") from None


def parse_events(body: bytes, key: bytes) -> list[AnyEvent]:
    """A batch body as contract events: JSON read, identity numbers pseudonymised, every event validated, none
    dated after today. Tens of milliseconds of CPU a thousand events, so the route runs it off the event loop:
    other requests (status queries, health checks) are answered meanwhile."""
    events = parse_batch(pseudonymise_payload(parse_json(body), key))
    refuse_future(events, today=today_in_china())
    return events


@router.post(
    "/v1/events",
    response_model=BatchStored,
    summary="Append a batch of events",
    description=(
        f"A JSON array of 1 to {BATCH_EVENTS_MAX} events, stored atomically (all or none). An event whose "
        "event_id is already stored with the same content is acknowledged as `duplicate`; the same event_id "
        "with different content is a 409 naming it. Invalid events give a 422 listing every event (index, "
        "event_id), field and reason. `recorded_at` may be sent only with `historical_import=true`."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": EVENT_BATCH_SCHEMA, "examples": EVENT_BATCH_EXAMPLES}},
        }
    },
    responses={409: _PROBLEM, 413: _PROBLEM, 422: _PROBLEM, 400: _PROBLEM, 503: _PROBLEM},
)
async def post_events(
    request: Request,
    historical_import: bool = Query(False, description="Allow client-set recorded_at (imports of historical data)."),
) -> BatchStored:
    principal = authenticate(request)
    body = await read_body_limited(request, request.app.state.settings.request_body_bytes_max)
    async with audit_write(request, principal, body=body) as subjects:
        events = await run_in_threadpool(parse_events, body, request.app.state.pseudonym_key)
        subjects["event_ids"] = [str(event.event_id) for event in events]
        if principal.regions is not None:
            check_regions(request, principal, await run_in_threadpool(write_regions, request.app.state.ledger, events))
        conflicts = await run_in_threadpool(registration_conflicts, request.app.state.ledger, events)
        if conflicts:
            raise InvalidEvents(conflicts)
        metrics = request.app.state.metrics
        started = time.perf_counter()
        try:
            result = await run_in_threadpool(
                ingest, request.app.state.ledger, events, now=datetime.now(UTC), historical_import=historical_import
            )
        except ConflictingEventIds as error:
            metrics.events_conflicting.inc(len(error.conflicts))
            raise
        metrics.batch_seconds.observe(time.perf_counter() - started)
        metrics.batch_events.observe(len(events))
        metrics.events_stored.inc(result.stored_count)
        metrics.events_duplicate.inc(result.duplicate_count)
        subjects.update(stored=result.stored_count, duplicate=result.duplicate_count)
    return BatchStored(
        stored=result.stored_count,
        duplicate=result.duplicate_count,
        results=[EventOutcome(event_id=str(event_id), status=status) for event_id, status in result.outcomes],
    )
