"""GET /healthz — is the event store answering?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(request: Request) -> Health | JSONResponse:
    try:
        store = await run_in_threadpool(request.app.state.ledger.ping)
    except Exception as error:  # any failure of the store is reported, never raised
        body = Health(status="unavailable", event_store=f"unavailable: {type(error).__name__}")
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ok", event_store="ok", max_notification_id=store["max_notification_id"])
