"""Shared parts of the review pages: rendering, redirects, filters, the session and CSRF check."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import Conn, bind_caller
from api.web_format import KIND_LABELS, STATUS_LABELS
from api.web_templates import templates
from matcher.errors import Conflict, Forbidden, MatcherError, NotFound
from matcher.states import MatchState
from matcher.usecases import web_sessions
from matcher.usecases.review_page import SORTS
from matcher.usecases.web_sessions import WebSession

SESSION_COOKIE = "matcher_review"
LOGIN_COOKIE = "matcher_review_login"
LOGIN_COOKIE_PATH = "/review/login"

# Pages hold personal data and forms: never cached, never framed, no scripts at all.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

ERRORS = {
    "al-behandeld": "Dit voorstel kan deze stap niet (meer) zetten; het is intussen al behandeld. "
    "De lijst toont de actuele stand.",
    "geen-capaciteit": "Goedkeuren lukt niet: deze persoon heeft in de periode van de vraag niet "
    "genoeg vrije uren meer (andere goedgekeurde matches houden die uren vast).",
    "onbekend": "Dit voorstel bestaat niet (meer).",
    "reden-ontbreekt": "Kies een reden om het voorstel af te wijzen.",
    "tekst-ontbreekt": "De introductietekst mag niet leeg zijn.",
    "ongeldig": "De invoer klopt niet; controleer het formulier en probeer het opnieuw.",
    "al-gesloten": "Deze uitdaging is al gesloten.",
}

SEARCH_MAX = 200
_ANCHOR = re.compile(r"^(uitdaging|voorstel)-\d{1,19}$")


class PageExit(Exception):
    """Leave a page handler early with this response (sign-in, refused form)."""

    def __init__(self, response: Response) -> None:
        super().__init__("page exit")
        self.response = response


async def page_exit_handler(request: Request, exc: Exception) -> Response:
    """Answer a PageExit with its response."""
    assert isinstance(exc, PageExit)
    return exc.response


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """A page with the review pages' security headers."""
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=PAGE_HEADERS
    )


def redirect(url: str) -> RedirectResponse:
    """A 303 to another page (after a POST)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def to_login(reason: str | None = None) -> RedirectResponse:
    """To the sign-in page, with a message code."""
    return redirect("/review/login" + (f"?melding={reason}" if reason else ""))


def filters(source: Mapping[str, Any]) -> dict[str, str]:
    """The queue's view (sector, kind, status, search, sort, page) from a query or form;
    unknown values dropped."""
    out: dict[str, str] = {}
    sector = str(source.get("sector") or "").strip()
    if sector and len(sector) <= 40 and all(c.isalnum() or c in "_-" for c in sector):
        out["sector"] = sector
    kind = str(source.get("kind") or "")
    if kind in KIND_LABELS:
        out["kind"] = kind
    status = str(source.get("status") or "")
    if status in STATUS_LABELS and status != MatchState.proposed:
        out["status"] = status
    search = str(source.get("q") or "").replace("\x00", "").strip()[:SEARCH_MAX]
    if search:
        out["q"] = search
    sort = str(source.get("sort") or "")
    if sort in SORTS and sort != "urgency":
        out["sort"] = sort
    page = str(source.get("pagina") or "")
    if page.isdigit() and 1 < int(page) < 100_000:
        out["pagina"] = page
    return out


def queue_url(view: Mapping[str, str], anchor: str | None = None, **extra: str | int) -> str:
    """The queue with this view, extra parameters and, when valid, an anchor to a card."""
    query = {**view, **{k: str(v) for k, v in extra.items()}}
    url = "/review" + (f"?{urlencode(query)}" if query else "")
    if anchor and _ANCHOR.match(anchor):
        url += f"#{anchor}"
    return url


def error_code(exc: MatcherError) -> str:
    """The page's message code for a failed action."""
    if isinstance(exc, NotFound):
        return "onbekend"
    if isinstance(exc, Conflict):
        if exc.code == "insufficient_capacity":
            return "geen-capaciteit"
        return "al-gesloten" if exc.code == "challenge_closed" else "al-behandeld"
    return "ongeldig"


def field(form: FormData, name: str) -> str:
    """A text field of the form, stripped, without NUL characters ('' when absent)."""
    value = form.get(name)
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


async def current_session(request: Request, conn: Conn) -> WebSession | None:
    """The signed-in session behind the cookie, if any (its manager named in the logs)."""
    session = await web_sessions.resume(conn, request.cookies.get(SESSION_COOKIE, ""))
    if session is not None:
        bind_caller(session.principal)
    return session


MaybeSession = Annotated[WebSession | None, Depends(current_session)]


async def signed_in(session: MaybeSession) -> WebSession:
    """The session of a signed-in manager, or off to the sign-in page."""
    if session is None:
        raise PageExit(to_login())
    return session


Session = Annotated[WebSession, Depends(signed_in)]


@dataclass(frozen=True, slots=True)
class PostedForm:
    """A POSTed form from a signed-in session whose CSRF token checked out."""

    session: WebSession
    form: FormData

    @property
    def view(self) -> dict[str, str]:
        """The queue view the form came from (to return to it)."""
        return filters(self.form)

    @property
    def anchor(self) -> str:
        """The card the form came from."""
        return field(self.form, "anchor")


async def guarded_form(
    request: Request, session: WebSession | None
) -> tuple[WebSession, FormData] | Response:
    """The one CSRF check: the form of a POST from a signed-in session carrying its token, else
    the response to give instead (to sign-in, or a refusal; nothing happens)."""
    if session is None:
        return to_login("verlopen")
    form = await request.form()
    token = form.get("csrf_token")
    try:
        web_sessions.check_csrf(session.csrf_token, token if isinstance(token, str) else None)
    except Forbidden:
        return render(
            request,
            "review/error.html",
            {
                "session": session,
                "title": "Formulier geweigerd",
                "message": "Dit formulier is verlopen of komt niet van deze pagina "
                "(CSRF-controle). Er is niets gewijzigd. Ga terug naar de wachtrij en "
                "probeer het opnieuw.",
            },
            status_code=403,
        )
    return session, form


async def checked_form(request: Request, session: MaybeSession) -> PostedForm:
    """guarded_form as a dependency: handlers only run for a checked form."""
    guarded = await guarded_form(request, session)
    if isinstance(guarded, Response):
        raise PageExit(guarded)
    return PostedForm(*guarded)


CheckedForm = Annotated[PostedForm, Depends(checked_form)]
