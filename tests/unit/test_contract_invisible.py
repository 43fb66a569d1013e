"""New events hold no invisible characters, and their free-text ids are written plainly; events stored
before the rule are folded as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.contract import _EVENT_ADAPTER, _plain_text, _text_walk, parse_batch, parse_event, text_problems
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


_TEXT = st.text(alphabet=st.sampled_from(["a", "C", "-", "1", " ", "医", "Ｃ", "\uff0d", "ﬁ", *INVISIBLE]), max_size=6)
_NAMES = st.sampled_from(["claim_id", "reason", "data", "flags", "x_id", "_id", "id", "place", ""])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_NAMES, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400)
@given(raw=_JSON)
@example(raw={"data": {"flags": ["a", {"claim_id": "Ｃ-1"}]}})
@example(raw={"x_id": [" a"]})
@example(raw=["\u200b"])
def test_the_quick_text_check_agrees_with_the_field_by_field_walk(raw: object) -> None:
    """A value the quick check passes is one in which the walk naming each field finds nothing, and back."""
    assert _plain_text(raw, id_field=False) == (not _text_walk(raw, index=0))
    assert text_problems(raw) == _text_walk(raw, index=0)
