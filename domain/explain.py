"""Explanations: every figure names the parameters it used, their values and their references.

Each explanation is a message of the catalogue (``domain.messages``): a ``key`` and its
``params``, so the console and the API render the text in Chinese or English from one place;
``text`` in a document is the English rendering unless a language is asked for.

A decision that rests on a default reading of an ambiguous passage (rules-digest §8, the
``readings.*`` parameters) lists it under ``default_readings`` so an auditor can replay the
ledger under the other reading and see the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.messages import DEFAULT_LANGUAGE, Message, as_message, msg, render
from domain.policies import Edition, ParameterReading, reading_json

READINGS_PREFIX = "readings."
#: Appended when a figure past the period its source vouches for was carried forward.
CARRIED_FORWARD = "explain.carried_forward"


@dataclass(frozen=True)
class Explanation:
    """Why one field of a document has its value: a catalogue message and the parameters it used."""

    field: str
    message: Message
    edition: Edition
    readings: tuple[ParameterReading, ...] = ()

    @property
    def key(self) -> str:
        return self.message.key

    @property
    def params(self) -> dict[str, Any]:
        return self.message.params_json()

    def text_in(self, language: str = DEFAULT_LANGUAGE) -> str:
        return render_explanation(self.as_json(), language)

    @property
    def text(self) -> str:
        return self.text_in(DEFAULT_LANGUAGE)

    def as_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        body: dict[str, Any] = {
            "field": self.field,
            "key": self.message.key,
            "params": self.message.params_json(),
            "text": "",
            "edition": self.edition.name,
            "parameters": [reading_json(self.edition, reading) for reading in self.readings],
        }
        defaults = sorted({r.name for r in self.readings if r.name.startswith(READINGS_PREFIX)})
        if defaults:
            body["default_readings"] = defaults
        if any(r.carried_forward for r in self.readings):
            body["carried_forward"] = True
        body["text"] = render_explanation(body, language)
        return body


def render_explanation(item: dict[str, Any], language: str) -> str:
    """The text of a stored explanation (``key``, ``params``, ``carried_forward``) in ``language``."""
    text = render(str(item["key"]), item.get("params") or {}, language)
    if item.get("carried_forward"):
        text += render(CARRIED_FORWARD, {}, language)
    return text


@dataclass
class Explanations:
    """An ordered collection of explanations for one document."""

    items: list[Explanation] = field(default_factory=list)

    def add(self, field_name: str, text: str | Message, edition: Edition, *readings: ParameterReading) -> None:
        """Explain ``field_name`` by a catalogue message; a plain ``str`` is kept as ``text.untranslated``."""
        self.items.append(Explanation(field_name, as_message(text), edition, tuple(readings)))

    def extend(self, other: Explanations) -> None:
        self.items.extend(other.items)

    def as_json(self, language: str = DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
        return [item.as_json(language) for item in self.items]


__all__ = ["Explanation", "Explanations", "Message", "msg", "render_explanation"]
