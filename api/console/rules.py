"""The rules pages: rule sets and editions, the parameters in force on a date, and what changes.

Parameters come from ``domain.policies.edition_json`` (as ``GET /v1/rules/{name}?on=`` answers);
a comparison lines up the parameters of two (edition, date) pairs by name: two dates of one rule
set, or two editions (a replay's patched edition against its base) on one date.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.console.access import RulesReader
from api.console.editions import edition_choices, recent_replays, resolve
from api.console.pages import CONSOLE_PREFIX, ConsolePageRoute, render
from api.params import QueryDate
from api.routes.status import today_in_china
from domain.policies import Edition, edition_json
from projections.rulebook import rule_set_summary

router = APIRouter(prefix=CONSOLE_PREFIX, route_class=ConsolePageRoute, include_in_schema=False)

EditionReference = Annotated[str, Query(min_length=1, max_length=80)]


@router.get("/rules")
async def rule_sets(request: Request, principal: RulesReader) -> Response:
    rulebook = request.app.state.rulebook
    summaries = [rule_set_summary(rulebook[name]) for name in rulebook]
    return render(request, "rules.html", {"rule_sets": summaries, "today": today_in_china().isoformat()})


@router.get("/rules/compare")
async def compare(
    request: Request,
    principal: RulesReader,
    a: EditionReference,
    b: EditionReference,
    a_on: Annotated[QueryDate, Query()],
    b_on: Annotated[QueryDate, Query()],
) -> Response:
    """What changes from edition ``a`` on ``a_on`` to edition ``b`` on ``b_on``."""
    state = request.app.state
    replays = await run_in_threadpool(recent_replays, state.read_engine)
    edition_a = await run_in_threadpool(resolve, a, state.rulebook, state.read_engine)
    edition_b = await run_in_threadpool(resolve, b, state.rulebook, state.read_engine)
    side_a, side_b = _in_force(edition_a, a_on), _in_force(edition_b, b_on)
    context = {
        "a": a,
        "b": b,
        "a_on": a_on.isoformat(),
        "b_on": b_on.isoformat(),
        "edition_a": edition_a,
        "edition_b": edition_b,
        "changes": changes(side_a, side_b),
        "choices": edition_choices(state.rulebook, replays),
    }
    return render(request, "rules_compare.html", context)


@router.get("/rules/{name}")
async def rule_set(
    request: Request, principal: RulesReader, name: str, on: Annotated[QueryDate | None, Query()] = None
) -> Response:
    rulebook = request.app.state.rulebook
    if name not in rulebook:
        raise HTTPException(404, f"no rule set named {name!r}; known: {', '.join(rulebook)}")
    edition = rulebook[name]
    day = on or today_in_china()
    context = {
        "edition": edition,
        "summary": rule_set_summary(edition),
        "on": day.isoformat(),
        "parameters": _in_force(edition, day),
        "choices": edition_choices(rulebook, []),
        "before": edition.first_on.isoformat(),
    }
    return render(request, "rule_set.html", context)


def _in_force(edition: Edition, on: date) -> dict[str, dict[str, Any]]:
    """Parameters in force on ``on`` by name (none before the edition's first date)."""
    if on < edition.first_on:
        raise HTTPException(422, f"{edition.name} has no values before {edition.first_on.isoformat()}")
    return {item["name"]: item for item in edition_json(edition, on)["parameters"]}


def shown(value: Any) -> str:
    """A parameter value as one line of text (tables and lists as compact JSON)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return str(value)


def changes(side_a: dict[str, dict[str, Any]], side_b: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Parameters whose value or reference differs, or which only one side has, by name."""
    found = []
    for name in sorted(set(side_a) | set(side_b)):
        item_a, item_b = side_a.get(name), side_b.get(name)
        if item_a is not None and item_b is not None:
            if item_a["value"] == item_b["value"] and item_a["reference"] == item_b["reference"]:
                continue
            kind = "value" if item_a["value"] != item_b["value"] else "reference"
        else:
            kind = "only_a" if item_b is None else "only_b"
        found.append(
            {
                "name": name,
                "kind": kind,
                "value_a": shown(item_a["value"]) if item_a else "",
                "value_b": shown(item_b["value"]) if item_b else "",
                "reference_a": item_a["reference"] if item_a else None,
                "reference_b": item_b["reference"] if item_b else None,
            }
        )
    return found
