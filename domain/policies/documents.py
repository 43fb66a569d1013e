"""The registry of policy documents (documents.yaml) and the parameter catalogue (catalogue.yaml).

Both arrive as already-loaded mappings: reading files is the adapter's job
(projections.rulebook). The catalogue declares every known parameter name with its unit,
so an unknown name in a rule set is refused; the registry gives every reference a document
number as printed, so no reference dangles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain.policies.parameters import Document
from domain.policies.validation import MalformedRuleSetError
from domain.policies.values import AXIS_VOCABULARIES, UNITS, ValueProblem, parse_date

_DOCUMENT_KEYS = {"number", "issuer", "title", "seed_file", "year", "issued_on"}
_CATALOGUE_KEYS = {"unit", "description", "axes", "cell"}


@dataclass(frozen=True)
class CatalogueEntry:
    """A known parameter: its unit, description and, for tables, axes and cell unit."""

    name: str
    unit: str
    description: str
    axes: tuple[str, ...] = ()
    cell_unit: str | None = None


def parse_documents(*, file_name: str, source: Mapping[str, object]) -> Mapping[str, Document]:
    """Parse ``{documents: {id: {number, issuer, title, seed_file, year, issued_on?}}}``."""
    raw_documents = source.get("documents") if isinstance(source, Mapping) else None
    if not isinstance(raw_documents, Mapping) or not raw_documents:
        raise MalformedRuleSetError("needs a non-empty 'documents' mapping", file=file_name)
    documents: dict[str, Document] = {}
    for document_id, raw in raw_documents.items():
        if not isinstance(raw, Mapping) or not {"number", "issuer", "title", "seed_file", "year"} <= set(raw):
            raise MalformedRuleSetError(
                f"document {document_id!r} needs number, issuer, title, seed_file, year", file=file_name
            )
        extra = set(raw) - _DOCUMENT_KEYS
        if extra:
            raise MalformedRuleSetError(f"document {document_id!r} has unknown fields {sorted(extra)}", file=file_name)
        try:
            issued_on = parse_date(raw["issued_on"]) if raw.get("issued_on") is not None else None
        except ValueProblem as problem:
            raise MalformedRuleSetError(f"document {document_id!r}: {problem.detail}", file=file_name) from None
        documents[str(document_id)] = Document(
            document_id=str(document_id),
            number=str(raw["number"]),
            issuer=str(raw["issuer"]),
            title=str(raw["title"]),
            seed_file=str(raw["seed_file"]),
            year=int(raw["year"]),
            issued_on=issued_on,
        )
    return MappingProxyType(documents)


def parse_catalogue(*, file_name: str, source: Mapping[str, object]) -> Mapping[str, CatalogueEntry]:
    """Parse ``{parameters: {name: {unit, description, axes?, cell?}}}``."""
    raw_parameters = source.get("parameters") if isinstance(source, Mapping) else None
    if not isinstance(raw_parameters, Mapping) or not raw_parameters:
        raise MalformedRuleSetError("needs a non-empty 'parameters' mapping", file=file_name)
    entries: dict[str, CatalogueEntry] = {}
    for name, raw in raw_parameters.items():
        if not isinstance(raw, Mapping) or "unit" not in raw or "description" not in raw:
            raise MalformedRuleSetError("needs unit and description", file=file_name, parameter=str(name))
        extra = set(raw) - _CATALOGUE_KEYS
        if extra:
            raise MalformedRuleSetError(f"unknown fields {sorted(extra)}", file=file_name, parameter=str(name))
        unit = raw["unit"]
        if unit not in UNITS:
            raise MalformedRuleSetError(f"unknown unit {unit!r}", file=file_name, parameter=str(name))
        axes: tuple[str, ...] = ()
        cell_unit = None
        if unit == "table":
            raw_axes = raw.get("axes")
            if not isinstance(raw_axes, list) or not 1 <= len(raw_axes) <= 2:
                raise MalformedRuleSetError("a table needs one or two axes", file=file_name, parameter=str(name))
            axes = tuple(str(axis) for axis in raw_axes)
            cell_unit = raw.get("cell")
            if cell_unit not in UNITS - {"table", "annual_window", "bands", "text_list", "date"}:
                raise MalformedRuleSetError(f"bad table cell unit {cell_unit!r}", file=file_name, parameter=str(name))
        elif "axes" in raw or "cell" in raw:
            raise MalformedRuleSetError("only tables have axes and cell", file=file_name, parameter=str(name))
        entries[str(name)] = CatalogueEntry(str(name), str(unit), str(raw["description"]), axes, cell_unit)
    return MappingProxyType(entries)


def axis_vocabulary(axis: str) -> tuple[str, ...] | None:
    """The closed set of keys of ``axis``, or None for free code words (diseases, items)."""
    return AXIS_VOCABULARIES.get(axis)
