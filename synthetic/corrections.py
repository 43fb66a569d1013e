"""Corrections and moves in synthetic populations (``ledger synth --correction-share --move-share``).

* **Corrections** — an integration posts a mistake and takes it back: a copy of one of the member's
  events (any but the registration) under a new event_id, then an ``EventRetracted`` of the copy
  ``CORRECTION_DELAY_DAYS`` later. The member's facts once the correction is known are the facts
  without the mistake, so a population with corrections folds (after the corrections) to the same
  answers as without them — replays and benchmarks then carry the extra events and the retraction
  logic at no change of result (tested).
* **Moves** — a member paying as an employee moves away on the first of a month: a
  ``MemberTransferred`` to the other simulated region (002 ch.2 二十一问 转移接续), the balance the
  ledger computed moving with them; the member's simulated events from that day on are dropped, as
  the origin's feed posts nothing more for them.

Both draw from their own random stream (``f"{seed}:{n}:corrections"``), so the member's other
events are the same with or without them; with both shares 0 (the default) nothing changes.
"""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from synthetic.contributions import month_index
from synthetic.rules import EMPLOYEE

if TYPE_CHECKING:
    from synthetic import Life

#: Days between a mistaken event and its retraction (the integration notices and corrects it).
CORRECTION_DELAY_DAYS = (1, 60)
#: Reasons a correction gives (the integration's words).
CORRECTION_REASONS = ("posted twice by the integration", "posted to the wrong member", "entered in error")
#: Where each simulated region's members move to.
MOVE_DESTINATION = {"shenyang": "bazhong", "bazhong": "shenyang"}


def add_corrections_and_moves(life: Life, *, correction_share: float, move_share: float, seed_key: str) -> None:
    """Add the member's mistakes and their retractions, and a move away, by the given shares."""
    if correction_share <= 0 and move_share <= 0:
        return
    rng = random.Random(f"{seed_key}:corrections")
    if move_share > 0 and rng.random() < move_share:
        _move_away(life, rng)
    if correction_share > 0 and rng.random() < correction_share:
        _mistake_and_correction(life, rng)


def _move_away(life: Life, rng: random.Random) -> None:
    """On the first of a month when the member pays as an employee, the relation moves to the other region.

    This population is one region's feed: after the move the origin posts nothing more for the member, so the
    simulated events from the transfer date on are dropped (the destination's integration would post them).
    """
    first, last = month_index(life.period_start) + 1, month_index(min(life.period_end, life.life_end))
    months = [m for m in sorted(life.employee_months) if first <= m <= last]
    if not months:
        return
    month = rng.choice(months)
    moved_on = date(month // 12, month % 12 + 1, 1)  # months numbered year × 12 + month − 1
    region = life.population.region
    life.events = [item for item in life.events if item[0] < moved_on]
    life.add(
        moved_on,
        "MemberTransferred",
        {
            "from_region": region,
            "to_region": MOVE_DESTINATION[region],
            "scheme": EMPLOYEE,
            "transferred_on": moved_on.isoformat(),
        },
    )


def _mistake_and_correction(life: Life, rng: random.Random) -> None:
    candidates = [item for item in life.events if item[2] not in ("MemberRegistered", "EventRetracted")]
    if not candidates:
        return
    occurred_on, _, event_type, data = rng.choice(candidates)
    retracted_on = min(occurred_on + timedelta(days=rng.randint(*CORRECTION_DELAY_DAYS)), life.period_end)
    mistake = life.added
    life.add(occurred_on, event_type, copy.deepcopy(data))
    # The retraction names the copy by the order it was added in; member_events turns that into its event id.
    life.add(retracted_on, "EventRetracted", {"retracted_index": mistake, "reason": rng.choice(CORRECTION_REASONS)})


def resolve_retractions(events: list[dict[str, Any]], id_by_index: dict[int, str]) -> None:
    """Turn each generated retraction's ``retracted_index`` into the ``retracted_event_id`` of that event."""
    for event in events:
        if event["type"] == "EventRetracted" and "retracted_index" in event["data"]:
            index = event["data"].pop("retracted_index")
            event["data"] = {"retracted_event_id": id_by_index[index], **event["data"]}
