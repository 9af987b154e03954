"""Pages behind the links in mail: answer an introduction, mail preferences and unsubscribe.

No API key and no session: the signed token in the URL is the credential, so these pages
carry no CSRF token (a forged form would need the token itself).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.deps import Conn
from api.web_templates import templates
from matcher.errors import Conflict, InvalidInput, NotFound
from matcher.states import MatchState
from matcher.usecases import introduction_answers as answers

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Path(min_length=10, max_length=600)]

_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_BAD_LINK = "Deze link is ongeldig of verlopen. Neem contact op met het programmabureau."


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=_HEADERS
    )


def _intro_page(
    request: Request, title: str, intro: Any, *, message: str | None = None, status_code: int = 200
) -> Response:
    context = {"title": title, "intro": intro, "message": message}
    return _page(request, "mail_links/introduction.html", context, status_code)


def _prefs_page(
    request: Request, title: str, prefs: Any, *, message: str | None = None, status_code: int = 200
) -> Response:
    context = {"title": title, "prefs": prefs, "message": message}
    return _page(request, "mail_links/preferences.html", context, status_code)


@router.get("/introductie/{token}")
async def introduction_page(request: Request, token: Token, conn: Conn) -> Response:
    """The introduction with what accepting reveals, and accept / decline buttons."""
    try:
        intro = await answers.introduction_for_token(conn, token)
    except NotFound:
        return _intro_page(request, "Link ongeldig", None, message=_BAD_LINK, status_code=404)
    return _intro_page(request, "Introductie beantwoorden", intro)


@router.post("/introductie/{token}")
async def answer_introduction(request: Request, token: Token, conn: Conn) -> Response:
    """Accept or decline; the link works once."""
    form = await request.form()
    action = str(form.get("action") or "")
    note = str(form.get("note") or "") or None
    try:
        async with conn.transaction():
            state = await answers.answer_introduction(conn, token, action, note=note)
    except NotFound:
        return _intro_page(request, "Link ongeldig", None, message=_BAD_LINK, status_code=404)
    except Conflict:
        intro = await answers.introduction_for_token(conn, token)
        return _intro_page(request, "Al beantwoord", intro, status_code=409)
    except InvalidInput:
        intro = await answers.introduction_for_token(conn, token)
        return _intro_page(request, "Kies accepteren of afslaan", intro, status_code=422)
    message = (
        "Dank je! Je hebt de introductie geaccepteerd; we hebben je contactgegevens gedeeld."
        if state is MatchState.accepted
        else "Je hebt de introductie afgeslagen. Er is niets gedeeld."
    )
    intro = await answers.introduction_for_token(conn, token)
    return _intro_page(request, "Bedankt voor je antwoord", intro, message=message)


@router.get("/mail/voorkeuren/{token}")
async def preferences_page(request: Request, token: Token, conn: Conn) -> Response:
    """Language, digest opt-in and unsubscribe for the address the link was made for."""
    try:
        prefs = await answers.preferences_for_token(conn, token)
    except NotFound:
        return _prefs_page(request, "Link ongeldig", None, message=_BAD_LINK, status_code=404)
    return _prefs_page(request, "Mailvoorkeuren", prefs)


@router.post("/mail/voorkeuren/{token}")
async def save_preferences(request: Request, token: Token, conn: Conn) -> Response:
    """Save the choices, or unsubscribe at once (also RFC 8058 one-click from a mail client)."""
    form = await request.form()
    try:
        if form.get("form") == "preferences":
            prefs = await answers.save_preferences(
                conn,
                token,
                language=str(form.get("language") or "nl"),
                digest_opt_in=form.get("digest_opt_in") == "1",
                unsubscribed=form.get("unsubscribed") == "1",
            )
            message = "Je voorkeuren zijn opgeslagen."
        else:
            prefs = await answers.unsubscribe(conn, token)
            message = "Je bent afgemeld: dit adres krijgt geen wekelijkse overzichten meer."
    except NotFound:
        return _prefs_page(request, "Link ongeldig", None, message=_BAD_LINK, status_code=404)
    except InvalidInput:
        prefs = await answers.preferences_for_token(conn, token)
        return _prefs_page(
            request, "Mailvoorkeuren", prefs, message="Kies Nederlands of English.", status_code=422
        )
    return _prefs_page(request, "Mailvoorkeuren", prefs, message=message)
