"""Messages: every explanation is a key of one catalogue and its parameters, rendered in zh or en.

The fold records *what* it decided as a :class:`Message` — a catalogue key and JSON-safe
parameters (strings, ints, yuan strings, ISO dates, nested messages) — and the text is rendered
from the catalogue (``domain.messages.catalogue``) in the language asked for. Stored documents
keep ``key`` and ``params``, so any edge can render them again in another language without
folding anew.

A template names its parameters as ``str.format`` fields. A field may carry a *term kind* as
its format spec — ``{layer:layer}``, ``{setting:setting}``, ``{key:cap}``, ``{code:condition}`` —
and the value is then shown by its display name from ``domain.messages.terms`` (a Chinese
template shows 基本统筹, not ``basic_pool``); the English templates keep the machine words they
have always shown.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from domain.messages.catalogue import MESSAGES
from domain.messages.terms import CONDITION_NAMES, TERMS

LANGUAGES = ("zh", "en")
#: The language of ``text`` in stored documents and API answers when none is asked for.
DEFAULT_LANGUAGE = "en"
#: The key of a plain text not yet in the catalogue (the compatible path of ``Explanations.add``).
UNTRANSLATED = "text.untranslated"
#: How a list of messages in one parameter is joined, per language.
JOINERS = {"zh": "；", "en": "; "}
#: How a list of plain words in one parameter is joined, per language.
LIST_JOINERS = {"zh": "、", "en": ", "}


@dataclass(frozen=True)
class Message:
    """One catalogue key and the parameters its templates name."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def params_json(self) -> dict[str, Any]:
        return {name: _param_json(value) for name, value in sorted(self.params.items())}

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": self.params_json()}

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return render(self.key, self.params_json(), language)

    def __hash__(self) -> int:
        return hash(json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False))


def msg(key: str, /, **params: Any) -> Message:
    """``msg("deadline.applied", applied="2025-03-01", …)``: a message of the catalogue."""
    return Message(key, params)


def plain(text: str) -> Message:
    """A plain text with no catalogue entry yet (rendered as is in every language)."""
    return Message(UNTRANSLATED, {"text": text})


def joined(*parts: Message | None) -> Message:
    """Messages one after the other, separated as sentences (``; `` / ``；``); None parts are left out."""
    return Message("list.joined", {"parts": [part for part in parts if part is not None]})


def concat(*parts: Message | None) -> Message:
    """Messages run together (a note that starts with its own separator); None parts are left out."""
    return Message("list.concat", {"parts": [part for part in parts if part is not None]})


def field_json(field_name: str, message: Message, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A message as an explanation item without parameters read: ``field``, ``key``, ``params``, ``text``."""
    return {"field": field_name, **message.as_json(), "text": message.render(language)}


def as_message(text: str | Message) -> Message:
    return text if isinstance(text, Message) else plain(text)


def _param_json(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | str) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_param_json(item) for item in value]
    return str(value)


def template(key: str, language: str) -> str:
    """The catalogue's template of ``key`` in ``language`` (an unknown language falls back to English)."""
    pair = MESSAGES[key]
    return pair[0] if language == "zh" else pair[1]


def render(key: str, params: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The text of message ``key`` with ``params`` (their JSON form) in ``language``."""
    return _Formatter(language).vformat(template(key, language), (), params)


def render_json(message: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """Render ``{"key": …, "params": …}`` (a stored message)."""
    return render(str(message["key"]), message.get("params") or {}, language)


def term(kind: str, name: str, language: str) -> str:
    """The display name of a machine word (``layer``, ``basic_pool``) in ``language``; the word itself if none."""
    pair = TERMS.get(f"{kind}.{name}")
    if pair is None:
        return name
    return pair[0] if language == "zh" else pair[1]


def condition_name(code: str, language: str) -> str:
    """A disease code with its name (``M00100 结核病``); an unknown code as it is."""
    pair = CONDITION_NAMES.get(code)
    if pair is None:
        return code
    return f"{code} {pair[0] if language == 'zh' else pair[1]}"


def cap_label(key: str, language: str) -> str:
    """A cap or balance key in words: ``chronic:M00100`` → 门诊慢特病 · M00100 结核病; a layer by its name."""
    programme, _, rest = key.partition(":")
    layer, _, part = programme.partition(".")
    words = term("layer", layer, language)
    if part:
        words += f" {term('layer', part, language)}"
    if rest:
        shown = condition_name(rest, language) if rest in CONDITION_NAMES else term("period", rest, language)
        words += f" · {shown}"
    return words


class _Formatter(string.Formatter):
    """``str.format`` with nested messages, lists, and term kinds as format specs."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Mapping) and "key" in value:
            return render_json(value, self.language)
        if isinstance(value, list):
            if not value:
                return ""
            if all(isinstance(item, Mapping) and "key" in item for item in value):
                joiner = (
                    ""
                    if format_spec == "concat"
                    else (LIST_JOINERS if format_spec == "comma" else JOINERS)[_lang(self.language)]
                )
                return joiner.join(render_json(item, self.language) for item in value)
            return LIST_JOINERS[_lang(self.language)].join(self.format_field(item, format_spec) for item in value)
        if value is None:
            return term("word", "none", self.language)
        if format_spec == "cap":
            return cap_label(str(value), self.language)
        if format_spec == "condition":
            return condition_name(str(value), self.language)
        if format_spec:
            return term(format_spec, str(value), self.language)
        return str(value)


def _lang(language: str) -> str:
    return "zh" if language == "zh" else "en"


def catalogue_gaps() -> list[str]:
    """What is wrong with the catalogue: a missing or empty language, templates naming different parameters."""
    gaps = []
    for key, pair in MESSAGES.items():
        if len(pair) != len(LANGUAGES):
            gaps.append(f"{key}: not a (zh, en) pair")
            continue
        gaps += [f"{key} ({language})" for language, text in zip(LANGUAGES, pair, strict=True) if not text.strip()]
        if placeholders(pair[0]) != placeholders(pair[1]):
            gaps.append(f"{key}: zh names {sorted(placeholders(pair[0]))}, en names {sorted(placeholders(pair[1]))}")
    gaps += [
        f"{key} ({language})"
        for key, pair in TERMS.items()
        for language, text in zip(LANGUAGES, pair, strict=True)
        if not text
    ]
    return gaps


def missing_terms(message: Mapping[str, Any]) -> list[str]:
    """Term names a stored message needs in its Chinese template that ``terms`` lacks (``kind.value``)."""
    missing: list[str] = []
    params = message.get("params") or {}
    for _, name, spec, _ in string.Formatter().parse(template(str(message["key"]), "zh")):
        if name is None:
            continue
        value = params.get(name)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, Mapping):
                continue
            if spec and spec not in ("cap", "condition", "comma", "concat") and item not in (None, ""):
                if f"{spec}.{item}" not in TERMS:
                    missing.append(f"{spec}.{item}")
            if spec == "condition" and item not in CONDITION_NAMES and str(item).isascii():
                missing.append(f"condition {item}")
    for value in params.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping) and "key" in item:
                missing += missing_terms(item)
    return missing


def placeholders(text: str) -> set[str]:
    """The parameter names a template uses."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MESSAGES",
    "UNTRANSLATED",
    "Message",
    "as_message",
    "cap_label",
    "catalogue_gaps",
    "concat",
    "condition_name",
    "field_json",
    "joined",
    "missing_terms",
    "msg",
    "placeholders",
    "plain",
    "render",
    "render_json",
    "term",
]
