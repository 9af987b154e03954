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
from api.routers.review.common import PAGE_HEADERS
from api.web_templates import templates
from matcher.dates import MONTHS_NL, WEEKDAYS_NL
from matcher.errors import AlreadyExists, Forbidden, MatcherError, NotFound
from matcher.inputs import EventChanges
from matcher.records_programme import EventKind, EventState, InvitationState
from matcher.usecases import programme, speakers, web_sessions
from matcher.usecases.web_sessions import WebSession

router = APIRouter(prefix="/review", include_in_schema=False)

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
_MESSAGES = {
    "uitgenodigd": ("status", "De uitnodiging is vastgelegd."),
    "al-uitgenodigd": ("alert", "Deze persoon is al uitgenodigd voor dit evenement."),
    "thema-gekozen": ("status", "Het thema is vastgelegd voor dit evenement."),
    "actie-confirm": ("status", "Het programma is bevestigd."),
    "actie-held": (
        "status",
        "Het evenement is vastgelegd als gehouden; de sprekers krijgen "
        "hun presentatie in hun trackrecord.",
    ),
    "actie-cancel": ("status", "Het evenement is afgelast; openstaande uitnodigingen vervallen."),
    "actie-move": ("status", "Het evenement is verplaatst."),
    "actie-mislukt": (
        "alert",
        "Dat lukt niet in de huidige stand van het evenement (bevestigen "
        "kan pas als iemand heeft toegezegd, gehouden pas na de start, verplaatsen "
        "alleen naar een moment in de toekomst).",
    ),
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
        f"{WEEKDAYS_NL[local.weekday()]} {local.day} {MONTHS_NL[local.month - 1]} {local.year}, "
        f"{local:%H:%M}"
    )


def render_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A programme page with its labels and the review pages' security headers."""
    base = {
        "event_kind_labels": EVENT_KIND_LABELS,
        "event_state_labels": EVENT_STATE_LABELS,
        "invitation_state_labels": INVITATION_STATE_LABELS,
        "dutch_moment": dutch_moment,
        "month_name": lambda d: f"{MONTHS_NL[d.month - 1]} {d.year}",
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code, headers=PAGE_HEADERS
    )


def redirect(url: str) -> RedirectResponse:
    """A 303 after a form (never cached)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def to_login() -> RedirectResponse:
    """Back to the sign-in form."""
    return redirect("/review/login")


@router.get("/events")
async def events_page(request: Request, conn: Conn, session: MaybeSession) -> Response:
    """The calendar of the coming year with each event's programme."""
    if session is None:
        return to_login()
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
    return render_page(
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
        return to_login()
    try:
        item = await programme.get_programme(conn, session.principal, event_id)
    except NotFound:
        return render_page(
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
    return render_page(
        request,
        "review/event.html",
        {
            "session": session,
            "active": "events",
            "item": item,
            "suggestions": suggestions,
            "started": item.event.starts_at <= datetime.now(UTC),
            "local_start": item.event.starts_at.astimezone(programme.LOCAL_TIME).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "flash": _MESSAGES.get(request.query_params.get("melding", "")),
        },
    )


async def checked_form(request: Request, session: WebSession | None) -> dict[str, str] | None:
    """The form's fields when a signed-in session sent it with its CSRF token, else None."""
    if session is None:
        return None
    form = await request.form()
    token = form.get("csrf_token")
    try:
        web_sessions.check_csrf(session.csrf_token, token if isinstance(token, str) else None)
    except Forbidden:
        return None
    return {k: v.replace("\x00", "").strip() for k, v in form.items() if isinstance(v, str)}


def form_refused(request: Request, session: WebSession | None) -> Response:
    """403 page for a form without a valid session or CSRF token; nothing changed."""
    return render_page(
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


@router.post("/events/{event_id}/invite")
async def invite(request: Request, event_id: IdPath, conn: Conn, session: MaybeSession) -> Response:
    """Invite a suggested speaker from the event page."""
    form = await checked_form(request, session)
    if form is None or session is None:
        return form_refused(request, session)
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
    return redirect(f"/review/events/{event_id}?melding={code}#programma")


@router.post("/events/{event_id}/action")
async def event_action(
    request: Request, event_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """Confirm the programme, record the event as held, cancel it, or move it."""
    form = await checked_form(request, session)
    if form is None or session is None:
        return form_refused(request, session)
    action, principal, now = form.get("action", ""), session.principal, datetime.now(UTC)
    try:
        async with conn.transaction():
            if action == "confirm":
                await programme.confirm_programme(conn, principal, event_id)
            elif action == "held":
                await programme.mark_held(
                    conn, principal, event_id, speaker_person_ids=None, now=now
                )
            elif action == "cancel":
                await programme.cancel_event(conn, principal, event_id)
            elif action == "move":
                starts_at = datetime.fromisoformat(form.get("starts_at", ""))
                if not 2000 <= starts_at.year <= 2100:
                    raise ValueError("year out of range")
                await programme.update_event(
                    conn, principal, event_id, EventChanges(starts_at=starts_at), now=now
                )
            else:
                raise ValueError("unknown action")
    except (MatcherError, ValueError):
        return redirect(f"/review/events/{event_id}?melding=actie-mislukt")
    return redirect(f"/review/events/{event_id}?melding=actie-{action}")
