"""GET /healthz — is the event store answering, and the Redis broker when one is configured?

* ``ok`` (200): everything configured answers;
* ``degraded`` (200): the event store answers but Redis does not — events are still accepted and
  the live projection (which reads the store, not Redis) stays current; jobs wait for Redis — or
  members are isolated because their fold fails (``isolated_members`` counts them; ``ledger
  project --failures`` lists them);
* ``unavailable`` (503): the event store does not answer.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from api.schemas import Health
from projections.isolation import failure_count

router = APIRouter(tags=["health"])

#: Seconds /healthz waits for Redis before calling it unavailable.
REDIS_PING_TIMEOUT_S = 1.0


def redis_state(url: str | None) -> str:
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(url, socket_timeout=REDIS_PING_TIMEOUT_S, socket_connect_timeout=REDIS_PING_TIMEOUT_S)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        return f"unavailable: {type(error).__name__}"
    finally:
        client.close()
    return "ok"


def database_answers(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(request: Request) -> Health | JSONResponse:
    redis = await run_in_threadpool(redis_state, request.app.state.settings.redis_url)
    try:
        # A plain connection first: it fails at once when the server is down, where the event store's
        # own pool would retry for up to a minute before giving up.
        await run_in_threadpool(database_answers, request.app.state.read_engine)
        store = await run_in_threadpool(request.app.state.ledger.ping)
    except Exception as error:  # any failure of the store is reported, never raised
        body = Health(status="unavailable", event_store=f"unavailable: {type(error).__name__}", redis=redis)
        return JSONResponse(body.model_dump(), status_code=503)
    isolated = await run_in_threadpool(_isolated_members, request.app.state.read_engine)
    status = "ok" if redis in ("ok", "not configured") and not isolated else "degraded"
    return Health(
        status=status,
        event_store="ok",
        max_notification_id=store["max_notification_id"],
        redis=redis,
        isolated_members=isolated,
    )


def _isolated_members(engine: Engine) -> int:
    """Members the live projection isolated because their fold fails (0 when the table is not there yet)."""
    try:
        return failure_count(engine)
    except Exception:  # a read model not migrated yet: nobody is isolated
        return 0
