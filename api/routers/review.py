"""The programme manager's review pages: sign-in, queue, decisions, introductions, network.

Server-rendered HTML that works without JavaScript. A session cookie (its token stored
hashed) replaces the API key after sign-in; every POST carries the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import Conn, IdPath, SettingsDep
from api.ratelimit import throttle_sign_in
from api.web_format import KIND_LABELS, REASON_LABELS, STATUS_LABELS, deadline, heat_level
from api.web_templates import templates
from matcher.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    MatcherError,
    NotFound,
    RateLimited,
    Unauthorized,
)
from matcher.settings import Settings
from matcher.usecases import matches, members, web_sessions
from matcher.usecases.web_sessions import WebSession

router = APIRouter(prefix="/review", include_in_schema=False)

SESSION_COOKIE = "matcher_review"
LOGIN_COOKIE = "matcher_review_login"
LOGIN_COOKIE_PATH = "/review/login"

# Pages hold personal data and forms: never cached, never framed, no scripts at all.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_LOGIN_MESSAGES = {
    "afgemeld": ("status", "Je bent afgemeld."),
    "verlopen": ("alert", "Je sessie is verlopen. Meld je opnieuw aan."),
}

_DONE = {
    "goedgekeurd": "is goedgekeurd",
    "afgewezen": "is afgewezen",
    "geintroduceerd": "is geïntroduceerd; de introductie is verstuurd",
}

_ERRORS = {
    "al-behandeld": "Dit voorstel kan deze stap niet (meer) zetten; het is intussen al behandeld. "
    "De lijst toont de actuele stand.",
    "geen-capaciteit": "Goedkeuren lukt niet: deze persoon heeft in de periode van de vraag niet "
    "genoeg vrije uren meer (andere goedgekeurde matches houden die uren vast).",
    "onbekend": "Dit voorstel bestaat niet (meer).",
    "reden-ontbreekt": "Kies een reden om het voorstel af te wijzen.",
    "tekst-ontbreekt": "De introductietekst mag niet leeg zijn.",
    "ongeldig": "De invoer klopt niet; controleer het formulier en probeer het opnieuw.",
}


async def current_session(request: Request, conn: Conn) -> WebSession | None:
    """The signed-in session behind the cookie, if any."""
    return await web_sessions.resume(conn, request.cookies.get(SESSION_COOKIE, ""))


MaybeSession = Annotated[WebSession | None, Depends(current_session)]


def _render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=_PAGE_HEADERS
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _to_login(reason: str | None = None) -> RedirectResponse:
    return _redirect("/review/login" + (f"?melding={reason}" if reason else ""))


def _filters(source: Mapping[str, Any]) -> dict[str, str]:
    """The queue filters (sector, kind, status) from a query or form; unknown values dropped."""
    out: dict[str, str] = {}
    sector = str(source.get("sector") or "").strip()
    if sector and len(sector) <= 40 and all(c.isalnum() or c in "_-" for c in sector):
        out["sector"] = sector
    kind = str(source.get("kind") or "")
    if kind in KIND_LABELS:
        out["kind"] = kind
    status = str(source.get("status") or "")
    if status in STATUS_LABELS and status != "proposed":
        out["status"] = status
    return out


def _queue_url(filters: Mapping[str, str], **extra: str | int) -> str:
    query = {**filters, **{k: str(v) for k, v in extra.items()}}
    return "/review" + (f"?{urlencode(query)}" if query else "")


def _csrf_failed(request: Request, session: WebSession | None) -> Response:
    return _render(
        request,
        "review/error.html",
        {
            "session": session,
            "title": "Formulier geweigerd",
            "message": "Dit formulier is verlopen of komt niet van deze pagina (CSRF-controle). "
            "Er is niets gewijzigd. Ga terug naar de wachtrij en probeer het opnieuw.",
        },
        status_code=403,
    )


async def _guarded_form(
    request: Request, session: WebSession | None
) -> tuple[WebSession, FormData] | Response:
    """The form of a POST from a signed-in session with the right CSRF token, else the response."""
    if session is None:
        return _to_login("verlopen")
    form = await request.form()
    token = form.get("csrf_token")
    try:
        web_sessions.check_csrf(session.csrf_token, token if isinstance(token, str) else None)
    except Forbidden:
        return _csrf_failed(request, session)
    return session, form


def _error_code(exc: MatcherError) -> str:
    if isinstance(exc, NotFound):
        return "onbekend"
    if isinstance(exc, Conflict):
        return "geen-capaciteit" if exc.code == "insufficient_capacity" else "al-behandeld"
    return "ongeldig"


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


# Sign-in and sign-out


def _login_page(
    request: Request,
    settings: Settings,
    *,
    error: str | None = None,
    message: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The sign-in form with a fresh login CSRF token (double-submitted: cookie and field)."""
    token = web_sessions.new_token()
    response = _render(
        request,
        "review/login.html",
        {"session": None, "login_csrf": token, "error": error, "message": message},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path=LOGIN_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
    )
    return response


@router.get("/login")
async def login_form(
    request: Request, session: MaybeSession, settings: SettingsDep, melding: str | None = None
) -> Response:
    """The sign-in form."""
    if session is not None:
        return _redirect("/review")
    return _login_page(request, settings, message=_LOGIN_MESSAGES.get(melding or ""))


@router.post("/login")
async def login(request: Request, conn: Conn, settings: SettingsDep) -> Response:
    """Sign in with a programme manager's API key; sets the session cookie."""
    form = await request.form()
    given = form.get("csrf_token")
    try:
        web_sessions.check_csrf(
            request.cookies.get(LOGIN_COOKIE, ""), given if isinstance(given, str) else None
        )
    except Forbidden:
        return _login_page(
            request,
            settings,
            error="Het aanmeldformulier is verlopen. Probeer het opnieuw.",
            status_code=403,
        )
    api_key = _field(form, "api_key")
    try:
        throttle_sign_in(request, api_key)
    except RateLimited as exc:
        page = _login_page(
            request,
            settings,
            error=f"Te veel aanmeldpogingen. Probeer het over {exc.retry_after} seconden opnieuw.",
            status_code=429,
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if not api_key:
        return _login_page(request, settings, error="Vul je API-sleutel in.", status_code=401)
    try:
        started = await web_sessions.sign_in(conn, api_key)
    except Unauthorized:
        return _login_page(
            request,
            settings,
            error="Deze API-sleutel is onbekend of ingetrokken. Controleer de sleutel.",
            status_code=401,
        )
    except Forbidden:
        return _login_page(
            request,
            settings,
            error="Met deze sleutel kun je hier niet aanmelden: de beoordelingspagina is alleen "
            "voor de programmamanager. Een sleutel van een lid-organisatie werkt alleen in de API.",
            status_code=403,
        )
    # A sign-in always starts a fresh session; one the browser still carried ends here.
    await web_sessions.sign_out(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = _redirect("/review")
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=int(web_sessions.SESSION_TTL.total_seconds()),
        path="/review",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_COOKIE_PATH)
    return response


@router.post("/logout")
async def logout(
    request: Request, conn: Conn, session: MaybeSession, settings: SettingsDep
) -> Response:
    """Sign out: the session ends in the database and the cookie is cleared."""
    guarded = await _guarded_form(request, session)
    if isinstance(guarded, Response):
        return guarded
    await web_sessions.sign_out(conn, guarded[0].token)
    response = _to_login("afgemeld")
    response.delete_cookie(
        SESSION_COOKIE,
        path="/review",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


# The queue


@router.get("")
async def queue_page(request: Request, conn: Conn, session: MaybeSession) -> Response:
    """Open challenges with their suggestions, most urgent first; filter by sector, kind, status."""
    if session is None:
        return _to_login()
    filters = _filters(request.query_params)
    status = filters.get("status", "proposed")
    items = await matches.review_queue(
        conn,
        session.principal,
        sector=filters.get("sector"),
        kind=filters.get("kind"),
        status=status,
    )
    sectors = await members.list_sectors(conn)
    flash = await _flash(conn, session, request.query_params)
    today = date.today()
    return _render(
        request,
        "review/queue.html",
        {
            "session": session,
            "active": "queue",
            "items": items,
            "deadlines": {item.id: deadline(item.needed_by, today) for item in items},
            "sectors": sectors,
            "filters": filters,
            "status": status,
            "status_labels": STATUS_LABELS,
            "flash": flash,
            "suggestion_count": sum(len(item.matches) for item in items),
        },
    )


async def _flash(
    conn: Conn, session: WebSession, query: Mapping[str, str]
) -> tuple[str, str] | None:
    """(role, text) of the message left by the last action, from the query string."""
    code = query.get("melding", "")
    if code in _ERRORS:
        return "alert", _ERRORS[code]
    if code not in _DONE:
        return None
    what = "Het voorstel"
    raw_id = query.get("voorstel", "")
    if raw_id.isdigit():
        try:
            match = await matches.get_match(conn, session.principal, int(raw_id))
        except MatcherError:
            pass
        else:
            what = f"{match.person_name} voor «{match.challenge_title}»"
    return "status", f"{what} {_DONE[code]}."


# Decisions


async def _decide(
    conn: asyncpg.Connection,
    back: Mapping[str, str],
    match_id: int,
    done: str,
    decision: Awaitable[object],
) -> Response:
    """Run a decision in a savepoint; back to the queue with what happened."""
    try:
        async with conn.transaction():
            await decision
    except MatcherError as exc:
        return _redirect(_queue_url(back, melding=_error_code(exc), voorstel=match_id))
    return _redirect(_queue_url(back, melding=done, voorstel=match_id))


@router.post("/matches/{match_id}/approve")
async def approve(
    request: Request, match_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """Approve a suggestion (capacity is reserved)."""
    guarded = await _guarded_form(request, session)
    if isinstance(guarded, Response):
        return guarded
    active, form = guarded
    back = _filters(form)
    return await _decide(
        conn, back, match_id, "goedgekeurd", matches.approve_match(conn, active.principal, match_id)
    )


@router.post("/matches/{match_id}/reject")
async def reject(request: Request, match_id: IdPath, conn: Conn, session: MaybeSession) -> Response:
    """Reject a suggestion with a reason and an optional note."""
    guarded = await _guarded_form(request, session)
    if isinstance(guarded, Response):
        return guarded
    active, form = guarded
    back = _filters(form)
    reason = _field(form, "reason_code")
    if reason not in REASON_LABELS:
        return _redirect(_queue_url(back, melding="reden-ontbreekt", voorstel=match_id))
    note = _field(form, "note") or None
    return await _decide(
        conn,
        back,
        match_id,
        "afgewezen",
        matches.reject_match(conn, active.principal, match_id, reason_code=reason, note=note),
    )


@router.get("/matches/{match_id}")
async def match_page(
    request: Request, match_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """One suggestion in full, with its history and (once approved) the introduction form."""
    if session is None:
        return _to_login()
    try:
        match = await matches.get_match(conn, session.principal, match_id)
    except NotFound:
        return _render(
            request,
            "review/error.html",
            {"session": session, "title": "Niet gevonden", "message": _ERRORS["onbekend"]},
            status_code=404,
        )
    return _render(
        request,
        "review/match.html",
        {
            "session": session,
            "active": "queue",
            "match": match,
            "filters": _filters(request.query_params),
            "introduction_text": matches.default_introduction_text(match),
            "error": _ERRORS.get(request.query_params.get("melding", "")),
        },
    )


@router.post("/matches/{match_id}/introduce")
async def introduce(
    request: Request, match_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """Send the introduction, with the text as the manager edited it."""
    guarded = await _guarded_form(request, session)
    if isinstance(guarded, Response):
        return guarded
    active, form = guarded
    back = _filters(form)
    text = _field(form, "introduction_text")
    if not text:
        query = urlencode({**back, "melding": "tekst-ontbreekt"})
        return _redirect(f"/review/matches/{match_id}?{query}")
    try:
        async with conn.transaction():
            await matches.introduce_match(conn, active.principal, match_id, introduction_text=text)
    except InvalidInput:
        query = urlencode({**back, "melding": "ongeldig"})
        return _redirect(f"/review/matches/{match_id}?{query}")
    except MatcherError as exc:
        return _redirect(_queue_url(back, melding=_error_code(exc), voorstel=match_id))
    return _redirect(_queue_url(back, melding="geintroduceerd", voorstel=match_id))


# The network


@router.get("/network")
async def network_page(request: Request, conn: Conn, session: MaybeSession) -> Response:
    """Sector × sector heatmap of approved and completed matches, and unmatched challenges."""
    if session is None:
        return _to_login()
    overview = await matches.network_overview(conn, session.principal)
    codes = [code for code, _ in overview.sectors]
    counts = {(a, b): int(overview.matrix.get((a, b), 0)) for a in codes for b in codes}
    maximum = max(counts.values(), default=0)
    total = sum(counts.values())
    cross = sum(n for (a, b), n in counts.items() if a != b)
    pairs = [(a, b) for a in codes for b in codes if a != b]
    connected = sum(1 for p in pairs if counts[p] > 0)
    return _render(
        request,
        "review/network.html",
        {
            "session": session,
            "active": "network",
            "sectors": overview.sectors,
            "counts": counts,
            "levels": {cell: heat_level(n, maximum) for cell, n in counts.items()},
            "row_totals": {a: sum(counts[(a, b)] for b in codes) for a in codes},
            "column_totals": {b: sum(counts[(a, b)] for a in codes) for b in codes},
            "total": total,
            "cross": cross,
            "pairs": len(pairs),
            "connected": connected,
            "unmatched": sorted(overview.unmatched, key=lambda u: -u.age_days),
        },
    )
