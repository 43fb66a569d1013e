"""The member list of the console and of ``GET /v1/members``: members by id prefix, name prefix,
region, scheme and coverage on a day, paged.

Read from the member index (``member_index``: region, scheme and name as the projection last saw
them) and the coverage read model (``member_coverage``): as current as the live projection. Names
are searched by their key (:func:`name_search_key`) with an index (``ix_member_index_name_key``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Engine, exists, false, func, select

from projections.readmodel import MemberCoverage, MemberIndex

#: Members one page lists (limits everywhere).
MEMBERS_PER_PAGE = 50
#: Longest id prefix searched.
PREFIX_CHARACTERS_MAX = 64
#: Longest name prefix searched, and longest stored search key (the column's width).
NAME_CHARACTERS_MAX = 100

CoverageFilter = Literal["covered", "not_covered"]


@dataclass(frozen=True)
class MemberRow:
    member_id: str
    region: str | None
    scheme: str | None
    covered: bool
    event_count: int
    last_occurred_on: date | None
    name: str | None = None


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    total: int
    page: int
    pages: int


def name_search_key(name: str) -> str:
    """A name as searched: NFKC (full-width letters as ASCII), case-folded, without white space.

    So 张三 is found by 张, "Li Wei" by "li w" or "LIWEI", and a full-width Ｌｉ by Li. The
    projection stores it beside the name; a search applies the same function to the prefix typed.
    """
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())[:NAME_CHARACTERS_MAX]


def _escaped(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_members(
    engine: Engine,
    *,
    on: date,
    prefix: str = "",
    name: str = "",
    region: str | None = None,
    scheme: str | None = None,
    coverage: CoverageFilter | None = None,
    page: int = 1,
) -> MemberPage:
    """One page of members in id order with their coverage on ``on``; ``page`` counts from 1.

    ``prefix`` matches the start of the member id, ``name`` the start of the name (by
    :func:`name_search_key`; a name that is only white space matches every member); both given,
    a member matches both.
    """
    assert len(prefix) <= PREFIX_CHARACTERS_MAX and len(name) <= NAME_CHARACTERS_MAX and page >= 1
    covered = exists().where(
        MemberCoverage.member_id == MemberIndex.member_id,
        MemberCoverage.covered_from <= on,
        MemberCoverage.covered_until > on,
    )
    conditions = []
    if prefix:
        conditions.append(MemberIndex.member_id.like(_escaped(prefix), escape="\\"))
    name_key = name_search_key(name)
    if any(unicodedata.category(c) == "Cc" for c in name_key):
        conditions.append(false())  # no stored name holds a control character (the contract refuses them)
    elif name_key:
        conditions.append(MemberIndex.name_key.like(_escaped(name_key), escape="\\"))
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
                MemberIndex.name,
            )
            .where(*conditions)
            .order_by(MemberIndex.member_id)
            .offset((chosen - 1) * MEMBERS_PER_PAGE)
            .limit(MEMBERS_PER_PAGE)
        ).all()
    rows = [MemberRow(r[0], r[1], r[2], bool(r[3]), int(r[4] or 0), r[5], r[6]) for r in found]
    return MemberPage(rows=rows, total=total, page=chosen, pages=pages)
