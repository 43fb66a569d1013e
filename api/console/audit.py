"""The audit page: replays and their progress, and an audit diff between editions drilled down to claims.

The diff is ``projections.audit.audit_members`` (the same as ``ledger audit``): every member folded
under side A and compared with side B (another edition, the rulebook, or the recorded decisions),
totalled by ``domain.audit.AuditTotals`` by region, scheme, layer and year. The charts add those
totals up along one dimension; the drill-down filters the differences; the CSV is
``Difference.row()`` for each, as ``ledger audit --csv`` writes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.console.access import Auditor
from api.console.editions import edition_choices, recent_audits, recent_replays, resolve
from api.console.pages import CONSOLE_PREFIX, ConsolePageRoute, render
from api.params import QueryDate
from api.routes.status import today_in_china
from domain.audit import RECORDED, AuditTotals, Difference
from domain.money import format_yuan
from domain.policies import Edition
from projections.audit import audit_job_results, audit_members, member_ids

router = APIRouter(prefix=CONSOLE_PREFIX, route_class=ConsolePageRoute, include_in_schema=False)

#: Most members the console audits in one request; larger populations: ``ledger audit`` (docs/audit.md).
AUDIT_MEMBERS_MAX = 20_000
#: Most differences listed on the page (the CSV has them all).
DIFFERENCES_SHOWN_MAX = 500
RULEBOOK = "rulebook"
DIMENSIONS = ("region", "scheme", "layer", "year")

Filter = Annotated[str | None, Query(max_length=80)]


@dataclass(frozen=True)
class AuditRequest:
    """An audit asked for: sides A and B computed now, or a stored audit job; and the drill-down."""

    a: str | None
    b: str | None
    job: str | None
    region: str | None
    as_of: date
    drill: dict[str, str]

    def query(self, **drill: str) -> str:
        values = {"job": self.job} if self.job else {"a": self.a or "", "b": self.b or "", "as_of": str(self.as_of)}
        if self.region and not self.job:
            values["region"] = self.region
        return urlencode(values | {k: v for k, v in drill.items() if v})


@dataclass(frozen=True)
class AuditOutcome:
    totals: AuditTotals
    differences: list[Difference]
    label_a: str
    label_b: str
    as_of: date


def audit_request(
    a: Filter = None,
    b: Filter = None,
    job: Annotated[str | None, Query(max_length=36)] = None,
    as_of: Annotated[QueryDate | None, Query()] = None,
    region: Filter = None,
    d_region: Filter = None,
    d_scheme: Filter = None,
    d_layer: Filter = None,
    d_year: Filter = None,
    member: Filter = None,
) -> AuditRequest:
    """The query of the diff page and its CSV: ``job``, or ``a`` and ``b`` (and ``as_of``, ``region``)."""
    if not job and not (a and b):
        raise HTTPException(422, "name an audit job (job=) or both sides (a= and b=)")
    drill = {"d_region": d_region, "d_scheme": d_scheme, "d_layer": d_layer, "d_year": d_year, "member": member}
    chosen = {key: value for key, value in drill.items() if value}
    return AuditRequest(a, b, job, region or None, as_of or today_in_china(), chosen)


Asked = Annotated[AuditRequest, Depends(audit_request)]


@router.get("/audit")
async def audit_home(request: Request, principal: Auditor) -> Response:
    state = request.app.state
    replays = await run_in_threadpool(recent_replays, state.read_engine)
    audits = await run_in_threadpool(recent_audits, state.read_engine)
    context = {
        "replays": replays,
        "audits": audits,
        "choices": edition_choices(state.rulebook, replays),
        "today": today_in_china().isoformat(),
    }
    return render(request, "audit.html", context)


@router.get("/audit/diff")
async def audit_diff(request: Request, principal: Auditor, asked: Asked) -> Response:
    outcome = await run_in_threadpool(_outcome, request, asked)
    asked = replace(asked, as_of=outcome.as_of)
    totals = outcome.totals
    chosen = [d for d in outcome.differences if _matches(d, asked.drill)]
    context = {
        "asked": asked,
        "labels": (outcome.label_a, outcome.label_b),
        "totals": totals,
        "rows": [row | {"query": asked.query(**_drill_of(row))} for row in totals.rows()],
        "charts": [(dimension, _chart(totals, dimension, asked)) for dimension in DIMENSIONS],
        "differences": chosen[:DIFFERENCES_SHOWN_MAX],
        "differences_total": len(chosen),
        "shown_max": DIFFERENCES_SHOWN_MAX,
        "csv_query": asked.query(**asked.drill),
    }
    return render(request, "audit_diff.html", context)


@router.get("/audit/diff.csv")
async def audit_csv(request: Request, principal: Auditor, asked: Asked) -> Response:
    outcome = await run_in_threadpool(_outcome, request, asked)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(_CSV_FIELDS))
    writer.writeheader()
    for difference in outcome.differences:
        if _matches(difference, asked.drill):
            writer.writerow(difference.row())
    sides = f"job-{asked.job}" if asked.job else f"{_file_part(asked.a or '')}-vs-{_file_part(asked.b or '')}"
    name = f"audit-{sides}-{outcome.as_of.isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


#: The columns of ``Difference.row()`` (and of ``ledger audit --csv``).
_CSV_FIELDS = ("member_id", "region", "scheme", "year", "kind", "claim_id", "field", "value_a", "value_b", "delta")


def _file_part(reference: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in reference)[:40]


def _label(reference: str, edition: Edition | None) -> str:
    return reference if edition is None or edition.name == reference else f"{edition.name} @{edition.hash_short}"


def _outcome(request: Request, asked: AuditRequest) -> AuditOutcome:
    """The stored results of an audit job, or an audit of every member (of the region) run now."""
    state = request.app.state
    if asked.job:
        job = next((row for row in recent_audits(state.read_engine, job_id=asked.job)), None)
        if job is None:
            raise HTTPException(404, f"no audit job {asked.job}")
        totals = AuditTotals()
        differences: list[Difference] = []
        for _member_id, found in audit_job_results(state.read_engine, asked.job):
            totals.add(found)
            differences.extend(found)
        return AuditOutcome(totals, differences, job.side_a, job.side_b, date.fromisoformat(job.as_of))
    assert asked.a is not None and asked.b is not None
    edition_a = None if asked.a == RULEBOOK else resolve(asked.a, state.rulebook, state.read_engine)
    against: Any = asked.b if asked.b == RECORDED else None
    if asked.b not in (RECORDED, RULEBOOK):
        against = resolve(asked.b, state.rulebook, state.read_engine)
    totals = AuditTotals()
    differences = []
    for _member_id, found in audit_members(
        state.ledger,
        state.rulebook,
        edition_a=edition_a,
        against=against,
        members=list(_bounded(member_ids(state.ledger))),
        as_of=asked.as_of,
        known_at=datetime.now(UTC),
        region=asked.region,
    ):
        totals.add(found)
        differences.extend(found)
    label_b = _label(asked.b, against if isinstance(against, Edition) else None)
    return AuditOutcome(totals, differences, _label(asked.a, edition_a), label_b, asked.as_of)


def _bounded(members: Iterator[str]) -> Iterator[str]:
    for count, member_id in enumerate(members, start=1):
        if count > AUDIT_MEMBERS_MAX:
            raise HTTPException(
                422, f"more than {AUDIT_MEMBERS_MAX} members: run `ledger audit` (docs/audit.md) for the whole ledger"
            )
        yield member_id


def _matches(difference: Difference, drill: dict[str, str]) -> bool:
    row = difference.row()
    checks = {"d_region": row["region"], "d_scheme": row["scheme"], "d_layer": row["field"], "d_year": str(row["year"])}
    checks["member"] = row["member_id"]
    return all(checks[key] == value for key, value in drill.items())


def _drill_of(row: dict[str, Any]) -> dict[str, str]:
    return {"d_region": row["region"], "d_scheme": row["scheme"], "d_layer": row["layer"], "d_year": str(row["year"])}


def _chart(totals: AuditTotals, dimension: str, asked: AuditRequest) -> list[dict[str, Any]]:
    """The totals added up along one dimension: one bar per value, its length the share of the largest |delta|."""
    position = DIMENSIONS.index(dimension)
    delta_fen: dict[str, int] = {}
    claims: dict[str, int] = {}
    for total_key, value in totals.delta_fen.items():
        key = str(total_key[position])
        delta_fen[key] = delta_fen.get(key, 0) + value
        claims[key] = claims.get(key, 0) + totals.claims[total_key]
    largest = max((abs(value) for value in delta_fen.values()), default=0) or 1
    return [
        {
            "key": key,
            "delta": format_yuan(value),
            "delta_fen": value,
            "claims": claims[key],
            "percent": round(100.0 * abs(value) / largest, 1),
            "query": asked.query(**{f"d_{dimension}": key}),
        }
        for key, value in sorted(delta_fen.items())
    ]
