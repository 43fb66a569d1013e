"""Event contract v1: every type accepted when valid, refused naming the field when not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.contract import BATCH_EVENTS_MAX, EVENT_TYPES, content_sha256, parse_batch, parse_event
from domain.errors import InvalidBatch, InvalidEvents
from tests.support.events import VALID_DATA, make_event

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events" / "v1"


def problems_of(raw: list[Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidEvents) as caught:
        parse_batch(raw)
    return [problem.as_dict() for problem in caught.value.problems]


def test_every_event_type_has_a_valid_example() -> None:
    assert set(VALID_DATA) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_valid_event_of_each_type_is_accepted(event_type: str) -> None:
    event = parse_event(make_event(event_type))
    assert event.type == event_type  # type: ignore[attr-defined]


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_unknown_data_field_is_refused_by_name(event_type: str) -> None:
    raw = make_event(event_type, surprise="x")
    [problem] = problems_of([raw])
    assert problem == {
        "index": 0,
        "event_id": raw["event_id"],
        "field": "data.surprise",
        "reason": "is not a field of this event type",
    }


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_missing_required_data_field_is_named(event_type: str) -> None:
    _, data = VALID_DATA[event_type]
    first_field = next(iter(data))
    [problem] = problems_of([make_event(event_type, **{first_field: None})])
    assert problem["field"] == f"data.{first_field}"
    assert problem["reason"] == "is required"


# One wrong enum value per type, on the field that carries the enum.
WRONG_ENUMS = [
    ("MemberRegistered", "region", "beijing"),
    ("MemberRegistered", "sex", "X"),
    ("CategoryCertified", "category", "billionaire"),
    ("CategoryRevoked", "category", "nobody"),
    ("ContributionPaid", "scheme", "private"),
    ("ContributionPaid", "kind", "gift"),
    ("CoverageEnded", "reason", "bored"),
    ("RemoteCareFiled", "kind", "holiday"),
    ("ConditionCertified", "programme", "wellness"),
    ("ClaimSubmitted", "setting", "spa"),
    ("ClaimSubmitted", "facility_level", "level9"),
    ("ClaimSubmitted", "location", "moon"),
    ("ClaimSubmitted", "flags", ["cancer", "lucky"]),
    ("ContributionBaseDeclared", "kind", "salary"),
    ("PersonalAccountSpent", "purpose", "holiday"),
    ("RelativeBound", "relationship", "neighbour"),
    ("FamilyAidTransferred", "purpose", "gift"),
    ("FamilyAidTransferred", "channel", "cash"),
    ("PersonalAccountPaidOut", "reason", "bored"),
    ("ContributionYearsDeemed", "basis", "hobby"),
    ("RetirementReached", "region", "beijing"),
    ("MaternityOccurred", "kind", "adoption"),
    ("MaternityOccurred", "insured_as", "student"),
    ("MemberTransferred", "to_region", "beijing"),
    ("MemberTransferred", "scheme", "private"),
]


@pytest.mark.parametrize(("event_type", "field", "value"), WRONG_ENUMS)
def test_wrong_enum_value_is_refused_by_field(event_type: str, field: str, value: Any) -> None:
    [problem] = problems_of([make_event(event_type, **{field: value})])
    assert problem["field"].startswith(f"data.{field}")
    assert "Input should be" in problem["reason"]


BAD_DATES = [
    ("MemberRegistered", "birth_date", "1980-02-30", "is not a real calendar date"),
    ("CategoryCertified", "valid_from", "2025/02/01", "must be a date written YYYY-MM-DD"),
    ("CategoryRevoked", "valid_to", 20250630, "must be a date written YYYY-MM-DD"),
    ("ContributionPaid", "coverage_start", "2025-1-1", "must be a date written YYYY-MM-DD"),
    ("RemoteCareFiled", "valid_from", "yesterday", "must be a date written YYYY-MM-DD"),
    ("ConditionCertified", "valid_from", "2025-13-01", "is not a real calendar date"),
    ("ClaimSubmitted", "admitted_on", "2025-05-01T00:00:00", "must be a date written YYYY-MM-DD"),
]


@pytest.mark.parametrize(("event_type", "field", "value", "reason"), BAD_DATES)
def test_bad_date_is_refused_by_field(event_type: str, field: str, value: Any, reason: str) -> None:
    problems = problems_of([make_event(event_type, **{field: value})])
    assert {"field": f"data.{field}", "reason_starts": reason} in [
        {"field": p["field"], "reason_starts": reason} for p in problems if p["reason"].startswith(reason)
    ]


def test_bad_envelope_dates_are_named() -> None:
    raw = make_event("CoverageEnded") | {"occurred_on": "2025-02-29"}
    [problem] = problems_of([raw])
    assert problem["field"] == "occurred_on"


@pytest.mark.parametrize(
    ("event_type", "start_field", "end_field", "start", "end"),
    [
        ("ContributionPaid", "coverage_start", "coverage_end", "2025-03-01", "2025-01-31"),
        ("CategoryCertified", "valid_from", "valid_to", "2025-03-01", "2025-02-28"),
        ("RemoteCareFiled", "valid_from", "valid_to", "2025-03-01", "2025-02-28"),
        ("ConditionCertified", "valid_from", "valid_to", "2025-03-01", "2025-02-28"),
        ("ClaimSubmitted", "admitted_on", "discharged_on", "2025-05-11", "2025-05-10"),
    ],
)
def test_range_end_before_start_names_the_end_field(
    event_type: str, start_field: str, end_field: str, start: str, end: str
) -> None:
    overrides: dict[str, Any] = {start_field: start, end_field: end}
    if event_type == "ContributionPaid":
        overrides["scheme"] = "employee"
    problems = problems_of([make_event(event_type, **overrides)])
    assert problems[0]["field"] == f"data.{end_field}"
    assert "is before" in problems[0]["reason"]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("-400.00", "must not be negative"),
        ("400.001", "must have at most two decimals"),
        (400, "must be a string in yuan"),
        (400.5, "must be a string in yuan"),
        ("4e2", "must be a yuan amount"),
        ("", "must be a yuan amount"),
        ("0400", "must be a yuan amount"),
    ],
)
def test_bad_money_is_refused_with_the_reason(amount: Any, reason: str) -> None:
    [problem] = problems_of([make_event("ContributionPaid", amount=amount)])
    assert problem["field"] == "data.amount"
    assert problem["reason"].startswith(reason)


def test_money_is_stored_exactly_in_fen() -> None:
    event = parse_event(make_event("ContributionPaid", amount="400.5"))
    assert event.data.amount == 40050  # type: ignore[attr-defined]


def test_claim_parts_must_add_up_to_the_total() -> None:
    [problem] = problems_of([make_event("ClaimSubmitted", total_amount="4500.01")])
    assert problem["field"] == "data.total_amount"
    assert problem["reason"] == "policy_amount + out_of_scope + pre_self_pay = 4500.00 but total_amount is 4500.01"


def test_claim_occurred_on_must_be_the_discharge_date() -> None:
    raw = make_event("ClaimSubmitted") | {"occurred_on": "2025-05-11"}
    [problem] = problems_of([raw])
    assert problem["field"] == "occurred_on"


def test_resident_contribution_covers_one_calendar_year() -> None:
    [problem] = problems_of([make_event("ContributionPaid", coverage_end="2026-12-31")])
    assert problem["field"] == "data.coverage_end"
    assert "one calendar year" in problem["reason"]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2025-01-02", "2025-03-31", "data.coverage_start"), ("2025-01-01", "2025-03-30", "data.coverage_end")],
)
def test_employee_contribution_covers_whole_months(start: str, end: str, field: str) -> None:
    [problem] = problems_of([make_event("ContributionPaid", scheme="employee", coverage_start=start, coverage_end=end)])
    assert problem["field"] == field


def test_employee_contribution_of_whole_months_is_accepted() -> None:
    parse_event(
        make_event("ContributionPaid", scheme="employee", coverage_start="2024-02-01", coverage_end="2024-02-29")
    )


def test_unknown_type_is_refused_naming_type() -> None:
    raw = make_event("CoverageEnded") | {"type": "CoverageExtended"}
    [problem] = problems_of([raw])
    assert problem["field"] == "type"
    assert problem["event_id"] == raw["event_id"]


def test_unknown_envelope_field_is_refused() -> None:
    [problem] = problems_of([make_event("CoverageEnded") | {"colour": "blue"}])
    assert problem["field"] == "colour"


def test_naive_recorded_at_is_refused() -> None:
    [problem] = problems_of([make_event("CoverageEnded") | {"recorded_at": "2025-01-01T00:00:00"}])
    assert problem["field"] == "recorded_at"


def test_recorded_at_is_normalised_to_utc() -> None:
    event = parse_event(make_event("CoverageEnded") | {"recorded_at": "2025-01-01T08:00:00+08:00"})
    assert event.recorded_at is not None and event.recorded_at.isoformat() == "2025-01-01T00:00:00+00:00"


def test_problems_name_index_and_event_id_across_a_batch() -> None:
    good, bad = make_event("CoverageEnded", label="good"), make_event("ClaimReversed", label="bad", reason=None)
    problems = problems_of([good, good, bad])
    assert problems == [{"index": 2, "event_id": bad["event_id"], "field": "data.reason", "reason": "is required"}]


def test_batch_size_limits() -> None:
    with pytest.raises(InvalidBatch):
        parse_batch([])
    with pytest.raises(InvalidBatch):
        parse_batch([make_event("CoverageEnded")] * (BATCH_EVENTS_MAX + 1))
    with pytest.raises(InvalidBatch):
        parse_batch({"not": "a list"})


def test_same_content_in_other_spelling_has_the_same_digest() -> None:
    a = parse_event(make_event("ContributionPaid", amount="400"))
    b = parse_event(make_event("ContributionPaid", amount="400.00") | {"recorded_at": "2025-01-01T00:00:00Z"})
    assert content_sha256(a) == content_sha256(b)
    c = parse_event(make_event("ClaimSubmitted", flags=["cancer", "emergency"]))
    d = parse_event(make_event("ClaimSubmitted", flags=["emergency", "cancer"]))
    assert content_sha256(c) == content_sha256(d)
    e = parse_event(make_event("ContributionPaid", amount="400.01"))
    assert content_sha256(a) != content_sha256(e)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_v1_fixture_corpus_still_parses(path: Path) -> None:
    """Old event JSON must keep parsing (style §13): a v2 adds an upcaster, never breaks these."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    event = parse_event(raw)
    assert event.model_dump(mode="json", exclude_none=True, exclude={"recorded_at"}) | {
        "data": event.data.model_dump(mode="json", exclude_none=True)
    } == {  # type: ignore[attr-defined]
        key: value for key, value in raw.items() if key != "recorded_at"
    }


def test_fixture_corpus_covers_every_type() -> None:
    types = {json.loads(p.read_text(encoding="utf-8"))["type"] for p in FIXTURES.glob("*.json")}
    assert types == set(EVENT_TYPES)


# --------------------------------------------------------------------------- employee accounts


def test_a_field_naming_another_member_ends_in_member_id() -> None:
    """Pseudonymisation at the API edge rewrites every ``*_member_id``: other members are only named so."""
    from domain import contract

    for name in ("RelativeBoundData", "RelativeUnboundData", "FamilyAidTransferredData"):
        fields = getattr(contract, name).model_fields
        assert "relative_member_id" in fields, name
        assert not [f for f in fields if "relative" in f and not f.endswith("_member_id")], name


def test_relative_member_id_follows_the_member_id_pattern() -> None:
    [problem] = problems_of([make_event("RelativeBound", relative_member_id="not a member id")])
    assert problem["field"] == "data.relative_member_id"


@pytest.mark.parametrize(
    ("event_type", "field", "value"),
    [
        ("ContributionYearsDeemed", "months", 0),
        ("ContributionYearsDeemed", "months", 721),
        ("ShortfallSettled", "months", 0),
        ("MaternityOccurred", "babies", 0),
        ("MaternityOccurred", "babies", 11),
    ],
)
def test_counts_out_of_range_are_refused_by_field(event_type: str, field: str, value: int) -> None:
    [problem] = problems_of([make_event(event_type, **{field: value})])
    assert problem["field"] == f"data.{field}"


@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("ContributionBaseDeclared", "monthly_base"),
        ("PersonalAccountSpent", "amount"),
        ("FamilyAidTransferred", "amount"),
        ("ShortfallSettled", "amount"),
        ("MaternityOccurred", "employer_average_monthly_wage"),
    ],
)
def test_account_money_is_exact_yuan(event_type: str, field: str) -> None:
    [problem] = problems_of([make_event(event_type, **{field: "-1.00"})])
    assert problem["field"] == f"data.{field}"
    assert problem["reason"].startswith("must not be negative")


def test_optional_account_fields_take_their_defaults() -> None:
    event = parse_event(make_event("FamilyAidTransferred", channel=None, cross_province=None))
    assert event.data.channel.value == "account" and event.data.cross_province is False  # type: ignore[attr-defined]
    maternity = parse_event(make_event("MaternityOccurred", babies=None, in_plan=None, insured_as=None))
    assert (maternity.data.babies, maternity.data.in_plan, maternity.data.insured_as.value) == (  # type: ignore[attr-defined]
        1,
        True,
        "employee",
    )


def test_a_settlement_share_names_its_claim() -> None:
    [problem] = problems_of([make_event("PersonalAccountSpent", claim_id=None)])
    assert problem["field"] == "data.claim_id"
    assert problem["reason"] == "a settlement_share names the settled claim it pays"
    parse_event(make_event("PersonalAccountSpent", purpose="pharmacy", claim_id=None))


@pytest.mark.parametrize("event_type", ["RelativeBound", "FamilyAidTransferred"])
def test_a_member_is_not_their_own_relative(event_type: str) -> None:
    [problem] = problems_of([make_event(event_type, relative_member_id="M-0001")])
    assert problem["field"] == "data.relative_member_id"
    assert problem["reason"] == "a relative is another member, not the member themself"


def test_a_wallet_transfer_goes_through_the_wallet() -> None:
    [problem] = problems_of([make_event("FamilyAidTransferred", purpose="wallet_transfer", channel="account")])
    assert problem["field"] == "data.channel"
    parse_event(make_event("FamilyAidTransferred", purpose="wallet_transfer", channel="wallet"))


# --------------------------------------------------------------------------- corrections and moves


def test_a_retraction_names_an_event_id_and_a_reason() -> None:
    [problem] = problems_of([make_event("EventRetracted", retracted_event_id="not-a-uuid")])
    assert problem["field"] == "data.retracted_event_id"
    [problem] = problems_of([make_event("EventRetracted", reason="")])
    assert problem["field"] == "data.reason"


def test_a_retraction_cannot_retract_itself() -> None:
    raw = make_event("EventRetracted")
    raw["data"]["retracted_event_id"] = raw["event_id"]
    [problem] = problems_of([raw])
    assert problem["field"] == "data.retracted_event_id"
    assert problem["reason"] == "a retraction cannot retract itself"


def test_a_transfer_moves_between_two_regions() -> None:
    [problem] = problems_of([make_event("MemberTransferred", to_region="shenyang")])
    assert problem["field"] == "data.to_region"
    assert "must differ from from_region" in problem["reason"]


def test_a_transfer_happens_on_its_transfer_date() -> None:
    raw = make_event("MemberTransferred") | {"occurred_on": "2025-07-02"}
    [problem] = problems_of([raw])
    assert problem["field"] == "occurred_on"
    assert "data.transferred_on 2025-07-01" in problem["reason"]


def test_the_moved_account_balance_is_optional_and_exact() -> None:
    raw = make_event("MemberTransferred")
    del raw["data"]["account_balance"]
    assert parse_event(raw).data.account_balance is None  # type: ignore[attr-defined]
    [problem] = problems_of([make_event("MemberTransferred", account_balance="1.234")])
    assert problem["field"] == "data.account_balance"


def test_only_an_employee_transfer_moves_an_account_balance() -> None:
    [problem] = problems_of([make_event("MemberTransferred", scheme="resident")])
    assert problem["field"] == "data.account_balance"
    assert "a resident has no personal account" in problem["reason"]
