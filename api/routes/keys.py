"""API keys (admin) and the write audit trail (auditor)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Principal, audit_write, require
from projections.access import create_key, list_keys, revoke_key, write_trail

router = APIRouter(tags=["access"])


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["integration", "service", "auditor", "admin"]
    regions: list[Annotated[str, Field(min_length=1, max_length=16)]] | None = Field(
        default=None, max_length=10, description="Integration keys only: the regions it may write for."
    )
    label: Annotated[str, Field(max_length=200)] | None = None


class KeyView(BaseModel):
    key_id: str
    role: str
    regions: list[str] | None
    label: str | None
    created_at: str
    created_by: str
    revoked_at: str | None


class CreatedKey(KeyView):
    key: str = Field(description="The whole key. Shown only in this response: only its hash is stored.")


@router.post("/v1/keys", status_code=201, response_model=CreatedKey, summary="Create an API key (admin)")
async def post_key(
    request: Request, body: KeyRequest, principal: Annotated[Principal, Depends(require("admin"))]
) -> CreatedKey:
    engine = request.app.state.read_engine
    async with audit_write(request, principal) as subjects:
        key_id, key = await run_in_threadpool(
            create_key,
            engine,
            role=body.role,
            regions=body.regions,
            label=body.label,
            created_by=principal.key_id,
        )
        subjects.update(key_id=key_id, role=body.role, regions=body.regions)
    record = next(k for k in await run_in_threadpool(list_keys, engine) if k.key_id == key_id)
    return CreatedKey(key=key, **record.as_json())


@router.get("/v1/keys", response_model=list[KeyView], summary="List API keys (admin; never the keys themselves)")
async def get_keys(request: Request, _: Annotated[Principal, Depends(require("admin"))]) -> list[KeyView]:
    return [KeyView(**k.as_json()) for k in await run_in_threadpool(list_keys, request.app.state.read_engine)]


@router.delete("/v1/keys/{key_id}", response_model=KeyView, summary="Revoke an API key (admin)")
async def delete_key(
    request: Request, key_id: str, principal: Annotated[Principal, Depends(require("admin"))]
) -> KeyView:
    async with audit_write(request, principal) as subjects:
        subjects["key_id"] = key_id
        record = await run_in_threadpool(revoke_key, request.app.state.read_engine, key_id)
    return KeyView(**record.as_json())


@router.get("/v1/audit/writes", summary="The write audit trail (auditor): who wrote what, when, from where")
async def get_writes(
    request: Request,
    _: Annotated[Principal, Depends(require("auditor"))],
    after: Annotated[int, Query(ge=0, le=2**62, description="Rows after this audit_id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    key_id: Annotated[str | None, Query(max_length=32)] = None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await run_in_threadpool(
        write_trail, request.app.state.read_engine, after_id=after, limit=limit, key_id=key_id
    )
    return rows
