"""The packaged rulebook loads, every reference resolves, and broken extra files are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.policies import RuleSetError, TableIncompleteError
from projections.rulebook import DOCUMENTS_FILE, load_rulebook, read_yaml

RULE_SET_NAMES = {
    "shenyang-employee",
    "shenyang-resident",
    "bazhong-employee",
    "bazhong-resident",
    "anshan-remote",
    "liaoning-major-illness",
}


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook()


def test_every_rule_set_of_the_contract_is_packaged(rulebook):
    assert set(rulebook) == RULE_SET_NAMES


def test_no_reference_dangles_and_every_document_names_a_seed(rulebook):
    registry = read_yaml(DOCUMENTS_FILE)["documents"]
    seeds = {path.name for path in Path("/work/shared/seeds").glob("*.txt")} or None
    for edition in rulebook.values():
        for parameter in edition.parameters.values():
            for value in parameter.values:
                assert value.reference.document_id in registry, (edition.name, parameter.name)
    for document in registry.values():
        assert document["seed_file"].split("_")[0] in {"000", "001", "002", "003", "004"}
        if seeds:
            assert document["seed_file"] in seeds


def test_low_confidence_sets_are_marked(rulebook):
    assert rulebook["anshan-remote"].confidence == "low"
    assert rulebook["liaoning-major-illness"].confidence == "low"
    assert {rulebook[name].confidence for name in RULE_SET_NAMES - {"anshan-remote", "liaoning-major-illness"}} == {
        "high"
    }


def test_every_edition_can_be_read_on_its_first_day(rulebook):
    for edition in rulebook.values():
        assert edition.parameters_on(edition.first_on)


def test_shenyang_resident_major_illness_threshold_changes_in_2026(rulebook):
    """001 大病保险 4: 18,000 (原起付标准) in 2025, 24,800 (沈医保发〔2025〕55号) from 2026."""
    edition = rulebook["shenyang-resident"]
    assert edition.value("major_illness.threshold", date(2025, 7, 1)) == 1_800_000
    assert edition.value("major_illness.threshold", date(2026, 1, 1)) == 2_480_000
    reading = edition.reading("major_illness.threshold", date(2026, 1, 1))
    assert edition.reference_json(reading.reference)["document"] == "沈医保发〔2025〕55号"
    assert reading.assumption is True


def test_broken_extra_file_stops_the_load(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        """
name: broken-set
region: shenyang
scheme: resident
confidence: low
description: broken
parameters:
  inpatient.deductible:
    rows: [level1, level3]
    columns: [adult]
    values:
      - from: 2025-01-01
        reference: {document: sy-resident-handbook, section: x}
        value: {level1: {adult: "100"}}
""",
        encoding="utf-8",
    )
    with pytest.raises(TableIncompleteError) as caught:
        load_rulebook(extra_files=[broken])
    assert caught.value.file == "broken.yaml" and caught.value.parameter == "inpatient.deductible"


def test_duplicate_rule_set_name_is_refused(tmp_path):
    copy = tmp_path / "again.yaml"
    copy.write_text(
        (Path(__file__).parents[3] / "domain/policies/rulesets/shenyang-resident.yaml").read_text("utf-8"), "utf-8"
    )
    with pytest.raises(RuleSetError):
        load_rulebook(extra_files=[copy])


def test_patch_file_loads_as_an_alternative_edition(rulebook, tmp_path):
    patch = tmp_path / "what-if.yaml"
    patch.write_text(
        """
patch: keep-18000
base: shenyang-resident
description: What if 沈医保发〔2025〕55号 had not raised the threshold?
parameters:
  major_illness.threshold:
    values:
      - from: 2026-01-01
        value: "18000"
        reference: {document: syyb-2024-13, section: "001 大病保险 4 (what-if)"}
""",
        encoding="utf-8",
    )
    alternative = rulebook.load_alternative(patch)
    assert alternative.value("major_illness.threshold", date(2026, 5, 1)) == 1_800_000
    assert alternative.content_hash != rulebook["shenyang-resident"].content_hash


# rules-digest §8: every ambiguous passage is a named parameter with its default reading.
SECTION_8_READINGS = {
    "readings.continuity_counting_start": ["shenyang-resident", "bazhong-resident"],
    "readings.variable_wait_per_gap_year": ["shenyang-resident", "bazhong-resident"],
    "readings.zero_claim_accumulates": ["shenyang-resident", "bazhong-resident"],
    "readings.gap_penalty_per_year": ["shenyang-resident", "bazhong-resident"],
    "readings.shenyang_central_window": ["shenyang-resident"],
    "readings.emergency_remote_deductible_factor": ["shenyang-resident", "shenyang-employee"],
    "readings.repeat_admission_reduction": ["shenyang-employee"],
    "readings.supplementary_band_basis": ["shenyang-employee"],
    "readings.bazhong_large_amount_ordinary_ratio": ["bazhong-employee"],
    "readings.major_illness_base": ["shenyang-resident", "bazhong-resident", "liaoning-major-illness"],
    "readings.repair_restores_continuity": ["shenyang-resident", "bazhong-resident"],
    "readings.missing_year_parameter": sorted(RULE_SET_NAMES),
    "readings.employee_contribution_components": ["shenyang-employee", "bazhong-employee"],
    "readings.underpaid_contribution_coverage": [
        "shenyang-resident",
        "bazhong-resident",
        "shenyang-employee",
        "bazhong-employee",
    ],
}


@pytest.mark.parametrize("parameter, rule_sets", sorted(SECTION_8_READINGS.items()))
def test_every_section_8_reading_is_a_parameter(rulebook, parameter, rule_sets):
    for name in rule_sets:
        assert parameter in rulebook[name].parameters, (name, parameter)


def test_section_8_defaults(rulebook):
    on = date(2026, 1, 1)
    assert rulebook["bazhong-resident"].value("readings.zero_claim_accumulates", on) is False
    assert rulebook["shenyang-resident"].value("readings.zero_claim_accumulates", on) is True
    assert rulebook["bazhong-resident"].value("readings.gap_penalty_per_year", on) == 400_000
    assert rulebook["shenyang-resident"].value("readings.gap_penalty_per_year", on) == 0
    assert rulebook["shenyang-resident"].value("readings.continuity_counting_start", on) == date(2025, 1, 1)
    assert rulebook["shenyang-resident"].value("readings.repair_restores_continuity", on) is False
    assert rulebook["shenyang-resident"].reading("readings.shenyang_central_window", on).assumption is True
