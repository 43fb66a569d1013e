"""Invariants of corrections (EventRetracted) over generated member histories (hypothesis).

* Retracting an event and posting it again under a new event_id gives the status the member
  would have had if it had never been retracted.
* Retractions commute with arrival order: whatever order the events (retractions included)
  arrive in, every (as_of, known_at) gives the same answer.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.contract import parse_event
from domain.entitlements.fold import MemberLedger, edition_finder, fold_member
from domain.entitlements.status import status_document
from domain.member_stream import RecordedEvent, recorded_from_contract
from tests.properties.test_fold_properties import RULEBOOK, SETTINGS, YEARS, histories

#: Every generated event is recorded by then; corrections come after it.
HISTORY_RECORDED = datetime(2035, 1, 1, tzinfo=UTC)


def _stored(items: list[tuple[dict[str, Any], datetime]]) -> list[RecordedEvent]:
    return [
        recorded_from_contract(parse_event(item), recorded_at=moment, stream_position=position)
        for position, (item, moment) in enumerate(items)
    ]


def _recorded_at(raw: dict[str, Any]) -> datetime:
    """Generated events are recorded at the start of their effective day (as the scenario runner does)."""
    return datetime.combine(date.fromisoformat(raw["occurred_on"]), datetime.min.time(), tzinfo=UTC)


def _retraction(label: str, target: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": str(uuid5(NAMESPACE_URL, f"urn:prop:retraction:{label}")),
        "member_id": target["member_id"],
        "type": "EventRetracted",
        "occurred_on": "2034-12-31",
        "data": {"retracted_event_id": target["event_id"], "reason": "posted by mistake"},
    }


def _fold(events: list[RecordedEvent], as_of: date, known_at: datetime) -> MemberLedger:
    return fold_member(events, member_id="P-1", as_of=as_of, known_at=known_at, edition_for=edition_finder(RULEBOOK))


def _comparable(ledger: MemberLedger, renamed: dict[str, str] | None = None) -> str:
    """The status and the settlements as JSON, without what names the corrections themselves; an event posted
    again is named by the id it had before (``renamed``: new id → old id)."""
    document = status_document(ledger)
    document.pop("corrections")
    document.pop("known_at")
    document["explanations"] = [e for e in document["explanations"] if e["field"] != "corrections"]
    settlements = {claim_id: s.as_json() for claim_id, s in ledger.settlements.items()}
    for settlement in settlements.values():
        for explanation in settlement["explanations"]:
            if explanation["field"] == "deadline":  # says where the application day came from: stated or recorded
                explanation.pop("text")
                explanation.pop("params")
    text = json.dumps([document, settlements], sort_keys=True, ensure_ascii=False)
    for new, old in (renamed or {}).items():
        text = text.replace(new, old)
    return text


@SETTINGS
@given(history=histories(), pick=st.integers(0, 10_000), year=st.sampled_from(YEARS))
def test_retracting_and_posting_again_is_as_if_never_retracted(
    history: tuple[str, list[Any]], pick: int, year: int
) -> None:
    _, raw = history
    target = raw[pick % len(raw)]
    # Events of one effective day are ordered by recorded time: posted again later, the event moves after the
    # others of its day (a second claim that day then sees the first one's cap use). The property is about the
    # content of a correction, so the target has its day to itself.
    assume(all(item is target or item["occurred_on"] != target["occurred_on"] for item in raw))
    original = [(item, _recorded_at(item)) for item in raw]
    again = {**target, "event_id": str(uuid5(NAMESPACE_URL, f"urn:prop:again:{target['event_id']}"))}
    if target["type"] == "ClaimSubmitted" and "applied_on" not in target["data"]:
        # The claim deadline counts from the application day, the recorded day when none is stated: a claim
        # posted again later states the day the member applied, as a correction of it must.
        again["data"] = {**target["data"], "applied_on": _recorded_at(target).date().isoformat()}
    # Posted again later: it sorts after the other events of its day (ties go by recorded time).
    corrected = [*original, (_retraction("r", target), HISTORY_RECORDED), (again, HISTORY_RECORDED)]
    as_of = date(year, 9, 30)
    known = HISTORY_RECORDED + timedelta(days=1)
    never = _fold(_stored(original), as_of, known)
    fixed = _fold(_stored(corrected), as_of, known)
    assert _comparable(fixed, {again["event_id"]: target["event_id"]}) == _comparable(never)
    # Between the retraction and the new post nothing else happened: before both, the old answer.
    assert _comparable(_fold(_stored(corrected), as_of, HISTORY_RECORDED - timedelta(seconds=1))) == _comparable(never)


@SETTINGS
@given(
    history=histories(),
    picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=4, unique=True),
    seed=st.integers(0, 2**32 - 1),
    year=st.sampled_from(YEARS),
    horizon=st.integers(0, 5),
)
def test_retractions_commute_with_arrival_order(
    history: tuple[str, list[Any]], picks: list[int], seed: int, year: int, horizon: int
) -> None:
    _, raw = history
    targets = {raw[p % len(raw)]["event_id"]: raw[p % len(raw)] for p in picks}
    items = [(item, _recorded_at(item)) for item in raw]
    for number, target in enumerate(targets.values()):
        items.append((_retraction(str(number), target), HISTORY_RECORDED + timedelta(hours=number)))
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    as_of = date(year, 9, 30)
    known = HISTORY_RECORDED + timedelta(hours=horizon) - timedelta(seconds=1)
    first, second = _fold(_stored(items), as_of, known), _fold(_stored(shuffled), as_of, known)
    assert status_document(first) == status_document(second)
    assert {k: s.as_json() for k, s in first.settlements.items()} == {
        k: s.as_json() for k, s in second.settlements.items()
    }
    # Exactly the retractions known by then are in effect.
    assert len(first.facts.retractions) == min(horizon, len(targets))
