"""Signing in to the review pages with a programme manager's key, and signing out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn, SettingsDep
from api.ratelimit import throttle_sign_in
from api.routers.review.common import (
    LOGIN_COOKIE,
    LOGIN_COOKIE_PATH,
    SESSION_COOKIE,
    CheckedForm,
    MaybeSession,
    field,
    redirect,
    render,
    to_login,
)
from matcher.errors import Forbidden, RateLimited, Unauthorized
from matcher.settings import Settings
from matcher.usecases import web_sessions

router = APIRouter()

_LOGIN_MESSAGES = {
    "afgemeld": ("status", "Je bent afgemeld."),
    "verlopen": ("alert", "Je sessie is verlopen. Meld je opnieuw aan."),
}


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
    response = render(
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
        return redirect("/review")
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
    api_key = field(form, "api_key")
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
    response = redirect("/review")
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
async def logout(posted: CheckedForm, conn: Conn, settings: SettingsDep) -> Response:
    """Sign out: the session ends in the database and the cookie is cleared."""
    await web_sessions.sign_out(conn, posted.session.token)
    response = to_login("afgemeld")
    response.delete_cookie(
        SESSION_COOKIE,
        path="/review",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response
