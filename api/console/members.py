"""The member page: timeline, status on a date with every figure explained, cap balances, claims.

The status is the document ``GET /v1/members/{id}/status`` answers (``projections.queries.member_status``,
same arguments); the timeline, the balances and the claims come from the same fold
(``projections.queries.member_ledger``). Nothing is recomputed here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api.console.access import MemberReader
from api.console.labels import Translator, language_of
from api.console.pages import CONSOLE_PREFIX, ConsolePageRoute, render
from api.console.timeline import LABEL_WIDTH, WIDTH, build_timeline
from api.i18n import localise
from api.identity import member_key
from api.params import QueryDate, QueryDateTime
from api.routes.members import MemberIdPath
from api.routes.status import today_in_china
from domain.contract import Region, Scheme
from domain.entitlements.fold import MemberLedger
from domain.money import parse_yuan
from projections.isolation import failures
from projections.member_list import PREFIX_CHARACTERS_MAX, list_members
from projections.queries import find_edition, member_ledger, member_status

router = APIRouter(prefix=CONSOLE_PREFIX, route_class=ConsolePageRoute, include_in_schema=False)

#: Isolated members the home page lists (``ledger project --failures`` lists all).
ISOLATED_SHOWN_MAX = 50
#: Longest text accepted in the member search box (an id or an 18-character identity number).
SEARCH_CHARACTERS_MAX = 64


@router.get("/")
async def home(request: Request, principal: MemberReader) -> Response:
    engine = request.app.state.read_engine
    isolated = await run_in_threadpool(failures, engine, limit=ISOLATED_SHOWN_MAX)
    return render(request, "home.html", {"today": today_in_china(), "isolated": isolated})


@router.get("/members")
async def find_member(
    request: Request, principal: MemberReader, q: Annotated[str, Query(min_length=1, max_length=SEARCH_CHARACTERS_MAX)]
) -> Response:
    """A member id (or an identity number, pseudonymised as the API does) leads to the member's page;
    anything else lists the members whose id starts with it, or — when no id does — whose name does."""
    text = q.strip()
    key = member_key(request, text)
    if await run_in_threadpool(request.app.state.ledger.member_exists, key):
        return RedirectResponse(f"{CONSOLE_PREFIX}/members/{key}", status_code=303)
    by_id = await run_in_threadpool(
        list_members, request.app.state.read_engine, on=today_in_china(), prefix=text[:PREFIX_CHARACTERS_MAX]
    )
    field = "prefix" if by_id.total else "name"
    return RedirectResponse(f"{CONSOLE_PREFIX}/member-list?{urlencode({field: text})}", status_code=303)


@router.get("/member-list")
async def member_list(
    request: Request,
    principal: MemberReader,
    prefix: Annotated[str, Query(max_length=PREFIX_CHARACTERS_MAX)] = "",
    name: Annotated[str, Query(max_length=SEARCH_CHARACTERS_MAX)] = "",
    region: Annotated[Region | None, Query()] = None,
    scheme: Annotated[Scheme | None, Query()] = None,
    status: Annotated[Literal["covered", "not_covered"] | None, Query()] = None,
    as_of: Annotated[QueryDate | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """Members by id prefix, name prefix, region, scheme and coverage on ``as_of``, fifty a page (the read model)."""
    day = as_of or today_in_china()
    listed = await run_in_threadpool(
        list_members,
        request.app.state.read_engine,
        on=day,
        prefix=prefix.strip(),
        name=name.strip(),
        region=region.value if region else None,
        scheme=scheme.value if scheme else None,
        coverage=status,
        page=page,
    )
    asked = {
        "prefix": prefix.strip(),
        "name": name.strip(),
        "region": region.value if region else "",
        "scheme": scheme.value if scheme else "",
        "status": status or "",
        "as_of": day.isoformat(),
    }

    def page_url(number: int) -> str:
        return f"{CONSOLE_PREFIX}/member-list?{urlencode({**{k: v for k, v in asked.items() if v}, 'page': number})}"

    context = {
        "listed": listed,
        "asked": asked,
        "regions": [r.value for r in Region],
        "schemes": [s.value for s in Scheme],
        "previous_url": page_url(listed.page - 1) if listed.page > 1 else None,
        "next_url": page_url(listed.page + 1) if listed.page < listed.pages else None,
    }
    return render(request, "member_list.html", context)


@router.get("/members/{member_id}")
async def member_page(
    request: Request,
    principal: MemberReader,
    member_id: MemberIdPath,
    as_of: Annotated[QueryDate | None, Query()] = None,
    known_at: Annotated[QueryDateTime | None, Query()] = None,
    edition: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    if known_at is not None and known_at.tzinfo is None:
        raise HTTPException(422, "known_at must carry a time zone, e.g. 2026-01-01T00:00:00Z")
    state = request.app.state
    day = as_of or today_in_china()
    moment = (known_at or datetime.now(UTC)).astimezone(UTC)
    chosen = find_edition(state.rulebook, edition) if edition else None
    arguments: dict[str, Any] = {"as_of": day, "known_at": moment, "edition": chosen}
    status = await run_in_threadpool(member_status, state.ledger, state.rulebook, member_id, **arguments)
    folded = await run_in_threadpool(member_ledger, state.ledger, state.rulebook, member_id, **arguments)
    t = Translator(language_of(request))
    # Explanation texts in the console's language (Chinese unless English is asked for), labels beside keys.
    status = localise(status, t.language)
    context = {
        "member_id": member_id,
        "status": status,
        "as_of": day.isoformat(),
        "known_at": status["known_at"],
        "known_at_given": known_at is not None,
        "edition": edition or "",
        "explanations": _explanations_by_field(status["explanations"]),
        "timeline": build_timeline(folded, t=t),
        "timeline_width": WIDTH,
        "label_width": LABEL_WIDTH,
        "bars": _cap_bars(status),
        "claims": _claims(folded, t.language),
        "movements": _latest_movements(status),
        "not_covered": _not_covered(folded, day),
        "api_status_url": f"/v1/members/{member_id}/status?as_of={day.isoformat()}",
    }
    return render(request, "member.html", context)


def _not_covered(folded: MemberLedger, day: date) -> dict[str, Any]:
    """Why the member has no coverage on ``day``: no paid period at all, the last one ended, or the next not begun."""
    periods = folded.periods
    if not periods:
        return {"reason": "no_payment", "on": None}
    before = [p for p in periods if p.covered_until <= day]
    if before:
        last = max(before, key=lambda p: p.covered_until)
        return {"reason": "ended", "on": (last.covered_until - timedelta(days=1)).isoformat()}
    first = min(periods, key=lambda p: p.covered_from)
    return {"reason": "not_yet", "on": first.covered_from.isoformat()}


#: How many of the latest personal-account movements the page lists (the JSON link has them all).
LAST_MOVEMENTS = 10


def _latest_movements(status: dict[str, Any]) -> list[dict[str, Any]]:
    """The last few personal-account movements, newest first, each with the field its explanation is under."""
    account = status.get("personal_account")
    if not account:
        return []
    movements = account["movements"]
    first = max(0, len(movements) - LAST_MOVEMENTS)
    return [
        movement | {"field": f"personal_account.movements[{index}]"}
        for index, movement in reversed(list(enumerate(movements))[first:])
    ]


def _explanations_by_field(explanations: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for explanation in explanations:
        found.setdefault(explanation["field"], []).append(explanation)
    return found


def _share(part: str | None, whole: str | None) -> float:
    """``part`` of ``whole`` in percent (two yuan strings), for drawing a bar; 0 when there is no whole."""
    if part is None or whole is None:
        return 0.0
    whole_fen = parse_yuan(whole)
    return 0.0 if whole_fen <= 0 else round(min(100.0, 100.0 * parse_yuan(part) / whole_fen), 1)


def _cap_bars(status: dict[str, Any]) -> list[dict[str, Any]]:
    """One bar per balance of the status document (its caps, and the resident's major-illness cap)."""
    bars = [
        {
            "layer": layer,
            "field": f"caps.{layer}",
            "cap": balance["cap"],
            "used": balance["used"],
            "remaining": balance["remaining"],
            "used_percent": _share(balance["used"], balance["cap"]),
        }
        for layer, balance in status["caps"].items()
    ]
    major = status.get("major_illness")
    if major:
        bars.append(
            {
                "layer": "major_illness",
                "field": "major_illness.cap",
                "cap": major["cap"],
                "used": major["used"],
                "remaining": major["remaining"],
                "used_percent": _share(major["used"], major["cap"]),
            }
        )
    return bars


def _claims(folded: MemberLedger, language: str) -> list[dict[str, Any]]:
    """Each claim's settlement document in effective order, with the claim's dates and setting."""
    claims = []
    seen: set[str] = set()
    for claim in folded.facts.claims:
        settlement = folded.settlements.get(claim.data.claim_id)
        if settlement is None or claim.data.claim_id in seen:
            continue
        seen.add(claim.data.claim_id)
        document = localise(settlement.as_json(), language)
        document["admitted_on"] = claim.data.admitted_on.isoformat()
        document["setting"] = claim.data.setting.value
        document["shares"] = {
            layer: _share(amount, document["total_amount"]) for layer, amount in document["layers"].items()
        }
        document["member_share"] = _share(document["member_pays"], document["total_amount"])
        claims.append(document)
    return claims
