"""The contract refuses what cannot be true: dates outside 1900-01-01..2100-12-31, control characters in
any string, and (where events are stored) facts dated after today in China."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.contract import (
    DATE_MAX,
    DATE_MIN,
    EVENT_TYPES,
    INVISIBLE_CHARACTERS,
    future_problems,
    parse_batch,
    parse_event,
)
from domain.errors import InvalidEvents
from tests.support.events import make_event


def refusal(raw: dict[str, Any]) -> list[dict[str, object]]:
    with pytest.raises(InvalidEvents) as caught:
        parse_batch([raw])
    return [problem.as_dict() for problem in caught.value.problems]


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_a_contribution_for_an_impossible_year_is_refused(year: str) -> None:
    raw = make_event("ContributionPaid", coverage_start=f"{year}-01-01", coverage_end=f"{year}-12-31")
    problems = refusal(raw)
    assert {p["field"] for p in problems} >= {"data.coverage_start", "data.coverage_end"}
    assert all("1900-01-01 to 2100-12-31" in str(p["reason"]) for p in problems if "coverage" in str(p["field"]))


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_type_refuses_an_occurred_on_outside_the_range(event_type: str) -> None:
    raw = make_event(event_type) | {"occurred_on": "0001-01-01"}
    assert "occurred_on" in {p["field"] for p in refusal(raw)}


def test_the_range_ends_are_accepted() -> None:
    assert parse_event(make_event("MemberRegistered", birth_date=DATE_MIN.isoformat())).data.birth_date == DATE_MIN  # type: ignore[attr-defined]
    far = make_event("CategoryCertified", valid_to=DATE_MAX.isoformat())
    assert parse_event(far).data.valid_to == DATE_MAX  # type: ignore[attr-defined]


def test_recorded_at_outside_the_range_is_refused() -> None:
    raw = make_event("MemberRegistered") | {"recorded_at": "0001-01-01T00:00:00+08:00"}
    assert "recorded_at" in {p["field"] for p in refusal(raw)}


CONTROL = ["\x00", "\x01", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"]


@pytest.mark.parametrize("character", CONTROL)
@pytest.mark.parametrize(
    ("event_type", "field", "where"),
    [
        ("ClaimSubmitted", "claim_id", "data.claim_id"),
        ("ClaimSubmitted", "condition", "data.condition"),
        ("RemoteCareFiled", "place", "data.place"),
        ("ClaimReversed", "reason", "data.reason"),
        ("PersonalAccountSpent", "claim_id", "data.claim_id"),
    ],
)
def test_control_characters_are_refused_in_data_strings(
    character: str, event_type: str, field: str, where: str
) -> None:
    raw = make_event(event_type, **{field: f"C{character}1"})
    [problem] = refusal(raw)
    assert problem["field"] == where
    assert character == "\ud800" or "control character" in str(problem["reason"])  # pydantic refuses surrogates itself


@pytest.mark.parametrize("character", CONTROL)
def test_control_characters_are_refused_in_the_envelope(character: str) -> None:
    raw = make_event("MemberRegistered") | {"source": f"hospital{character}"}
    [problem] = refusal(raw)
    assert problem["field"] == "source"


@given(st.text(min_size=1, max_size=30))
def test_any_string_holding_a_control_character_is_refused_and_any_other_accepted(text: str) -> None:
    raw = make_event("ClaimReversed", reason=text)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert refusal(raw)[0]["field"] == "data.reason"
    elif INVISIBLE_CHARACTERS.search(text):  # zero-width, bidi and other formatting characters
        assert refusal(raw)[0]["field"] == "data.reason"
    elif len(text.strip()) >= 1:
        parse_event(raw)


TODAY = date(2025, 6, 1)


def test_stored_facts_may_not_lie_after_today() -> None:
    events = parse_batch(
        [
            make_event("ClaimSubmitted"),  # discharged 2025-05-10: has happened
            make_event("ClaimSubmitted", label="late", discharged_on="2025-06-02", applied_on="2025-06-02")
            | {"occurred_on": "2025-06-02"},
            make_event("ClaimSubmitted", label="applied later", applied_on="2025-06-02"),
            make_event("RetirementReached") | {"occurred_on": "2025-06-02"},
            make_event("MemberRegistered", label="unborn", birth_date="2025-06-02"),
        ]
    )
    problems = [(p.index, p.field) for p in future_problems(events, today=TODAY)]
    assert problems == [
        (1, "occurred_on"),
        (1, "data.applied_on"),
        (2, "data.applied_on"),
        (3, "occurred_on"),
        (4, "data.birth_date"),
    ]


def test_a_contribution_pays_ahead_at_most_into_next_year() -> None:
    # Paid today (2025-06-01) for 2026: the next year's collection; for 2027: further than any collection.
    next_year = make_event("ContributionPaid", coverage_start="2026-01-01", coverage_end="2026-12-31")
    beyond = make_event("ContributionPaid", label="beyond", coverage_start="2027-01-01", coverage_end="2027-12-31")
    events = parse_batch([next_year | {"occurred_on": "2025-06-01"}, beyond | {"occurred_on": "2025-06-01"}])
    assert [(p.index, p.field) for p in future_problems(events, today=TODAY)] == [(1, "data.coverage_end")]


def test_what_ifs_may_describe_the_future() -> None:
    """The contract itself accepts a claim in 2029 (the seeds' worked examples do): only storing refuses it."""
    claim = make_event(
        "ClaimSubmitted", admitted_on="2029-03-01", discharged_on="2029-03-05", applied_on="2029-03-05"
    ) | {"occurred_on": "2029-03-05"}
    assert parse_event(claim).occurred_on == date(2029, 3, 5)
