"""The programme manager's themes page: the quarter's themes, the map, picking an event's theme."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn, EmbedderDep
from api.routers.review import MaybeSession
from api.routers.review_programme import (
    checked_form,
    form_refused,
    redirect,
    render_page,
    to_login,
)
from matcher.errors import MatcherError
from matcher.inputs import EventChanges
from matcher.records_programme import EventKind, EventState
from matcher.usecases import programme, themes

router = APIRouter(prefix="/review", include_in_schema=False)


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
        return to_login()
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
    return render_page(
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
    form = await checked_form(request, session)
    if form is None or session is None:
        return form_refused(request, session)
    raw, theme = form.get("event_id", ""), form.get("theme", "")
    if not raw.isdigit() or not theme or len(theme) > 200:
        return redirect("/review/themes")
    event_id = int(raw)
    try:
        async with conn.transaction():
            await programme.update_event(
                conn, session.principal, event_id, EventChanges(theme=theme), now=datetime.now(UTC)
            )
    except MatcherError:
        return redirect(f"/review/events/{event_id}?melding=ongeldig")
    return redirect(f"/review/events/{event_id}?melding=thema-gekozen")
