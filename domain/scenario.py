"""The scenario runner: "what would this history give?", entirely in memory.

A scenario is ``{"events": [...], "queries": [...], "edition"?: name}``. Events are contract v1
events; one without ``recorded_at`` counts as recorded at the start of its ``occurred_on``
(UTC), so a scenario is deterministic. A query is ``{"member_id", "as_of", "known_at"?}`` for a
status document, or ``{"claim_id", "as_of"?, "known_at"?}`` for a settlement. Queries answer in
order with the same fold the service uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.contract import AnyEvent, parse_batch
from domain.entitlements.fold import edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.errors import LedgerError
from domain.member_stream import RecordedEvent, recorded_from_contract
from domain.policies import Edition

#: Most queries one scenario may ask.
SCENARIO_QUERIES_MAX = 10_000


class ScenarioQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str | None = None
    claim_id: str | None = None
    as_of: date | None = None
    known_at: datetime | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(min_length=1)
    queries: list[ScenarioQuery] = Field(min_length=1, max_length=SCENARIO_QUERIES_MAX)
    edition: str | None = None


class ScenarioError(LedgerError):
    code = "invalid_scenario"


def recorded(event: AnyEvent, position: int) -> RecordedEvent:
    """A contract event as if stored: recorded at its given time, else at the start of its day."""
    recorded_at = event.recorded_at or datetime.combine(event.occurred_on, time(0), tzinfo=UTC)
    return recorded_from_contract(event, recorded_at=recorded_at, stream_position=position)


def run_scenario(
    scenario: Scenario, editions: Mapping[str, Edition], *, override: Edition | None = None
) -> list[dict[str, Any]]:
    """One document per query, in order."""
    events = parse_batch(scenario.events)
    by_member: dict[str, list[RecordedEvent]] = {}
    for position, event in enumerate(events):
        by_member.setdefault(event.member_id, []).append(recorded(event, position))
    if override is None and scenario.edition is not None:
        if scenario.edition not in editions:
            raise ScenarioError(f"edition {scenario.edition!r} is not in the rulebook ({', '.join(sorted(editions))})")
        override = editions[scenario.edition]
    finder = edition_finder(editions, override)
    latest_recorded = max(e.recorded_at for member in by_member.values() for e in member)
    latest_day = max(e.occurred_on for member in by_member.values() for e in member)
    answers: list[dict[str, Any]] = []
    for index, query in enumerate(scenario.queries):
        known_at = query.known_at or latest_recorded
        if query.claim_id is not None:
            member_id = query.member_id or _claim_member(by_member, query.claim_id)
            ledger = fold_member(
                by_member[member_id],
                member_id=member_id,
                as_of=query.as_of or latest_day,
                known_at=known_at,
                edition_for=finder,
            )
            settlement = ledger.settlements.get(query.claim_id)
            if settlement is None:
                raise ScenarioError(f"query #{index}: claim {query.claim_id} is not visible at that as_of / known_at")
            answers.append(settlement.as_json())
        elif query.member_id is not None:
            if query.as_of is None:
                raise ScenarioError(f"query #{index}: a status query needs as_of")
            ledger = fold_member(
                by_member.get(query.member_id, []),
                member_id=query.member_id,
                as_of=query.as_of,
                known_at=known_at,
                edition_for=finder,
            )
            answers.append(status_document(ledger))
        else:
            raise ScenarioError(f"query #{index}: name a member_id or a claim_id")
    return answers


def _claim_member(by_member: Mapping[str, list[RecordedEvent]], claim_id: str) -> str:
    for member_id, events in by_member.items():
        if any(e.type == "ClaimSubmitted" and e.data.get("claim_id") == claim_id for e in events):
            return member_id
    raise ScenarioError(f"no ClaimSubmitted with claim_id {claim_id}")
