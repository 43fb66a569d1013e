"""Small in-memory catalogue, registry and rule set for the framework tests (no files)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from domain.policies import parse_catalogue, parse_documents, parse_rule_set
from domain.policies.editions import Edition

CATALOGUE: dict[str, Any] = {
    "parameters": {
        "major_illness.threshold": {"unit": "money", "description": "threshold"},
        "inpatient.ratio": {
            "unit": "table",
            "axes": ["facility_level", "person_kind"],
            "cell": "ratio",
            "description": "ratio",
        },
        "major_illness.tiers": {"unit": "bands", "description": "tiers"},
        "readings.zero_claim_accumulates": {"unit": "bool", "description": "reading"},
    }
}
DOCUMENTS: dict[str, Any] = {
    "documents": {
        "doc-a": {
            "number": "沈医保发〔2025〕55号",
            "issuer": "沈阳市医疗保障局",
            "title": "t",
            "seed_file": "001.txt",
            "year": 2025,
        },
    }
}
REFERENCE = {"document": "doc-a", "section": "001 大病保险 4"}
RULE_SET: dict[str, Any] = {
    "name": "test-set",
    "region": "shenyang",
    "scheme": "resident",
    "confidence": "high",
    "description": "test",
    "stated_until": "2026-12-31",
    "parameters": {
        "major_illness.threshold": {
            "reference": REFERENCE,
            "values": [
                {"from": "2025-01-01", "value": "18000", "stated_until": "2025-12-31"},
                {"from": "2026-01-01", "value": "24800", "assumption": True, "note": "date assumed"},
            ],
        },
        "inpatient.ratio": {
            "rows": ["level1", "level3"],
            "columns": ["adult", "student_or_minor"],
            "values": [
                {
                    "from": "2025-01-01",
                    "reference": REFERENCE,
                    "value": {
                        "level1": {"adult": "0.85", "student_or_minor": "0.85"},
                        "level3": {"adult": "0.75", "student_or_minor": "0.75"},
                    },
                }
            ],
        },
        "major_illness.tiers": {
            "values": [
                {
                    "from": "2025-01-01",
                    "reference": REFERENCE,
                    "value": {
                        "basis": "cumulative",
                        "tiers": [{"over": "0", "ratio": "0.60"}, {"over": "50000", "ratio": "0.65"}],
                    },
                }
            ]
        },
        "readings.zero_claim_accumulates": {"values": [{"from": "2025-01-01", "value": True, "reference": REFERENCE}]},
    },
}


@pytest.fixture
def catalogue() -> Any:
    return parse_catalogue(file_name="catalogue.yaml", source=CATALOGUE)


@pytest.fixture
def documents() -> Any:
    return parse_documents(file_name="documents.yaml", source=DOCUMENTS)


@pytest.fixture
def raw_rule_set() -> dict[str, Any]:
    return copy.deepcopy(RULE_SET)


@pytest.fixture
def build(catalogue: Any, documents: Any) -> Callable[[dict[str, Any]], Edition]:
    def _build(source: dict[str, Any]) -> Edition:
        return parse_rule_set(file_name="test-set.yaml", source=source, catalogue=catalogue, documents=documents)

    return _build
