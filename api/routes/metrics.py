"""GET /metrics — the Prometheus exposition of the process's metrics (api/observability.py, docs/operations.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description=(
        "Counters and histograms of this process (events stored / duplicate / conflicting, batch and request "
        "latency by route) and gauges read at scrape time (projection lag, isolated members, outbox backlog, "
        "replay and audit progress, database and Redis reachability). Counts only: no member data. Open like "
        "/healthz; restrict it at the network or proxy where scrapers live."
    ),
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format 0.0.4"}},
)
async def metrics(request: Request) -> Response:
    body = await run_in_threadpool(generate_latest, request.app.state.metrics.registry)
    return Response(content=body, media_type=CONTENT_TYPE_LATEST)
