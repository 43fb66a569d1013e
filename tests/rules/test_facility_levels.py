"""Every facility level a claim can carry has a row in every table keyed by facility level (its own, or the one
``readings.facility_level_row`` names, cited to the seed), in every packaged rule set."""

from __future__ import annotations

import pytest

from domain.contract import FacilityLevel
from domain.policies import Table
from domain.settlement.levels import LEVEL_ROW
from projections.rulebook import Rulebook

from .conftest import ON_2025


def _level_tables(rulebook: Rulebook) -> list[tuple[str, str, Table]]:
    found = []
    for name, edition in rulebook.items():
        for reading in edition.parameters_on(ON_2025):
            value = reading.value
            if isinstance(value, Table) and value.row_axis == "facility_level" and reading.name != LEVEL_ROW:
                found.append((name, reading.name, value))
    return found


def test_level_tables_are_found(rulebook: Rulebook) -> None:
    names = {(edition, parameter) for edition, parameter, _ in _level_tables(rulebook)}
    assert ("shenyang-employee", "inpatient.deductible") in names
    assert ("bazhong-resident", "inpatient.ratio") in names


@pytest.mark.parametrize("level", [level.value for level in FacilityLevel])
def test_every_level_reaches_a_row(rulebook: Rulebook, level: str) -> None:
    for edition_name, parameter, table in _level_tables(rulebook):
        if level in table.rows:
            continue
        edition = rulebook[edition_name]
        assert LEVEL_ROW in edition.parameters, f"{edition_name} {parameter} has no {level} row and no {LEVEL_ROW}"
        mapping = edition.reading(LEVEL_ROW, ON_2025)
        assert isinstance(mapping.value, Table)
        row = mapping.value.cell(level)
        assert row in table.rows, f"{edition_name} {parameter}: {level} maps to {row}, not a row of the table"
        assert mapping.assumption, f"{edition_name} {LEVEL_ROW} is a reading of silent seeds: it must say so"


def test_mapped_rows_are_contract_levels(rulebook: Rulebook) -> None:
    levels = {level.value for level in FacilityLevel}
    for name, edition in rulebook.items():
        if LEVEL_ROW not in edition.parameters:
            continue
        mapping = edition.reading(LEVEL_ROW, ON_2025).value
        assert isinstance(mapping, Table)
        assert set(mapping.rows) == levels, name
        for level in mapping.rows:
            assert mapping.cell(level) in levels, f"{name}: {level} maps to {mapping.cell(level)!r}"
