"""The console's zh/en catalogue is complete: every key in both languages, every listed disease code named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import domain
from api.console import labels
from api.console.labels import CONDITIONS, LABELS, LANGUAGES, TERM_LABELS, Translator, catalogue_gaps
from domain.contract import Region, Scheme
from domain.settlement.model import LAYER_ORDER

RULESETS = Path(domain.__file__).resolve().parent / "policies" / "rulesets"
#: Condition codes as the rule sets list them (门诊慢特病 病种: M and five digits).
CONDITION_CODE = re.compile(r"\bM\d{5}\b")


def test_every_key_has_both_languages() -> None:
    assert catalogue_gaps() == []
    assert set(LABELS["zh"]) == set(LABELS["en"])


def test_a_key_missing_a_language_is_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {language: dict(texts) for language, texts in LABELS.items()}
    broken["en"]["claim_status.settled"] = ""
    monkeypatch.setattr(labels, "LABELS", broken)
    assert labels.catalogue_gaps() == ["claim_status.settled (en)"]


def test_every_condition_code_of_the_rule_sets_has_a_name_in_both_languages() -> None:
    listed = {code for file in RULESETS.glob("*.yaml") for code in CONDITION_CODE.findall(file.read_text("utf-8"))}
    assert listed, "the rule sets list condition codes"
    for language in LANGUAGES:
        missing = sorted(listed - set(CONDITIONS[language]))
        assert missing == [], f"{language}: no disease name for {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_words_layers_regions_and_schemes_are_all_translated(language: str) -> None:
    t = Translator(language)
    words = [("claim_status", s) for s in ("settled", "rejected", "reversed")]
    words += [("layer", layer) for layer in LAYER_ORDER]
    words += [("region", r.value) for r in Region] + [("scheme", s.value) for s in Scheme]
    words += [
        ("movement", kind)
        for kind in (
            "contribution_accrual",
            "retiree_accrual",
            "interest",
            "settlement_share",
            "pharmacy",
            "family_aid",
            "payout",
        )
    ]
    untranslated = [f"{kind}.{name}" for kind, name in words if f"{kind}.{name}" not in TERM_LABELS[language]]
    assert untranslated == []
    assert t.term("claim_status", "settled") == {"zh": "已结算", "en": "settled"}[language]


def test_cap_keys_read_as_words_with_the_disease_name() -> None:
    zh, en = Translator("zh"), Translator("en")
    assert zh.cap("chronic:M00100") == "门诊慢特病 · M00100 结核病"
    assert en.cap("chronic:M00100") == "Chronic and special diseases · M00100 tuberculosis"
    assert zh.cap("basic_pool") == "基本统筹"
    assert zh.cap("outpatient_pooling.deductible") == "门诊统筹 起付线"
    assert zh.cap("chronic:X99") == "门诊慢特病 · X99", "an unknown code is shown as it is"
