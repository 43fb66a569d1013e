"""The message catalogue is complete: both languages for every key, the same parameters in each, every key
the fold uses over all seed scenarios present with its parameters supplied and its policy words named in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from domain import messages
from domain.messages import MESSAGES, UNTRANSLATED, catalogue_gaps, missing_terms, render_json
from domain.scenario import run_scenario
from projections.rulebook import Rulebook
from tests.rules.test_scenarios import SCENARIOS, expand


def stored_messages(document: Any) -> Iterator[dict[str, Any]]:
    """Every ``{key, params}`` in an answer, nested messages included."""
    if isinstance(document, dict):
        if "key" in document and "params" in document:
            yield document
        for value in document.values():
            yield from stored_messages(value)
    elif isinstance(document, list):
        for item in document:
            yield from stored_messages(item)


@pytest.fixture(scope="module")
def used(rulebook: Rulebook) -> dict[str, dict[str, Any]]:
    """Each message the fold produces over every scenario file, by ``file: key`` (first occurrence kept)."""
    found: dict[str, dict[str, Any]] = {}
    for file in sorted(SCENARIOS.glob("*.yaml")):
        for raw in yaml.safe_load(file.read_text(encoding="utf-8")):
            scenario, _ = expand(file, raw)
            for answer in run_scenario(scenario, rulebook):
                for message in stored_messages(answer):
                    found.setdefault(f"{file.stem}: {message['key']} {sorted(message['params'])}", message)
    return found


def test_every_key_has_both_languages_with_the_same_parameters() -> None:
    assert catalogue_gaps() == []


def test_a_key_missing_a_language_is_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = dict(MESSAGES)
    broken["status.waiting_over"] = ("", "over")
    broken["status.spell_open"] = ("（持续有效）{until}", " (open-ended)")
    monkeypatch.setattr(messages, "MESSAGES", broken)
    assert sorted(messages.catalogue_gaps()) == [
        "status.spell_open: zh names ['until'], en names []",
        "status.waiting_over (zh)",
    ]


def test_every_message_the_scenarios_produce_is_in_the_catalogue(used: dict[str, dict[str, Any]]) -> None:
    assert len(used) > 100, "the scenarios explain their figures"
    unknown = sorted(where for where, message in used.items() if message["key"] not in MESSAGES)
    assert unknown == []


def test_no_scenario_explanation_is_an_untranslated_text(used: dict[str, dict[str, Any]]) -> None:
    """``Explanations.add`` with a plain ``str`` still works (``text.untranslated``): each such text is listed here
    to be given a key."""
    untranslated = sorted(message["params"]["text"] for message in used.values() if message["key"] == UNTRANSLATED)
    assert untranslated == []


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_used_message_renders_with_its_parameters_supplied(
    used: dict[str, dict[str, Any]], language: str
) -> None:
    for where, message in used.items():
        try:
            text = render_json(message, language)
        except (KeyError, IndexError) as missing:
            pytest.fail(f"{where}: parameter {missing} not supplied")
        assert text.strip(), where


def test_every_policy_word_in_a_chinese_text_has_its_chinese_name(used: dict[str, dict[str, Any]]) -> None:
    missing = sorted({term for message in used.values() for term in missing_terms(message)})
    assert missing == []


def test_the_english_text_is_the_one_documents_carry(used: dict[str, dict[str, Any]]) -> None:
    """The zh rendering differs from the en one for every message with words (a Chinese template is not a copy)."""
    copies = sorted(
        key
        for key, (zh, en) in MESSAGES.items()
        if zh == en and any(ch.isalpha() for ch in zh.replace("{", " ").split("}")[-1]) and "{" not in zh
    )
    assert copies == []


def test_a_cap_key_reads_with_the_disease_name() -> None:
    assert messages.cap_label("chronic:M00100", "zh") == "门诊慢特病 · M00100 结核病"
    assert messages.cap_label("outpatient_pooling:q2", "zh") == "门诊统筹 · 第二季度"
    assert messages.cap_label("basic_pool", "en") == "Basic pool"
