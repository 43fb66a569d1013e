"""New events hold no invisible characters, and their free-text ids are written plainly; events stored
before the rule are folded as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.contract import _EVENT_ADAPTER, parse_batch, parse_event
from domain.entitlements.fold import edition_finder, fold_member
from domain.errors import InvalidEvents
from domain.scenario import recorded
from projections.rulebook import load_rulebook
from tests.support.events import make_event

#: Characters that do not show but change how text reads or compares.
INVISIBLE = ["\u200b", "\u200d", "\u00ad", "\ufeff", "\u202e", "\u2066", "\U000e0041"]


@pytest.mark.parametrize("character", INVISIBLE)
@pytest.mark.parametrize(
    ("event_type", "field"),
    [("ClaimSubmitted", "claim_id"), ("ClaimReversed", "reason"), ("RemoteCareFiled", "place")],
)
def test_an_invisible_character_is_refused_naming_the_field(event_type: str, field: str, character: str) -> None:
    event = make_event(event_type)
    event["data"][field] = f"{event['data'][field]}{character}"
    for parse in (lambda: parse_batch([make_event("MemberRegistered"), event]), lambda: parse_event(event, index=1)):
        with pytest.raises(InvalidEvents) as refused:
            parse()
        [problem] = refused.value.problems
        assert (problem.index, problem.field) == (1, f"data.{field}")
        assert f"U+{ord(character):04X}" in problem.reason


@pytest.mark.parametrize("claim_id", ["C-1 ", " C-1", "Ｃ-1", "C\uff0d1"])
def test_a_claim_id_that_reads_as_another_is_refused(claim_id: str) -> None:
    """ "Ｃ-1" (full width) and "C-1 " are other claims than "C-1" to the ledger but not to a reader."""
    with pytest.raises(InvalidEvents) as refused:
        parse_batch([make_event("ClaimSubmitted", claim_id=claim_id)])
    assert [p.field for p in refused.value.problems] == ["data.claim_id"]


def test_plain_chinese_text_and_ids_are_accepted() -> None:
    events = parse_batch(
        [
            make_event("ClaimSubmitted", claim_id="住院-2025-001"),
            make_event("RemoteCareFiled", place="海南省三亚市"),
            make_event("ClaimReversed", reason="收费错误，重新结算"),
        ]
    )
    assert events[0].data.claim_id == "住院-2025-001"  # type: ignore[attr-defined]


def test_an_event_stored_before_the_rule_still_folds() -> None:
    raw = [make_event("MemberRegistered"), make_event("ContributionPaid"), make_event("ClaimSubmitted")]
    raw[2]["data"]["claim_id"] = "C-1\u200b"
    stored = [recorded(_EVENT_ADAPTER.validate_python(event), position) for position, event in enumerate(raw)]
    ledger = fold_member(
        stored,
        member_id="M-0001",
        as_of=date(2025, 6, 1),
        known_at=datetime(2026, 1, 1, tzinfo=UTC),
        edition_for=edition_finder(load_rulebook()),
    )
    assert set(ledger.settlements) == {"C-1\u200b"}
