"""Policy rule sets as dated, cited data (rules-digest §2; OpenFisca-style parameters).

Public API (pure: callers hand in already-loaded mappings; projections.rulebook reads files)::

    catalogue = parse_catalogue(file_name=..., source=mapping)
    documents = parse_documents(file_name=..., source=mapping)
    edition = parse_rule_set(file_name=..., source=mapping, catalogue=catalogue, documents=documents)
    what_if = apply_patch(file_name=..., source=mapping, base=edition, catalogue=..., documents=...)

    edition.value("major_illness.threshold", on=date(2026, 3, 1))     # -> 2480000 (fen)
    reading = edition.reading("major_illness.threshold", date(2026, 3, 1))
    reading.value, reading.reference, reading.note, reading.assumption, reading.carried_forward
    edition.reference_json(reading.reference)   # document number as printed, seed file, section
    edition_json(edition, on)                    # the public JSON of `ledger rules show --json`
"""

from domain.policies.documents import CatalogueEntry, parse_catalogue, parse_documents
from domain.policies.editions import HASH_DISPLAY_LENGTH, Edition, edition_json, reading_json
from domain.policies.parameters import DatedValue, Document, Parameter, ParameterReading, Reference
from domain.policies.parsing import apply_patch, parse_rule_set
from domain.policies.validation import (
    BandsOutOfOrderError,
    DanglingReferenceError,
    DateOutOfRangeError,
    DuplicateDateError,
    MalformedRuleSetError,
    MissingReferenceError,
    NegativeMoneyError,
    RatioOutOfRangeError,
    RuleSetError,
    TableIncompleteError,
    UnknownParameterError,
    UnknownRuleSetParameterError,
    UnsortedDatesError,
)
from domain.policies.values import (
    FACILITY_LEVELS,
    LOW_INCOME_CATEGORIES,
    PERSON_KINDS,
    AnnualWindow,
    Bands,
    Table,
    Tier,
    YearRelativeDay,
)

__all__ = [
    "FACILITY_LEVELS",
    "HASH_DISPLAY_LENGTH",
    "LOW_INCOME_CATEGORIES",
    "PERSON_KINDS",
    "AnnualWindow",
    "Bands",
    "BandsOutOfOrderError",
    "CatalogueEntry",
    "DanglingReferenceError",
    "DateOutOfRangeError",
    "DatedValue",
    "Document",
    "DuplicateDateError",
    "Edition",
    "MalformedRuleSetError",
    "MissingReferenceError",
    "NegativeMoneyError",
    "Parameter",
    "ParameterReading",
    "RatioOutOfRangeError",
    "Reference",
    "RuleSetError",
    "Table",
    "TableIncompleteError",
    "Tier",
    "UnknownParameterError",
    "UnknownRuleSetParameterError",
    "UnsortedDatesError",
    "YearRelativeDay",
    "apply_patch",
    "edition_json",
    "parse_catalogue",
    "parse_documents",
    "parse_rule_set",
    "reading_json",
]
