"""Dated parameters: a value holds from its date until the next value (as in OpenFisca).

Looking a parameter up on a date before its first value is an error, never a silent
default. A value holds until the next one; when the date lies beyond the period the
source vouches for that value (``stated_until``, e.g. a threshold printed for 2025 only,
or a gap between printed years), the reading says ``carried_forward`` so the explanation
can state it (rules-digest §2, §8
``missing_year_parameter``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.policies.validation import DateOutOfRangeError
from domain.policies.values import Value, value_to_json


@dataclass(frozen=True)
class Document:
    """A policy document of the registry: number as printed, issuer, title, seed file."""

    document_id: str
    number: str
    issuer: str
    title: str
    seed_file: str
    year: int
    issued_on: date | None = None


@dataclass(frozen=True)
class Reference:
    """Where a figure comes from: a registry document and the seed section that prints it."""

    document_id: str
    section: str


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from ``start_on`` until the next value."""

    start_on: date
    value: Value
    reference: Reference
    note: str | None = None
    assumption: bool = False
    issued_on: date | None = None
    stated_until: date | None = None


#: Readings a parameter remembers (by date) before it forgets them all and starts again.
READINGS_KEPT_MAX = 4096


@dataclass(frozen=True)
class Parameter:
    """A named policy parameter of one rule set with its dated values, ascending by date."""

    rule_set: str
    name: str
    unit: str
    description: str
    values: tuple[DatedValue, ...]
    cell_unit: str | None = None
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        starts = [value.start_on for value in self.values]
        assert starts and starts == sorted(set(starts)), f"{self.name}: dated values must ascend strictly"
        # Readings by date, remembered: a parameter is immutable, and folds read the same few dates again
        # and again. Not a field (no part of equality, hashing or the edition's content).
        object.__setattr__(self, "_readings", {})

    @property
    def first_on(self) -> date:
        return self.values[0].start_on

    @property
    def display_unit(self) -> str:
        """The unit values are rendered in: a table's cell unit, else the unit itself."""
        return self.cell_unit if self.unit == "table" and self.cell_unit else self.unit

    def value_on(self, on: date) -> ParameterReading:
        """The value in force on ``on``; before the first value this raises."""
        readings: dict[date, ParameterReading] = self._readings  # type: ignore[attr-defined]
        reading = readings.get(on)
        if reading is None:
            reading = self._value_on(on)
            if len(readings) >= READINGS_KEPT_MAX:
                readings.clear()
            readings[on] = reading
        return reading

    def _value_on(self, on: date) -> ParameterReading:
        if on < self.first_on:
            raise DateOutOfRangeError(rule_set=self.rule_set, parameter=self.name, on=on, first_on=self.first_on)
        chosen = self.values[0]
        for candidate in self.values:
            if candidate.start_on <= on:
                chosen = candidate
            else:
                break
        carried_forward = chosen.stated_until is not None and on > chosen.stated_until
        return ParameterReading(parameter=self, dated_value=chosen, on=on, carried_forward=carried_forward)


@dataclass(frozen=True)
class ParameterReading:
    """A parameter read on a date: the value, where it comes from, and whether it was carried forward."""

    parameter: Parameter
    dated_value: DatedValue
    on: date
    carried_forward: bool

    @property
    def name(self) -> str:
        return self.parameter.name

    @property
    def value(self) -> Value:
        return self.dated_value.value

    @property
    def reference(self) -> Reference:
        return self.dated_value.reference

    @property
    def assumption(self) -> bool:
        return self.dated_value.assumption

    @property
    def note(self) -> str | None:
        return self.dated_value.note

    def value_json(self) -> Any:
        return value_to_json(self.value, self.parameter.display_unit)
