"""The programme manager's programme pages: the event calendar and each event's speakers.

Same session, CSRF and headers as the review queue; no JavaScript.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Conn, EmbedderDep, IdPath
from api.routers.review import MaybeSession
from api.web_templates import templates
from matcher.errors import AlreadyExists, Forbidden, MatcherError, NotFound
from matcher.records_programme import EventKind, EventState, InvitationState
from matcher.usecases import programme, speakers, themes, web_sessions
from matcher.usecases.web_sessions import WebSession

router = APIRouter(prefix="/review", include_in_schema=False)

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

EVENT_KIND_LABELS = {
    EventKind.theme_event: "Thema-evenement",
    EventKind.lunch_session: "Lunchsessie",
    EventKind.network_meeting: "Kennisnetwerk",
    EventKind.sector_meeting: "Sectorbijeenkomst",
}
EVENT_STATE_LABELS = {
    EventState.planned: "Gepland",
    EventState.speakers_invited: "Sprekers uitgenodigd",
    EventState.programme_confirmed: "Programma rond",
    EventState.held: "Gehouden",
    EventState.cancelled: "Afgelast",
}
INVITATION_STATE_LABELS = {
    InvitationState.invited: "Uitgenodigd",
    InvitationState.accepted: "Toegezegd",
    InvitationState.declined: "Afgeslagen",
    InvitationState.held: "Heeft gesproken",
    InvitationState.cancelled: "Vervallen",
}
_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

_MESSAGES = {
    "uitgenodigd": ("status", "De uitnodiging is vastgelegd."),
    "al-uitgenodigd": ("alert", "Deze persoon is al uitgenodigd voor dit evenement."),
    "thema-gekozen": ("status", "Het thema is vastgelegd voor dit evenement."),
    "ongeldig": (
        "alert",
        "Uitnodigen lukt niet: deze persoon wil of mag niet spreken, of het "
        "evenement is al gehouden of afgelast.",
    ),
}


def dutch_moment(moment: datetime) -> str:
    """'donderdag 17 december 2026, 15:00' in Dutch local time."""
    local = moment.astimezone(programme.LOCAL_TIME)
    return (
        f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local:%H:%M}"
    )


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    base = {
        "event_kind_labels": EVENT_KIND_LABELS,
        "event_state_labels": EVENT_STATE_LABELS,
        "invitation_state_labels": INVITATION_STATE_LABELS,
        "dutch_moment": dutch_moment,
        "month_name": lambda d: f"{_MONTHS[d.month - 1]} {d.year}",
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code, headers=PAGE_HEADERS
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _to_login() -> RedirectResponse:
    return _redirect("/review/login")


@router.get("/events")
async def events_page(request: Request, conn: Conn, session: MaybeSession) -> Response:
    """The calendar of the coming year with each event's programme."""
    if session is None:
        return _to_login()
    # The last quarter stays visible: who spoke lately is what rotation works from.
    since = datetime.now(UTC) - timedelta(days=92)
    items = await programme.list_programme(
        conn, session.principal, since=since, until=since + timedelta(days=500)
    )
    by_month: dict[date, list[Any]] = {}
    for item in items:
        day = programme.local_day(item.event.starts_at)
        by_month.setdefault(day.replace(day=1), []).append(item)
    booked = {
        item.event.id: sum(
            1
            for i in item.invitations
            if i.state in (InvitationState.invited, InvitationState.accepted, InvitationState.held)
        )
        for item in items
    }
    return _render(
        request,
        "review/events.html",
        {
            "session": session,
            "active": "events",
            "by_month": by_month,
            "booked": booked,
            "total": len(items),
        },
    )


@router.get("/events/{event_id}")
async def event_page(
    request: Request,
    event_id: IdPath,
    conn: Conn,
    session: MaybeSession,
    embedder: EmbedderDep,
) -> Response:
    """One event: its programme and the speakers the matcher proposes."""
    if session is None:
        return _to_login()
    try:
        item = await programme.get_programme(conn, session.principal, event_id)
    except NotFound:
        return _render(
            request,
            "review/error.html",
            {
                "session": session,
                "title": "Niet gevonden",
                "message": "Dit evenement bestaat niet.",
            },
            status_code=404,
        )
    suggestions = None
    if item.event.state not in (EventState.held, EventState.cancelled):
        suggestions = await speakers.suggest_speakers(
            conn, session.principal, event_id, embedder=embedder, today=date.today(), top=8
        )
    return _render(
        request,
        "review/event.html",
        {
            "session": session,
            "active": "events",
            "item": item,
            "suggestions": suggestions,
            "flash": _MESSAGES.get(request.query_params.get("melding", "")),
        },
    )


async def _checked_form(request: Request, session: WebSession | None) -> dict[str, str] | None:
    if session is None:
        return None
    form = await request.form()
    token = form.get("csrf_token")
    try:
        web_sessions.check_csrf(session.csrf_token, token if isinstance(token, str) else None)
    except Forbidden:
        return None
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/events/{event_id}/invite")
async def invite(request: Request, event_id: IdPath, conn: Conn, session: MaybeSession) -> Response:
    """Invite a suggested speaker from the event page."""
    form = await _checked_form(request, session)
    if form is None or session is None:
        return _render(
            request,
            "review/error.html",
            {
                "session": session,
                "title": "Formulier geweigerd",
                "message": "Dit formulier is verlopen of komt niet van deze pagina. Er is niets "
                "gewijzigd.",
            },
            status_code=403,
        )
    raw = form.get("person_id", "")
    code = "uitgenodigd"
    if not raw.isdigit():
        code = "ongeldig"
    else:
        try:
            async with conn.transaction():
                await programme.invite_speaker(
                    conn, session.principal, event_id, person_id=int(raw)
                )
        except AlreadyExists:
            code = "al-uitgenodigd"
        except MatcherError:
            code = "ongeldig"
    return _redirect(f"/review/events/{event_id}?melding={code}#programma")


THEME_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
)
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 400, 24


@router.get("/themes")
async def themes_page(
    request: Request, conn: Conn, session: MaybeSession, embedder: EmbedderDep
) -> Response:
    """The quarter's themes with sizes, sectors, growth, candidate speakers and a 2-D map."""
    if session is None:
        return _to_login()
    report = await themes.discover_themes(
        conn, session.principal, model_id=embedder.model_id, today=date.today()
    )
    colours = {t.index: THEME_COLOURS[n % len(THEME_COLOURS)] for n, t in enumerate(report.themes)}
    points = [
        {
            "cx": round(MAP_PAD + p.x * (MAP_WIDTH - 2 * MAP_PAD), 1),
            "cy": round(MAP_PAD + (1 - p.y) * (MAP_HEIGHT - 2 * MAP_PAD), 1),
            "colour": colours[p.theme],
            "title": p.title,
            "theme": next(t.label for t in report.themes if t.index == p.theme),
        }
        for p in report.points
    ]
    coming = await programme.list_programme(
        conn, session.principal, since=datetime.now(UTC), until=None, kind=EventKind.theme_event
    )
    open_events = [
        i.event
        for i in coming
        if i.event.state in (EventState.planned, EventState.speakers_invited)
    ][:6]
    return _render(
        request,
        "review/themes.html",
        {
            "session": session,
            "active": "themes",
            "open_events": open_events,
            "report": report,
            "colours": colours,
            "points": points,
            "map_width": MAP_WIDTH,
            "map_height": MAP_HEIGHT,
        },
    )


@router.post("/themes/choose")
async def choose_theme(request: Request, conn: Conn, session: MaybeSession) -> Response:
    """Make a discovered theme the theme of a coming theme event."""
    form = await _checked_form(request, session)
    if form is None or session is None:
        return _render(
            request,
            "review/error.html",
            {
                "session": session,
                "title": "Formulier geweigerd",
                "message": "Dit formulier is verlopen of komt niet van deze pagina. Er is niets "
                "gewijzigd.",
            },
            status_code=403,
        )
    raw, theme = form.get("event_id", ""), form.get("theme", "").replace("\x00", "").strip()
    if not raw.isdigit() or not theme or len(theme) > 200:
        return _redirect("/review/themes")
    event_id = int(raw)
    try:
        async with conn.transaction():
            await programme.update_event(
                conn, session.principal, event_id, {"theme": theme}, now=datetime.now(UTC)
            )
    except MatcherError:
        return _redirect(f"/review/events/{event_id}?melding=ongeldig")
    return _redirect(f"/review/events/{event_id}?melding=thema-gekozen")
