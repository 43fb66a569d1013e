"""Who may see which page, and the sign-in page that stores an API key in a cookie.

The console authenticates exactly as the API does (``api.auth.require``: a bearer token, an
``X-API-Key`` header or the ``ledger_api_key`` cookie). The sign-in page only puts the key the
person typed into that cookie (HttpOnly, SameSite=Strict, so other sites can neither read it nor
send it); the next page checks it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from api.auth import KEY_COOKIE, Principal, require
from api.console.pages import CONSOLE_PREFIX, ConsolePageRoute, render
from api.problems import RequestBodyTooLarge
from api.routes.events import read_body_limited

#: The cookie api.auth reads a key from.
API_KEY_COOKIE = KEY_COOKIE
#: A signed-in browser keeps the key this long (8 hours: one working day).
API_KEY_COOKIE_AGE_S = 8 * 3600
#: Largest sign-in form accepted (a key and a return path).
SIGN_IN_FORM_BYTES_MAX = 4096

MEMBER_ROLES = ("service", "auditor", "admin")
RULES_ROLES = ("integration", "service", "auditor", "admin")
AUDIT_ROLES = ("auditor", "admin")


def page_access(*roles: str) -> Any:
    """A dependency: the signed-in principal with one of ``roles`` (401 → sign-in page, 403 → a page)."""
    authenticate = require(*roles)

    def principal(request: Request, found: Principal = Depends(authenticate)) -> Principal:
        request.state.console_principal = found
        return found

    return principal


MemberReader = Annotated[Principal, Depends(page_access(*MEMBER_ROLES))]
RulesReader = Annotated[Principal, Depends(page_access(*RULES_ROLES))]
Auditor = Annotated[Principal, Depends(page_access(*AUDIT_ROLES))]

router = APIRouter(prefix=CONSOLE_PREFIX, route_class=ConsolePageRoute, include_in_schema=False)


def _safe_next(raw: str | None) -> str:
    """Only a path inside the console (never another site) to return to after signing in."""
    if raw and raw.startswith(CONSOLE_PREFIX + "/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return f"{CONSOLE_PREFIX}/"


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    return render(
        request,
        "sign_in.html",
        {"next": _safe_next(request.query_params.get("next")), "refused": "refused" in request.query_params},
    )


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    try:
        body = await read_body_limited(request, SIGN_IN_FORM_BYTES_MAX)
    except RequestBodyTooLarge as error:
        return render(request, "error.html", {"status": 413, "detail": str(error)}, status_code=413)
    form = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=4)
    key = (form.get("api_key") or [""])[0].strip()
    target = _safe_next((form.get("next") or [""])[0])
    response = RedirectResponse(target, status_code=303)
    if key:
        response.set_cookie(
            API_KEY_COOKIE,
            key,
            max_age=API_KEY_COOKIE_AGE_S,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    response = RedirectResponse(f"{CONSOLE_PREFIX}/sign-in", status_code=303)
    response.delete_cookie(API_KEY_COOKIE, path="/", httponly=True, samesite="strict")
    return response
