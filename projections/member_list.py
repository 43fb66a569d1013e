"""The member list of the console: members by id prefix, region, scheme and coverage on a day, paged.

Read from the member index (``member_index``: region and scheme as the projection last saw them)
and the coverage read model (``member_coverage``): as current as the live projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Engine, exists, func, select

from projections.readmodel import MemberCoverage, MemberIndex

#: Members one page lists (limits everywhere).
MEMBERS_PER_PAGE = 50
#: Longest id prefix searched.
PREFIX_CHARACTERS_MAX = 64

CoverageFilter = Literal["covered", "not_covered"]


@dataclass(frozen=True)
class MemberRow:
    member_id: str
    region: str | None
    scheme: str | None
    covered: bool
    event_count: int
    last_occurred_on: date | None


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    total: int
    page: int
    pages: int


def _escaped(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_members(
    engine: Engine,
    *,
    on: date,
    prefix: str = "",
    region: str | None = None,
    scheme: str | None = None,
    coverage: CoverageFilter | None = None,
    page: int = 1,
) -> MemberPage:
    """One page of members in id order with their coverage on ``on``; ``page`` counts from 1."""
    assert len(prefix) <= PREFIX_CHARACTERS_MAX and page >= 1
    covered = exists().where(
        MemberCoverage.member_id == MemberIndex.member_id,
        MemberCoverage.covered_from <= on,
        MemberCoverage.covered_until > on,
    )
    conditions = []
    if prefix:
        conditions.append(MemberIndex.member_id.like(_escaped(prefix), escape="\\"))
    if region:
        conditions.append(MemberIndex.region == region)
    if scheme:
        conditions.append(MemberIndex.scheme == scheme)
    if coverage == "covered":
        conditions.append(covered)
    elif coverage == "not_covered":
        conditions.append(~covered)
    with engine.connect() as connection:
        total = int(connection.execute(select(func.count()).select_from(MemberIndex).where(*conditions)).scalar_one())
        pages = max(1, -(-total // MEMBERS_PER_PAGE))
        chosen = min(page, pages)
        found = connection.execute(
            select(
                MemberIndex.member_id,
                MemberIndex.region,
                MemberIndex.scheme,
                covered.label("covered"),
                MemberIndex.event_count,
                MemberIndex.last_occurred_on,
            )
            .where(*conditions)
            .order_by(MemberIndex.member_id)
            .offset((chosen - 1) * MEMBERS_PER_PAGE)
            .limit(MEMBERS_PER_PAGE)
        ).all()
    rows = [MemberRow(r[0], r[1], r[2], bool(r[3]), int(r[4] or 0), r[5]) for r in found]
    return MemberPage(rows=rows, total=total, page=chosen, pages=pages)
