"""Build editions from already-loaded rule-set and patch mappings, refusing broken ones.

A rule set mapping looks like::

    name: shenyang-resident
    region: shenyang
    scheme: resident
    confidence: high
    description: ...
    stated_until: 2026-12-31          # default for values: the last day the seed vouches for
    parameters:
      major_illness.threshold:
        reference: {document: syyb-2025-55, section: "大病保险 4"}   # default for values
        values:
          - {from: 2025-01-01, value: "18000", note: ...}
          - {from: 2026-01-01, value: "24800", assumption: true}

A patch names its base rule set and overrides parameters from the first date it gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.policies.documents import CatalogueEntry, axis_vocabulary
from domain.policies.editions import Edition
from domain.policies.parameters import DatedValue, Document, Parameter, Reference
from domain.policies.validation import (
    PROBLEM_KINDS,
    DanglingReferenceError,
    DuplicateDateError,
    MalformedRuleSetError,
    MissingReferenceError,
    UnknownParameterError,
    UnsortedDatesError,
)
from domain.policies.values import (
    Value,
    ValueProblem,
    parse_annual_window,
    parse_bands,
    parse_date,
    parse_scalar,
    parse_table,
)

CONFIDENCE_LEVELS = frozenset({"high", "low"})
_RULE_SET_KEYS = {"name", "region", "scheme", "confidence", "description", "stated_until", "parameters"}
_PATCH_KEYS = {"patch", "base", "description", "parameters"}
_PARAMETER_KEYS = {"reference", "rows", "columns", "values"}
_VALUE_KEYS = {"from", "value", "reference", "note", "assumption", "issued_on", "stated_until"}


def parse_rule_set(
    *,
    file_name: str,
    source: Mapping[str, Any],
    catalogue: Mapping[str, CatalogueEntry],
    documents: Mapping[str, Document],
) -> Edition:
    """Parse and validate one rule set into an :class:`Edition`; raises a RuleSetError naming file, parameter, date."""
    if not isinstance(source, Mapping):
        raise MalformedRuleSetError("a rule set must be a mapping", file=file_name)
    _check_keys(
        source,
        required={"name", "region", "scheme", "confidence", "description", "parameters"},
        allowed=_RULE_SET_KEYS,
        file_name=file_name,
    )
    name = str(source["name"])
    if source["confidence"] not in CONFIDENCE_LEVELS:
        raise MalformedRuleSetError(f"confidence must be one of {sorted(CONFIDENCE_LEVELS)}", file=file_name)
    default_until = _optional_date(source.get("stated_until"), file_name=file_name, parameter=None)
    raw_parameters = source["parameters"]
    if not isinstance(raw_parameters, Mapping) or not raw_parameters:
        raise MalformedRuleSetError("needs a non-empty 'parameters' mapping", file=file_name)
    parameters = {
        str(parameter_name): _parse_parameter(
            rule_set=name,
            file_name=file_name,
            name=str(parameter_name),
            raw=raw,
            catalogue=catalogue,
            documents=documents,
            default_until=default_until,
            shape_from=None,
        )
        for parameter_name, raw in raw_parameters.items()
    }
    return Edition(
        name=name,
        region=str(source["region"]),
        scheme=str(source["scheme"]),
        confidence=str(source["confidence"]),
        description=str(source["description"]).strip(),
        source_file=file_name,
        parameters=parameters,
        documents=documents,
    )


def apply_patch(
    *,
    file_name: str,
    source: Mapping[str, Any],
    base: Edition,
    catalogue: Mapping[str, CatalogueEntry],
    documents: Mapping[str, Document],
) -> Edition:
    """Override named parameters of ``base`` from the patch's first date on; a new edition with its own hash.

    Values of the base dated before the patch's first date are kept, later ones are replaced
    (like an OpenFisca reform). Tables keep the base's declared rows and columns unless the
    patch declares its own.
    """
    if not isinstance(source, Mapping):
        raise MalformedRuleSetError("a patch must be a mapping", file=file_name)
    _check_keys(source, required={"patch", "base", "parameters"}, allowed=_PATCH_KEYS, file_name=file_name)
    if source["base"] != base.name:
        raise MalformedRuleSetError(f"patch is for {source['base']!r}, not {base.name!r}", file=file_name)
    raw_parameters = source["parameters"]
    if not isinstance(raw_parameters, Mapping) or not raw_parameters:
        raise MalformedRuleSetError("needs a non-empty 'parameters' mapping", file=file_name)
    replaced: dict[str, Parameter] = {}
    for parameter_name, raw in raw_parameters.items():
        name = str(parameter_name)
        if name not in base.parameters:
            raise UnknownParameterError(f"{base.name} has no parameter to patch", file=file_name, parameter=name)
        original = base.parameters[name]
        patch_parameter = _parse_parameter(
            rule_set=base.name,
            file_name=file_name,
            name=name,
            raw=raw,
            catalogue=catalogue,
            documents=documents,
            default_until=None,
            shape_from=original,
        )
        first_on = patch_parameter.first_on
        kept = tuple(value for value in original.values if value.start_on < first_on)
        replaced[name] = Parameter(
            rule_set=base.name,
            name=name,
            unit=original.unit,
            description=original.description,
            values=kept + patch_parameter.values,
            cell_unit=original.cell_unit,
            rows=patch_parameter.rows,
            columns=patch_parameter.columns,
        )
    return base.with_parameters(replaced, patch_name=str(source["patch"]))


def _parse_parameter(
    *,
    rule_set: str,
    file_name: str,
    name: str,
    raw: object,
    catalogue: Mapping[str, CatalogueEntry],
    documents: Mapping[str, Document],
    default_until: date | None,
    shape_from: Parameter | None,
) -> Parameter:
    entry = catalogue.get(name)
    if entry is None:
        raise UnknownParameterError("not declared in the catalogue", file=file_name, parameter=name)
    if not isinstance(raw, Mapping):
        raise MalformedRuleSetError("a parameter must be a mapping with 'values'", file=file_name, parameter=name)
    extra = set(raw) - _PARAMETER_KEYS
    if extra or "values" not in raw:
        raise MalformedRuleSetError(f"needs 'values'; unknown fields {sorted(extra)}", file=file_name, parameter=name)
    rows, columns = _table_keys(entry, raw, file_name=file_name, shape_from=shape_from)
    default_reference = raw.get("reference")
    raw_values = raw["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise MalformedRuleSetError("needs a non-empty list of values", file=file_name, parameter=name)
    values: list[DatedValue] = []
    for raw_value in raw_values:
        if not isinstance(raw_value, Mapping) or "from" not in raw_value or "value" not in raw_value:
            raise MalformedRuleSetError("each value needs 'from' and 'value'", file=file_name, parameter=name)
        start_on = _required_date(raw_value["from"], file_name=file_name, parameter=name)
        extra_value_keys = set(raw_value) - _VALUE_KEYS
        if extra_value_keys:
            raise MalformedRuleSetError(
                f"unknown fields {sorted(extra_value_keys)}", file=file_name, parameter=name, on=start_on
            )
        if values and start_on == values[-1].start_on:
            raise DuplicateDateError("two values start on the same date", file=file_name, parameter=name, on=start_on)
        if values and start_on < values[-1].start_on:
            raise UnsortedDatesError(
                f"dates must ascend (follows {values[-1].start_on.isoformat()})",
                file=file_name,
                parameter=name,
                on=start_on,
            )
        reference = _reference(
            raw_value.get("reference", default_reference),
            documents=documents,
            file_name=file_name,
            parameter=name,
            on=start_on,
        )
        try:
            value = _parse_value(entry, raw_value["value"], rows=rows, columns=columns)
        except ValueProblem as problem:
            raise PROBLEM_KINDS[problem.kind](problem.detail, file=file_name, parameter=name, on=start_on) from None
        note = raw_value.get("note")
        assumption = raw_value.get("assumption", False)
        if not isinstance(assumption, bool) or (note is not None and not isinstance(note, str)):
            raise MalformedRuleSetError(
                "note must be text and assumption true/false", file=file_name, parameter=name, on=start_on
            )
        values.append(
            DatedValue(
                start_on=start_on,
                value=value,
                reference=reference,
                note=note.strip() if note else None,
                assumption=assumption,
                issued_on=_optional_date(raw_value.get("issued_on"), file_name=file_name, parameter=name),
                stated_until=_optional_date(raw_value.get("stated_until"), file_name=file_name, parameter=name)
                or default_until,
            )
        )
    return Parameter(
        rule_set=rule_set,
        name=name,
        unit=entry.unit,
        description=entry.description,
        values=tuple(values),
        cell_unit=entry.cell_unit,
        rows=rows,
        columns=columns,
    )


def _table_keys(
    entry: CatalogueEntry, raw: Mapping[str, Any], *, file_name: str, shape_from: Parameter | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rows and columns a table parameter declares (a table declares its required keys)."""
    if entry.unit != "table":
        if "rows" in raw or "columns" in raw:
            raise MalformedRuleSetError("only tables declare rows and columns", file=file_name, parameter=entry.name)
        return (), ()
    if shape_from is not None and "rows" not in raw:
        return shape_from.rows, shape_from.columns
    keys: list[tuple[str, ...]] = []
    for field_name, axis in zip(("rows", "columns"), (*entry.axes, None)[:2], strict=True):
        if axis is None:
            if field_name in raw:
                raise MalformedRuleSetError("a one-axis table has no columns", file=file_name, parameter=entry.name)
            keys.append(())
            continue
        declared = raw.get(field_name)
        if not isinstance(declared, list) or not declared or len(set(declared)) != len(declared):
            raise MalformedRuleSetError(
                f"a table must declare distinct {field_name} ({axis})", file=file_name, parameter=entry.name
            )
        vocabulary = axis_vocabulary(axis)
        unknown = [key for key in declared if vocabulary is not None and key not in vocabulary]
        if unknown:
            raise MalformedRuleSetError(f"unknown {axis} keys {unknown}", file=file_name, parameter=entry.name)
        keys.append(tuple(str(key) for key in declared))
    return keys[0], keys[1]


def _parse_value(entry: CatalogueEntry, raw: object, *, rows: tuple[str, ...], columns: tuple[str, ...]) -> Value:
    if entry.unit == "table":
        assert entry.cell_unit is not None
        return parse_table(
            raw,
            row_axis=entry.axes[0],
            column_axis=entry.axes[1] if len(entry.axes) > 1 else None,
            rows=rows,
            columns=columns,
            cell_unit=entry.cell_unit,
        )
    if entry.unit == "bands":
        return parse_bands(raw)
    if entry.unit == "annual_window":
        return parse_annual_window(raw)
    return parse_scalar(entry.unit, raw)


def _reference(
    raw: object, *, documents: Mapping[str, Document], file_name: str, parameter: str, on: date
) -> Reference:
    if raw is None:
        raise MissingReferenceError("value has no reference", file=file_name, parameter=parameter, on=on)
    if not isinstance(raw, Mapping) or set(raw) != {"document", "section"} or not raw["section"]:
        raise MissingReferenceError(
            "reference needs exactly 'document' and 'section'", file=file_name, parameter=parameter, on=on
        )
    document_id = str(raw["document"])
    if document_id not in documents:
        raise DanglingReferenceError(
            f"document {document_id!r} is not in the registry", file=file_name, parameter=parameter, on=on
        )
    return Reference(document_id=document_id, section=str(raw["section"]))


def _check_keys(source: Mapping[str, Any], *, required: set[str], allowed: set[str], file_name: str) -> None:
    missing = required - set(source)
    extra = set(source) - allowed
    if missing or extra:
        raise MalformedRuleSetError(f"missing fields {sorted(missing)}; unknown fields {sorted(extra)}", file=file_name)


def _required_date(raw: object, *, file_name: str, parameter: str) -> date:
    try:
        return parse_date(raw)
    except ValueProblem as problem:
        raise MalformedRuleSetError(problem.detail, file=file_name, parameter=parameter) from None


def _optional_date(raw: object, *, file_name: str, parameter: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except ValueProblem as problem:
        raise MalformedRuleSetError(problem.detail, file=file_name, parameter=parameter) from None
