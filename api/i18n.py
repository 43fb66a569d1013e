"""The language of an API answer: ``?lang=zh|en`` first, else ``Accept-Language``, else English.

Documents keep every explanation's ``key`` and ``params``; :func:`localise` renders their ``text``
again in the language asked for and, in Chinese, puts a display ``label`` beside the machine words
(status words, cap and layer keys with disease names) — the keys themselves never change, so a
client reading ``status`` or ``caps`` by key works in either language. English answers are the
documents as stored, byte for byte.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import Query, Request

from domain import messages
from domain.explain import render_explanation

#: The API's language when nothing is asked for: English (existing clients read English texts).
API_DEFAULT_LANGUAGE = "en"
#: Most ``Accept-Language`` entries read (a header is a hint, not a list to walk without end).
ACCEPT_LANGUAGE_ENTRIES_MAX = 20

LanguageQuery = Annotated[
    Literal["zh", "en"] | None,
    Query(description="Language of explanation texts and labels: `zh` or `en` (default: `Accept-Language`, else en)."),
]


def accepted_language(header: str | None, *, default: str = API_DEFAULT_LANGUAGE) -> str:
    """The first of zh / en the ``Accept-Language`` header prefers (``zh-CN`` and ``zh`` are zh), else ``default``."""
    if not header:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")[:ACCEPT_LANGUAGE_ENTRIES_MAX]):
        tag, _, rest = entry.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in messages.LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else default


def language_of(request: Request, lang: str | None = None) -> str:
    """``?lang=`` when given, else the request's ``Accept-Language``, else English."""
    if lang in messages.LANGUAGES:
        return str(lang)
    return accepted_language(request.headers.get("accept-language"))


def localise(document: dict[str, Any], language: str) -> dict[str, Any]:
    """The document with every stored message's ``text`` (and a settlement's ``reasons``) in ``language`` and, in
    Chinese, labels beside keys."""
    if language == API_DEFAULT_LANGUAGE:
        return document
    localised = copy.deepcopy(document)
    _render_texts(localised, language)
    if language == "zh":
        _label(localised, language)
    return localised


def _render_texts(node: Any, language: str) -> None:
    if isinstance(node, dict):
        if "key" in node and "params" in node and "text" in node and node["key"] in messages.MESSAGES:
            node["text"] = render_explanation(node, language)
        reasons = node.get("reason_messages")
        if (
            isinstance(reasons, list)
            and isinstance(node.get("reasons"), list)
            and len(reasons) == len(node["reasons"])
            and all(isinstance(r, dict) and r.get("key") in messages.MESSAGES for r in reasons)
        ):
            node["reasons"] = [messages.render_json(reason, language) for reason in reasons]
        reason = node.get("reason_message")
        if isinstance(reason, dict) and reason.get("key") in messages.MESSAGES and "reason" in node:
            node["reason"] = messages.render_json(reason, language)
        for value in node.values():
            _render_texts(value, language)
    elif isinstance(node, list):
        for item in node:
            _render_texts(item, language)


def _label(document: dict[str, Any], language: str) -> None:
    """Display names beside the machine words of a status or settlement document."""
    for name, kind in (("status", "claim_status"), ("scheme", "scheme"), ("region", "region")):
        value = document.get(name)
        if isinstance(value, str):
            document[f"{name}_label"] = messages.term(kind, value, language)
    for name in ("caps", "balances_after"):
        balances = document.get(name)
        if isinstance(balances, Mapping):
            for key, balance in balances.items():
                if isinstance(balance, dict):
                    balance["label"] = messages.cap_label(key, language)
    layers = document.get("layers")
    if isinstance(layers, Mapping):
        document["layer_labels"] = {layer: messages.cap_label(layer, language) for layer in layers}
    account = document.get("personal_account")
    if isinstance(account, Mapping):
        for movement in [*account.get("movements", []), *account.get("refused", [])]:
            if isinstance(movement, dict) and isinstance(movement.get("kind"), str):
                movement["kind_label"] = messages.term("movement", movement["kind"], language)
