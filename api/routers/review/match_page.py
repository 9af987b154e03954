"""One proposal in full on its own page, and sending its introduction."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn, IdPath
from api.routers.review.common import (
    ERRORS,
    CheckedForm,
    Session,
    error_code,
    field,
    filters,
    queue_url,
    redirect,
    render,
)
from matcher.errors import InvalidInput, MatcherError, NotFound
from matcher.matching import introduction
from matcher.usecases import match_actions, match_views

router = APIRouter()


@router.get("/matches/{match_id}")
async def match_page(request: Request, match_id: IdPath, conn: Conn, session: Session) -> Response:
    """One suggestion in full, with its history and (once approved) the introduction form."""
    try:
        match = await match_views.get_match(conn, session.principal, match_id)
    except NotFound:
        return render(
            request,
            "review/error.html",
            {"session": session, "title": "Niet gevonden", "message": ERRORS["onbekend"]},
            status_code=404,
        )
    return render(
        request,
        "review/match.html",
        {
            "session": session,
            "active": "queue",
            "match": match,
            "filters": filters(request.query_params),
            "introduction_text": introduction.default_introduction_text(match.record),
            "error": ERRORS.get(request.query_params.get("melding", "")),
        },
    )


@router.post("/matches/{match_id}/introduce")
async def introduce(match_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Send the introduction, with the text as the manager edited it."""
    back = posted.view
    text = field(posted.form, "introduction_text")
    if not text:
        query = urlencode({**back, "melding": "tekst-ontbreekt"})
        return redirect(f"/review/matches/{match_id}?{query}")
    try:
        async with conn.transaction():
            await match_actions.introduce_match(
                conn, posted.session.principal, match_id, introduction_text=text
            )
    except InvalidInput:
        query = urlencode({**back, "melding": "ongeldig"})
        return redirect(f"/review/matches/{match_id}?{query}")
    except MatcherError as exc:
        return redirect(queue_url(back, posted.anchor, melding=error_code(exc), voorstel=match_id))
    return redirect(queue_url(back, posted.anchor, melding="geintroduceerd", voorstel=match_id))
