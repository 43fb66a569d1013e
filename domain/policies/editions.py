"""Editions: a rule set loaded as an immutable whole, identified by name and content hash.

An alternative edition (another file, or a patch overriding named parameters from a date,
like an OpenFisca reform) has its own hash, so a replay or audit can say exactly which
figures it used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from domain.policies.facilities import EMPTY_REGISTRY, FacilityRegistry
from domain.policies.parameters import DatedValue, Document, Parameter, ParameterReading, Reference
from domain.policies.validation import UnknownRuleSetParameterError
from domain.policies.values import Value, value_to_json

#: Characters of the content hash shown to people; the full sha256 is kept.
HASH_DISPLAY_LENGTH = 12


@dataclass(frozen=True)
class Edition:
    """One edition of a rule set: its parameters, the documents they cite, its content hash."""

    name: str
    region: str
    scheme: str
    confidence: str
    description: str
    source_file: str
    parameters: Mapping[str, Parameter]
    documents: Mapping[str, Document]
    patches: tuple[str, ...] = ()
    #: The region's facility registry (定点医疗机构名单); empty where none is loaded.
    facilities: FacilityRegistry = EMPTY_REGISTRY
    content_hash: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "documents", MappingProxyType(dict(self.documents)))
        object.__setattr__(self, "content_hash", _content_hash(self.to_canonical()))
        # Readings by (name, date) and (name, date or the first date), remembered as the parameters' own
        # are (``Parameter.value_on``): one look-up where a fold reads the same figure claim after claim.
        object.__setattr__(self, "_readings", {})
        object.__setattr__(self, "_readings_from_first", {})

    @property
    def hash_short(self) -> str:
        return self.content_hash[:HASH_DISPLAY_LENGTH]

    @property
    def first_on(self) -> date:
        """The earliest date any parameter has a value."""
        return min(parameter.first_on for parameter in self.parameters.values())

    @property
    def last_on(self) -> date:
        """The latest date the sources vouch for (stated_until or the last start date)."""
        ends = [value.stated_until or value.start_on for p in self.parameters.values() for value in p.values]
        return max(ends)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise UnknownRuleSetParameterError(rule_set=self.name, parameter=name) from None

    def reading(self, name: str, on: date) -> ParameterReading:
        """Parameter ``name`` on ``on``: value, reference, notes, carried-forward flag."""
        readings: dict[tuple[str, date], ParameterReading] = self._readings  # type: ignore[attr-defined]
        found = readings.get((name, on))
        if found is None:
            found = self.parameter(name).value_on(on)
            _remember(readings, (name, on), found)
        return found

    def reading_from_first(self, name: str, on: date) -> ParameterReading:
        """Parameter ``name`` on ``on``, or on its first date where ``on`` is earlier (never out of range)."""
        readings: dict[tuple[str, date], ParameterReading] = self._readings_from_first  # type: ignore[attr-defined]
        found = readings.get((name, on))
        if found is None:
            parameter = self.parameter(name)
            found = parameter.value_on(max(on, parameter.first_on))
            _remember(readings, (name, on), found)
        return found

    def value(self, name: str, on: date) -> Value:
        """Just the value of parameter ``name`` in force on ``on``."""
        return self.reading(name, on).value

    def parameters_on(self, on: date) -> tuple[ParameterReading, ...]:
        """Every parameter in force on ``on`` (those whose first value is later are left out), by name."""
        return tuple(
            self.parameters[name].value_on(on)
            for name in sorted(self.parameters)
            if self.parameters[name].first_on <= on
        )

    def document(self, reference: Reference) -> Document:
        return self.documents[reference.document_id]

    def reference_json(self, reference: Reference) -> dict[str, str]:
        """A reference expanded for people: document number as printed, seed file, section."""
        document = self.document(reference)
        return {
            "document": document.number,
            "title": document.title,
            "seed_file": document.seed_file,
            "section": reference.section,
        }

    def with_parameters(self, parameters: Mapping[str, Parameter], *, patch_name: str) -> Edition:
        """A new edition with some parameters replaced (used by patches); it gets its own hash."""
        merged = dict(self.parameters)
        merged.update(parameters)
        return replace(self, parameters=merged, patches=(*self.patches, patch_name))

    def with_facilities(self, registry: FacilityRegistry) -> Edition:
        """The same edition carrying ``registry`` (a new hash: the registry decides places of care)."""
        return replace(self, facilities=registry)

    def to_canonical(self) -> dict[str, Any]:
        """Everything that defines the edition, as JSON-able data (hashed with sort_keys=True)."""
        used = sorted({v.reference.document_id for p in self.parameters.values() for v in p.values})
        facilities = {"facilities": self.facilities.to_canonical()} if len(self.facilities) else {}
        return {
            **facilities,
            "name": self.name,
            "region": self.region,
            "scheme": self.scheme,
            "confidence": self.confidence,
            "description": self.description,
            "patches": list(self.patches),
            "documents": {
                doc_id: _document_json(self.documents[doc_id]) for doc_id in used if doc_id in self.documents
            },
            "parameters": {name: _parameter_json(self.parameters[name]) for name in sorted(self.parameters)},
        }


#: Readings an edition remembers in each of its two tables before it forgets them all and starts again.
EDITION_READINGS_KEPT_MAX = 65_536


def _remember(
    readings: dict[tuple[str, date], ParameterReading], key: tuple[str, date], found: ParameterReading
) -> None:
    if len(readings) >= EDITION_READINGS_KEPT_MAX:
        readings.clear()
    readings[key] = found


def _content_hash(canonical: Mapping[str, Any]) -> str:
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _document_json(document: Document) -> dict[str, Any]:
    return {
        "number": document.number,
        "issuer": document.issuer,
        "title": document.title,
        "seed_file": document.seed_file,
        "year": document.year,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
    }


def _parameter_json(parameter: Parameter) -> dict[str, Any]:
    return {
        "unit": parameter.unit,
        "cell_unit": parameter.cell_unit,
        "rows": list(parameter.rows),
        "columns": list(parameter.columns),
        "values": [_dated_value_json(value, parameter.display_unit) for value in parameter.values],
    }


def _dated_value_json(value: DatedValue, unit: str) -> dict[str, Any]:
    return {
        "from": value.start_on.isoformat(),
        "value": value_to_json(value.value, unit),
        "reference": {"document": value.reference.document_id, "section": value.reference.section},
        "note": value.note,
        "assumption": value.assumption,
        "issued_on": value.issued_on.isoformat() if value.issued_on else None,
        "stated_until": value.stated_until.isoformat() if value.stated_until else None,
    }


def reading_json(edition: Edition, reading: ParameterReading) -> dict[str, Any]:
    """The public JSON of one reading: name, value, reference, and note/assumption/carried_forward when set."""
    item: dict[str, Any] = {
        "name": reading.name,
        "value": reading.value_json(),
        "reference": edition.reference_json(reading.reference),
    }
    if reading.note:
        item["note"] = reading.note
    if reading.assumption:
        item["assumption"] = True
    if reading.carried_forward:
        item["carried_forward"] = True
    return item


def edition_json(edition: Edition, on: date) -> dict[str, Any]:
    """``{"name", "edition", "parameters": [...]}``: the parameters in force on ``on``."""
    return {
        "name": edition.name,
        "edition": edition.content_hash,
        "parameters": [reading_json(edition, reading) for reading in edition.parameters_on(on)],
    }
