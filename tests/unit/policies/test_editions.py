"""Editions are immutable and identified by content hash; patches make new editions (what-ifs)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date

import pytest

from domain.policies import MalformedRuleSetError, UnknownParameterError, apply_patch, edition_json

PATCH = {
    "patch": "threshold-2026-stays",
    "base": "test-set",
    "description": "What if the threshold had not changed in 2026?",
    "parameters": {
        "major_illness.threshold": {
            "values": [
                {"from": "2026-01-01", "value": "18000", "reference": {"document": "doc-a", "section": "what-if"}},
            ]
        }
    },
}


def test_same_content_gives_the_same_hash(build, raw_rule_set):
    assert build(raw_rule_set).content_hash == build(copy.deepcopy(raw_rule_set)).content_hash
    assert len(build(raw_rule_set).content_hash) == 64


def test_any_figure_change_changes_the_hash(build, raw_rule_set):
    before = build(raw_rule_set).content_hash
    raw_rule_set["parameters"]["major_illness.threshold"]["values"][1]["value"] = "24801"
    assert build(raw_rule_set).content_hash != before


def test_a_note_change_changes_the_hash(build, raw_rule_set):
    before = build(raw_rule_set).content_hash
    raw_rule_set["parameters"]["major_illness.threshold"]["values"][1]["note"] = "other note"
    assert build(raw_rule_set).content_hash != before


def test_edition_is_immutable(build, raw_rule_set):
    edition = build(raw_rule_set)
    with pytest.raises(dataclasses.FrozenInstanceError):
        edition.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        edition.parameters["x"] = edition.parameters["major_illness.threshold"]  # type: ignore[index]


def test_patch_overrides_from_its_date_and_keeps_earlier_values(build, raw_rule_set, catalogue, documents):
    base = build(raw_rule_set)
    patched = apply_patch(file_name="p.yaml", source=PATCH, base=base, catalogue=catalogue, documents=documents)
    assert patched.value("major_illness.threshold", date(2025, 6, 1)) == 1_800_000
    assert patched.value("major_illness.threshold", date(2026, 6, 1)) == 1_800_000
    assert base.value("major_illness.threshold", date(2026, 6, 1)) == 2_480_000
    assert patched.content_hash != base.content_hash
    assert patched.name == base.name and patched.patches == ("threshold-2026-stays",)
    assert patched.value("inpatient.ratio", date(2025, 6, 1)) == base.value("inpatient.ratio", date(2025, 6, 1))


def test_patch_of_an_unknown_parameter_is_refused(build, raw_rule_set, catalogue, documents):
    patch = copy.deepcopy(PATCH)
    patch["parameters"]["inpatient.deductible"] = patch["parameters"].pop("major_illness.threshold")
    with pytest.raises(UnknownParameterError):
        apply_patch(
            file_name="p.yaml", source=patch, base=build(raw_rule_set), catalogue=catalogue, documents=documents
        )


def test_patch_for_another_rule_set_is_refused(build, raw_rule_set, catalogue, documents):
    patch = dict(PATCH, base="other-set")
    with pytest.raises(MalformedRuleSetError):
        apply_patch(
            file_name="p.yaml", source=patch, base=build(raw_rule_set), catalogue=catalogue, documents=documents
        )


def test_edition_json_has_the_public_shape(build, raw_rule_set):
    edition = build(raw_rule_set)
    shown = edition_json(edition, date(2027, 1, 1))
    assert set(shown) == {"name", "edition", "parameters"}
    assert shown["edition"] == edition.content_hash
    threshold = next(item for item in shown["parameters"] if item["name"] == "major_illness.threshold")
    assert threshold["value"] == "24800.00"
    assert threshold["assumption"] is True and threshold["carried_forward"] is True
    assert threshold["reference"]["document"] == "沈医保发〔2025〕55号"
    ratio = next(item for item in shown["parameters"] if item["name"] == "inpatient.ratio")
    assert ratio["value"]["level3"]["adult"] == "0.75"
    assert "note" not in ratio and "assumption" not in ratio
