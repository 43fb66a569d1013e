"""Contract v1 additions: where care was taken (``PrimaryClinicChosen``, a claim's ``facility_id``) and
the general consultation fee (一般诊疗费) carried by a claim."""

from __future__ import annotations

import pytest

from domain.contract import content_sha256, event_data_json, parse_event
from domain.errors import InvalidEvents
from tests.support.events import make_event


def test_a_claim_without_the_new_fields_still_parses_as_before() -> None:
    event = parse_event(make_event("ClaimSubmitted"))
    assert event.data.facility_id is None  # type: ignore[attr-defined]
    assert event.data.general_consultation_fee is None  # type: ignore[attr-defined]


def test_a_consultation_fee_above_the_policy_amount_is_refused_on_its_field() -> None:
    with pytest.raises(InvalidEvents) as caught:
        parse_event(make_event("ClaimSubmitted", general_consultation_fee="4200.01"))
    [problem] = [p.as_dict() for p in caught.value.problems]
    assert problem["field"] == "data.general_consultation_fee"
    assert "4200.01" in problem["reason"] and "4200.00" in problem["reason"]


def test_a_consultation_fee_is_money_in_yuan() -> None:
    event = parse_event(make_event("ClaimSubmitted", general_consultation_fee="6"))
    assert event.data.general_consultation_fee == 600  # type: ignore[attr-defined]


@pytest.mark.parametrize("facility_id", ["", "has space", "-leading", "x" * 65])
def test_a_malformed_facility_id_is_refused_on_its_field(facility_id: str) -> None:
    with pytest.raises(InvalidEvents) as caught:
        parse_event(make_event("ClaimSubmitted", facility_id=facility_id))
    assert [p.as_dict()["field"] for p in caught.value.problems] == ["data.facility_id"]


def test_a_clinic_choice_names_its_village_clinics() -> None:
    event = parse_event(make_event("PrimaryClinicChosen", village_clinic_ids=["SY-VIL-1", "SY-VIL-2"]))
    assert event.data.village_clinic_ids == ["SY-VIL-1", "SY-VIL-2"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidEvents) as caught:
        parse_event(make_event("PrimaryClinicChosen", village_clinic_ids=["ok", "not ok"]))
    assert caught.value.problems[0].as_dict()["field"].startswith("data.village_clinic_ids")


@pytest.mark.parametrize(("field", "value"), [("facility_id", "SY-TOWN-001"), ("general_consultation_fee", "6.00")])
def test_the_new_claim_fields_change_the_content_only_when_sent(field: str, value: str) -> None:
    before = parse_event(make_event("ClaimSubmitted"))
    assert field not in event_data_json(before), "an earlier claim keeps its stored form"
    sent = parse_event(make_event("ClaimSubmitted", **{field: value}))
    assert content_sha256(sent) != content_sha256(before)
    assert event_data_json(sent)[field] == value
