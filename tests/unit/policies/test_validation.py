"""One test per way a rule set is refused; every error names file, parameter and date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import LedgerError
from domain.policies import (
    BandsOutOfOrderError,
    DanglingReferenceError,
    DuplicateDateError,
    MalformedRuleSetError,
    MissingReferenceError,
    NegativeMoneyError,
    RatioOutOfRangeError,
    RuleSetError,
    TableIncompleteError,
    UnknownParameterError,
    UnsortedDatesError,
)


def _assert_names(error: RuleSetError, *, parameter: str, on: date | None) -> None:
    assert error.file == "test-set.yaml"
    assert error.parameter == parameter
    assert error.on == on
    assert "test-set.yaml" in str(error) and parameter in str(error)
    assert isinstance(error, LedgerError)


def test_unknown_parameter_is_refused(build, raw_rule_set):
    raw_rule_set["parameters"]["made_up.cap"] = raw_rule_set["parameters"]["major_illness.threshold"]
    with pytest.raises(UnknownParameterError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="made_up.cap", on=None)


def test_missing_reference_is_refused(build, raw_rule_set):
    del raw_rule_set["parameters"]["major_illness.threshold"]["reference"]
    with pytest.raises(MissingReferenceError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="major_illness.threshold", on=date(2025, 1, 1))


def test_reference_to_unknown_document_is_refused(build, raw_rule_set):
    raw_rule_set["parameters"]["readings.zero_claim_accumulates"]["values"][0]["reference"] = {
        "document": "nowhere",
        "section": "x",
    }
    with pytest.raises(DanglingReferenceError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="readings.zero_claim_accumulates", on=date(2025, 1, 1))


def test_unsorted_dates_are_refused(build, raw_rule_set):
    values = raw_rule_set["parameters"]["major_illness.threshold"]["values"]
    values.reverse()
    with pytest.raises(UnsortedDatesError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="major_illness.threshold", on=date(2025, 1, 1))


def test_duplicate_dates_are_refused(build, raw_rule_set):
    values = raw_rule_set["parameters"]["major_illness.threshold"]["values"]
    values[1]["from"] = "2025-01-01"
    with pytest.raises(DuplicateDateError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="major_illness.threshold", on=date(2025, 1, 1))


def test_ratio_outside_zero_to_one_is_refused(build, raw_rule_set):
    value = raw_rule_set["parameters"]["inpatient.ratio"]["values"][0]["value"]
    value["level3"]["adult"] = "1.05"
    with pytest.raises(RatioOutOfRangeError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="inpatient.ratio", on=date(2025, 1, 1))


def test_negative_money_is_refused(build, raw_rule_set):
    raw_rule_set["parameters"]["major_illness.threshold"]["values"][1]["value"] = "-24800"
    with pytest.raises(NegativeMoneyError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="major_illness.threshold", on=date(2026, 1, 1))


def test_bands_out_of_order_are_refused(build, raw_rule_set):
    tiers = raw_rule_set["parameters"]["major_illness.tiers"]["values"][0]["value"]["tiers"]
    tiers.append({"over": "40000", "ratio": "0.70"})
    with pytest.raises(BandsOutOfOrderError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="major_illness.tiers", on=date(2025, 1, 1))


def test_table_missing_a_facility_level_is_refused(build, raw_rule_set):
    del raw_rule_set["parameters"]["inpatient.ratio"]["values"][0]["value"]["level3"]
    with pytest.raises(TableIncompleteError) as caught:
        build(raw_rule_set)
    _assert_names(caught.value, parameter="inpatient.ratio", on=date(2025, 1, 1))
    assert "level3" in str(caught.value)


def test_table_missing_a_person_kind_is_refused(build, raw_rule_set):
    del raw_rule_set["parameters"]["inpatient.ratio"]["values"][0]["value"]["level1"]["student_or_minor"]
    with pytest.raises(TableIncompleteError):
        build(raw_rule_set)


def test_table_with_an_unknown_facility_level_is_refused(build, raw_rule_set):
    raw_rule_set["parameters"]["inpatient.ratio"]["rows"] = ["level1", "level3", "level9"]
    with pytest.raises(MalformedRuleSetError):
        build(raw_rule_set)


def test_float_money_is_refused_as_inexact(build, raw_rule_set):
    raw_rule_set["parameters"]["major_illness.threshold"]["values"][0]["value"] = 18000.5
    with pytest.raises(MalformedRuleSetError):
        build(raw_rule_set)


def test_float_ratio_is_refused_as_inexact(build, raw_rule_set):
    raw_rule_set["parameters"]["inpatient.ratio"]["values"][0]["value"]["level1"]["adult"] = 0.85
    with pytest.raises(MalformedRuleSetError):
        build(raw_rule_set)
