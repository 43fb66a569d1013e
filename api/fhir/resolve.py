"""Which member a FHIR read (``Coverage/{id}``, ``ExplanationOfBenefit/{id}``) is about.

A read names only the resource id; the resource lives in its member's stream. The member is found
(1) in this process's index of the ids it has served (every search, read and reference it wrote),
then (2) in the read model (``claim_settlement`` by claim id; ``member_coverage`` by recomputing
each spell's deterministic id). The answer is then folded from the member's events as for a
search, so a read and a search always give the same resource.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from sqlalchemy import Engine, select

from api.fhir.common import fhir_id
from api.fhir.coverage import coverage_ids
from projections.readmodel import ClaimSettlementRow, MemberCoverage

#: Most ids the in-process index keeps (least recently used dropped first): limits everywhere.
SERVED_IDS_MAX = 100_000
#: Most coverage rows scanned to find a coverage id the index does not know.
COVERAGE_ROWS_SCANNED_MAX = 2_000_000


class ServedIds:
    """A bounded map of FHIR ids this process has written to (member id, natural id), thread-safe."""

    def __init__(self, size_max: int = SERVED_IDS_MAX) -> None:
        self._items: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
        self._size_max = size_max
        self._lock = Lock()

    def remember(self, resource_type: str, resource_id: str, *, member_id: str, natural_id: str) -> None:
        with self._lock:
            self._items[(resource_type, resource_id)] = (member_id, natural_id)
            self._items.move_to_end((resource_type, resource_id))
            while len(self._items) > self._size_max:
                self._items.popitem(last=False)

    def find(self, resource_type: str, resource_id: str) -> tuple[str, str] | None:
        with self._lock:
            return self._items.get((resource_type, resource_id))


def claim_of(engine: Engine, served: ServedIds, eob_id: str) -> tuple[str, str] | None:
    """(member id, claim id) of an ExplanationOfBenefit id, or None when no one knows it."""
    known = served.find("ExplanationOfBenefit", eob_id)
    if known is not None:
        return known
    with engine.connect() as connection:
        rows = connection.execute(
            select(ClaimSettlementRow.member_id, ClaimSettlementRow.claim_id).where(
                ClaimSettlementRow.claim_id == eob_id
            )
        ).all()
    for member_id, claim_id in rows:
        if fhir_id(claim_id, "claim") == eob_id:
            return member_id, claim_id
    return None


def coverage_member(engine: Engine, served: ServedIds, coverage_id: str) -> str | None:
    """The member whose coverage spell has this id, or None."""
    known = served.find("Coverage", coverage_id)
    if known is not None:
        return known[0]
    with engine.connect() as connection:
        rows = connection.execute(
            select(MemberCoverage)
            .order_by(MemberCoverage.member_id, MemberCoverage.period_number)
            .limit(COVERAGE_ROWS_SCANNED_MAX)
        ).scalars()
        by_member: dict[str, list[MemberCoverage]] = {}
        for row in rows:
            by_member.setdefault(row.member_id, []).append(row)
    for member_id, periods in by_member.items():
        if coverage_id in coverage_ids(member_id, periods):  # type: ignore[arg-type]
            return member_id
    return None
