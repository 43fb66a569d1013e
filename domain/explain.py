"""Explanations: every figure names the parameters it used, their values and their references.

A decision that rests on a default reading of an ambiguous passage (rules-digest §8, the
``readings.*`` parameters) lists it under ``default_readings`` so an auditor can replay the
ledger under the other reading and see the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.policies import Edition, ParameterReading, reading_json

READINGS_PREFIX = "readings."


@dataclass(frozen=True)
class Explanation:
    """Why one field of a document has its value."""

    field: str
    text: str
    edition: Edition
    readings: tuple[ParameterReading, ...] = ()

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "field": self.field,
            "text": self.text,
            "edition": self.edition.name,
            "parameters": [reading_json(self.edition, reading) for reading in self.readings],
        }
        defaults = sorted({r.name for r in self.readings if r.name.startswith(READINGS_PREFIX)})
        if defaults:
            body["default_readings"] = defaults
        if any(r.carried_forward for r in self.readings):
            body["text"] += " (a figure past the period its source vouches for was carried forward)"
        return body


@dataclass
class Explanations:
    """An ordered collection of explanations for one document."""

    items: list[Explanation] = field(default_factory=list)

    def add(self, field_name: str, text: str, edition: Edition, *readings: ParameterReading) -> None:
        self.items.append(Explanation(field_name, text, edition, tuple(readings)))

    def extend(self, other: Explanations) -> None:
        self.items.extend(other.items)

    def as_json(self) -> list[dict[str, Any]]:
        return [item.as_json() for item in self.items]
