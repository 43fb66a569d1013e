"""GET /v1/rules and /v1/rules/{name}?on=DATE — the rule sets and the parameters in force on a date."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.params import QueryDate
from api.problems import problem
from domain.policies import edition_json
from projections.rulebook import Rulebook, rule_set_summary

router = APIRouter(tags=["rules"])


def _rulebook(request: Request) -> Rulebook:
    rulebook: Rulebook = request.app.state.rulebook
    return rulebook


@router.get("/v1/rules")
async def list_rule_sets(request: Request) -> list[dict[str, Any]]:
    """One entry per rule set: name, edition hash, date range, confidence."""
    rulebook = _rulebook(request)
    return [rule_set_summary(rulebook[name]) for name in rulebook]


@router.get("/v1/rules/{name}", response_model=None)
async def show_rule_set(
    request: Request,
    name: str,
    on: Annotated[QueryDate, Query(description="The date the parameters are read on (YYYY-MM-DD).")],
) -> dict[str, Any] | JSONResponse:
    """The parameters of rule set ``name`` in force on ``on``, each with value, reference and notes."""
    rulebook = _rulebook(request)
    if name not in rulebook:
        return problem(
            404,
            "Unknown rule set",
            f"no rule set named {name!r}; known: {', '.join(rulebook)}",
            type_="/problems/unknown-rule-set",
        )
    edition = rulebook[name]
    if on < edition.first_on:
        return problem(
            422,
            "Date before the rule set",
            f"{name} has no values before {edition.first_on.isoformat()}",
            type_="/problems/rule-date-before-first-value",
        )
    return edition_json(edition, on)
