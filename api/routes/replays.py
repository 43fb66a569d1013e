"""POST /v1/replays, GET /v1/replays/{job_id}, POST /v1/replays/{job_id}/promote — replay jobs and promotion."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import audit_write, authenticate, require
from api.identity import member_key
from api.problems import BrokerUnavailable
from api.routes.status import today_in_china
from domain.contract import MemberId, Region
from projections.isolation import failure_count, failures, promotable, replay_scope
from projections.queries import find_edition
from projections.replay import (
    PARTITIONS_MAX,
    create_job,
    edition_source,
    job_progress,
    unfinished_partitions,
)

router = APIRouter(tags=["replays"])

#: Threads of the in-process worker that runs replays when there is no Redis.
IN_PROCESS_WORKER_THREADS = 2
#: Most member ids one replay request may list (larger populations: replay by region or all).
REPLAY_MEMBERS_MAX = 100_000


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    edition: str = Field(max_length=80, description="Rule-set name or edition hash.")
    region: Region | None = None
    members: list[MemberId] | None = Field(default=None, max_length=REPLAY_MEMBERS_MAX)
    as_of: date | None = Field(default=None, description="Effective date (default: today in China).")
    workers: int = Field(default=1, ge=1, le=PARTITIONS_MAX, description="Partitions for the workers to share.")


def _start_in_process_worker(state: Any) -> None:
    """Without Redis the replay actors run in this process: a dramatiq worker started with the first replay."""
    if not state.settings.redis_url and state.replay_worker is None:
        from workers.broker import partition_worker

        state.replay_worker = partition_worker(state.broker, threads=IN_PROCESS_WORKER_THREADS, queues={"replays"})
        state.replay_worker.start()


def send_partitions(job_id: str, partitions: list[int]) -> None:
    """Send the partitions' messages; a broker that does not answer is a 503 naming the recorded job."""
    import dramatiq
    import redis

    from workers.actors import replay_partition

    try:
        for partition in partitions:
            replay_partition.send(job_id, partition)
    except (redis.exceptions.RedisError, dramatiq.errors.BrokerConnectionError) as error:
        raise BrokerUnavailable(
            f"the broker did not answer ({type(error).__name__}): job {job_id} is recorded with its partitions "
            f"pending; start them with POST /v1/replays/{job_id}/resume (or `ledger replay resume {job_id}`) "
            "when the broker answers again",
            job_id=job_id,
        ) from None


def progress_view(engine: Any, job_id: str) -> dict[str, Any]:
    """The job's progress and the members it isolated (their fold failed under the job's edition)."""
    isolated = failures(engine, scope=replay_scope(job_id), limit=ISOLATED_LISTED_MAX)
    return job_progress(engine, job_id).as_json() | {
        "members_isolated": failure_count(engine, scope=replay_scope(job_id)),
        "isolated": isolated,
    }


#: Isolated members a progress answer lists (all are counted).
ISOLATED_LISTED_MAX = 100


class ReplayJobView(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "job_id": "0b6f5c1e-8f3a-4c1d-9a57-6d0f2b7e9c11",
                "model_set": "replay_0b6f5c1e",
                "status": "running",
                "members_total": 100000,
                "members_done": 41250,
                "events_done": 1237500,
                "partitions": 4,
                "partitions_done": 1,
                "events_per_s": 1650.0,
                "eta_s": 1049.2,
            }
        }
    )

    job_id: str
    model_set: str
    status: str
    members_total: int
    members_done: int
    events_done: int
    partitions: int
    partitions_done: int
    events_per_s: float
    eta_s: float | None
    #: Members whose fold failed under the job's edition: left out of its set, listed in ``isolated``.
    members_isolated: int = 0
    isolated: list[dict[str, Any]] = []


@router.post("/v1/replays", status_code=202, response_model=ReplayJobView, summary="Start a replay")
async def start_replay(request: Request, body: ReplayRequest) -> dict[str, Any]:
    """Refold the ledger under an edition into its read-model set; dramatiq workers share the partitions."""

    state = request.app.state
    async with audit_write(request, authenticate(request)) as subjects:
        subjects.update(edition=body.edition, region=body.region.value if body.region else None, workers=body.workers)
        edition = find_edition(state.rulebook, body.edition)
        job_id = await run_in_threadpool(
            create_job,
            state.read_engine,
            state.ledger,
            edition,
            source=edition_source(edition, file=None),
            partitions=body.workers,
            as_of=body.as_of or today_in_china(),
            region=body.region.value if body.region else None,
            # Identity numbers become pseudonyms: the job stores and folds the members the ledger knows.
            members=None if body.members is None else [member_key(request, m) for m in body.members],
        )
        subjects["job_id"] = job_id
        await run_in_threadpool(send_partitions, job_id, list(range(body.workers)))
    _start_in_process_worker(state)
    return await run_in_threadpool(progress_view, state.read_engine, job_id)


@router.post("/v1/replays/{job_id}/resume", status_code=202, response_model=ReplayJobView, summary="Resume a replay")
async def resume_replay(request: Request, job_id: Annotated[str, Path(max_length=36)]) -> dict[str, Any]:
    """Send again every partition of the job that is not done (after the broker or a worker failed).

    Partitions are idempotent: one still running elsewhere rewrites the same rows.
    """
    state = request.app.state
    async with audit_write(request, authenticate(request)) as subjects:
        subjects["job_id"] = job_id
        progress = await run_in_threadpool(job_progress, state.read_engine, job_id)  # 404 for an unknown job
        partitions = await run_in_threadpool(unfinished_partitions, state.read_engine, job_id)
        subjects["partitions"] = partitions
        await run_in_threadpool(send_partitions, progress.job_id, partitions)
    _start_in_process_worker(state)
    return await run_in_threadpool(progress_view, state.read_engine, job_id)


@router.get("/v1/replays/{job_id}", response_model=ReplayJobView, summary="A replay's progress")
async def replay_progress(request: Request, job_id: Annotated[str, Path(max_length=36)]) -> dict[str, Any]:
    """Members done of total, events per second and the time left."""
    return await run_in_threadpool(progress_view, request.app.state.read_engine, job_id)


class PromotionView(BaseModel):
    promotion_number: int
    job_id: str
    model_set: str
    edition_name: str
    edition_hash: str
    from_notification_id: int
    members_promoted: int
    members_kept: int
    promoted_at: str
    already_live: bool


#: Promotion changes the live read model: admin keys only (the replays router itself admits auditors).
promotion_router = APIRouter(tags=["replays"], dependencies=[Depends(require())])


@promotion_router.post(
    "/v1/replays/{job_id}/promote", response_model=PromotionView, summary="Make a replay's set live (admin)"
)
async def promote_replay(request: Request, job_id: Annotated[str, Path(max_length=36)]) -> dict[str, Any]:
    """Make a finished replay's read-model set the live read model, in one transaction (idempotent).

    422 when the job is unfinished, covers only some members, was not folded as of the end of time, or
    used an edition that is not the rulebook's; 404 for an unknown job. Recorded in the write audit trail.
    """
    state = request.app.state
    async with audit_write(request, authenticate(request)) as subjects:
        subjects["job_id"] = job_id
        promotion = await run_in_threadpool(promotable, state.read_engine, state.rulebook, job_id)
        subjects["promotion_number"] = promotion.promotion_number
        if promotion.already:
            subjects["outcome"] = "ok: already live"
    return promotion.as_json()


router.include_router(promotion_router)
