"""Dated parameters: a value holds from its date until the next; before the first is an error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.policies import Bands, DateOutOfRangeError, Table, UnknownRuleSetParameterError


def test_value_holds_from_its_date_until_the_next(build, raw_rule_set):
    edition = build(raw_rule_set)
    assert edition.value("major_illness.threshold", date(2025, 1, 1)) == 1_800_000
    assert edition.value("major_illness.threshold", date(2025, 12, 31)) == 1_800_000
    assert edition.value("major_illness.threshold", date(2026, 1, 1)) == 2_480_000


def test_date_before_first_value_is_an_error_never_a_default(build, raw_rule_set):
    edition = build(raw_rule_set)
    with pytest.raises(DateOutOfRangeError) as caught:
        edition.value("major_illness.threshold", date(2024, 12, 31))
    assert caught.value.parameter == "major_illness.threshold"
    assert caught.value.first_on == date(2025, 1, 1)


def test_date_past_the_stated_period_carries_the_last_value_forward_and_says_so(build, raw_rule_set):
    edition = build(raw_rule_set)
    inside = edition.reading("major_illness.threshold", date(2026, 12, 31))
    beyond = edition.reading("major_illness.threshold", date(2027, 6, 1))
    assert inside.carried_forward is False
    assert beyond.value == 2_480_000 and beyond.carried_forward is True


def test_value_is_not_marked_carried_forward_once_the_next_value_has_taken_over(build, raw_rule_set):
    reading = build(raw_rule_set).reading("major_illness.threshold", date(2026, 2, 1))
    assert reading.carried_forward is False


def test_reading_keeps_reference_note_and_assumption(build, raw_rule_set):
    edition = build(raw_rule_set)
    reading = edition.reading("major_illness.threshold", date(2026, 3, 1))
    assert reading.assumption is True and reading.note == "date assumed"
    assert edition.reference_json(reading.reference) == {
        "document": "沈医保发〔2025〕55号",
        "title": "t",
        "seed_file": "001.txt",
        "section": "001 大病保险 4",
    }


def test_unknown_parameter_lookup_is_refused(build, raw_rule_set):
    with pytest.raises(UnknownRuleSetParameterError):
        build(raw_rule_set).value("no.such", date(2025, 1, 1))


def test_table_cells_by_facility_level_and_person_kind(build, raw_rule_set):
    table = build(raw_rule_set).value("inpatient.ratio", date(2025, 6, 1))
    assert isinstance(table, Table)
    assert table.cell("level3", "adult") == Decimal("0.75")
    with pytest.raises(KeyError):
        table.cell("level2", "adult")


def test_bands_pay_marginally_like_a_tax_schedule(build, raw_rule_set):
    bands = build(raw_rule_set).value("major_illness.tiers", date(2025, 6, 1))
    assert isinstance(bands, Bands)
    # cumulative co-pay 60,000 with threshold 18,000: 60% of 32,000 + 65% of 10,000
    assert bands.amount_due(base_fen=6_000_000, threshold_fen=1_800_000) == 1_920_000 + 650_000
    assert bands.amount_due(base_fen=1_000_000, threshold_fen=1_800_000) == 0


def test_bands_above_threshold_measure_the_excess():
    from domain.policies import Tier

    bands = Bands("above_threshold", (Tier(0, Decimal("0.60")), Tier(10_000_000, Decimal("0.70"))))
    # Bazhong 002 ch.3 二十三问 shape: 0-100,000 above the threshold at 60%, above at 70%
    assert bands.amount_due(base_fen=11_444_800 + 1_444_800, threshold_fen=1_444_800) == 6_000_000 + 1_011_360


def test_parameters_on_lists_every_parameter_in_force_sorted_by_name(build, raw_rule_set):
    readings = build(raw_rule_set).parameters_on(date(2025, 6, 1))
    assert [reading.name for reading in readings] == sorted(raw_rule_set["parameters"])


def test_a_gap_between_printed_years_is_marked_carried_forward(build, raw_rule_set):
    raw_rule_set["parameters"]["major_illness.threshold"]["values"][1]["from"] = "2028-01-01"
    reading = build(raw_rule_set).reading("major_illness.threshold", date(2026, 6, 1))
    assert reading.value == 1_800_000 and reading.carried_forward is True
