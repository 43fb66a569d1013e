"""Submitting a claim: append it, settle it with the one fold, record the decision once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from domain.contract import parse_event, refuse_future
from domain.entitlements.fold import edition_finder
from domain.errors import FieldProblem, InvalidEvents
from domain.policies import Edition
from projections.isolation import guarded_fold
from projections.store import LedgerApplication, ingest


def submit_claim(
    ledger: LedgerApplication, editions: Mapping[str, Edition], raw: object, *, now: datetime, today: date
) -> tuple[dict[str, Any], bool]:
    """Store one ClaimSubmitted (idempotent by event_id), settle it and record the decision.

    The claim is settled as the hospital's one-stop settlement would on submission: with every
    event effective by ``today`` (or the claim's date, if later) that the ledger knows ``now``.
    Returns the settlement document and whether this call decided it; a re-post returns the
    decision recorded the first time, unchanged.
    """
    event = parse_event(raw)
    if event.type != "ClaimSubmitted":  # type: ignore[attr-defined]
        raise InvalidEvents(
            [FieldProblem(0, str(event.event_id), "type", "POST /v1/claims takes one ClaimSubmitted event")]
        )
    refuse_future([event], today=today)
    ingest(ledger, [event], now=now, historical_import=False)
    claim_id = event.data.claim_id  # type: ignore[attr-defined]
    folded = guarded_fold(
        ledger.member_events(event.member_id),
        member_id=event.member_id,
        as_of=max(today, event.occurred_on),
        known_at=now,
        edition_for=edition_finder(editions),
    )
    settlement = folded.settlements.get(claim_id)
    if settlement is None:  # the submission re-posted here was retracted: its claim is no longer folded
        raise InvalidEvents(
            [
                FieldProblem(
                    0,
                    str(event.event_id),
                    "event_id",
                    "this claim submission was retracted; submit the corrected claim under a new event_id",
                )
            ]
        )
    return ledger.record_settlement(settlement, decided_at=now)
