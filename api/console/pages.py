"""Rendering and access for the console's pages: templates, labels, the sign-in redirect.

Every page is a route of :class:`ConsolePageRoute`: a missing or refused key (401) sends the
browser to the sign-in page, a role that may not see the page (403) and unknown members, rule
sets or replays (404, 422) get a page that says so instead of problem+json.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import Forbidden, Unauthenticated, presented_key
from api.console.labels import LANGUAGE_COOKIE, LANGUAGES, Translator, language_of
from domain.errors import LedgerError
from projections.queries import UnknownClaim, UnknownEdition, UnknownMember

CONSOLE_PREFIX = "/console"
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
#: How long the language choice is remembered (one year).
LANGUAGE_COOKIE_AGE_S = 365 * 24 * 3600


def status_of(error: Exception) -> int | None:
    """The HTTP status an exception stands for, as ``api.problems`` maps it (None: not one of ours)."""
    if isinstance(error, StarletteHTTPException):
        return error.status_code
    if isinstance(error, Unauthenticated):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, (UnknownMember, UnknownClaim, UnknownEdition)):
        return 404
    return None


def render(request: Request, template: str, context: Mapping[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """A page in the request's language; a ``?lang=`` choice is remembered in a cookie."""
    language = language_of(request)
    other = next(code for code in LANGUAGES if code != language)
    query = dict(request.query_params) | {"lang": other}
    page = {
        "request": request,
        "t": Translator(language),
        "lang": language,
        "other_language_url": f"{request.url.path}?{urlencode(query)}",
        "principal": getattr(request.state, "console_principal", None) or getattr(request.state, "principal", None),
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, page, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE_S, samesite="strict", path=CONSOLE_PREFIX
        )
    return response


def sign_in_redirect(request: Request, *, refused: bool) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = f"next={quote(target, safe='')}" + ("&refused=1" if refused else "")
    return RedirectResponse(f"{CONSOLE_PREFIX}/sign-in?{query}", status_code=303)


class ConsolePageRoute(APIRoute):
    """A console page: errors of access and look-up become pages (or the sign-in redirect), not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in error.errors())
                return render(request, "error.html", {"status": 422, "detail": problems}, status_code=422)
            except (StarletteHTTPException, LedgerError) as error:
                status = status_of(error) or (422 if isinstance(error, LedgerError) else None)
                if status == 401:
                    return sign_in_redirect(request, refused=presented_key(request) is not None)
                if status is None or status >= 500:
                    raise
                detail = getattr(error, "detail", None) or str(error)
                return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)

        return handle
