"""The review queue page: ten challenges a page, their best proposals, search and sort."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn
from api.routers.review.common import ERRORS, Session, filters, queue_url, render
from api.web_format import STATUS_LABELS, deadline
from matcher.errors import MatcherError
from matcher.states import MatchState
from matcher.usecases import match_views, members
from matcher.usecases.review_page import review_page
from matcher.usecases.web_sessions import WebSession

router = APIRouter()

PER_PAGE = 10
TOP = 3
SORT_LABELS = {"urgency": "Urgentie", "age": "Leeftijd (oudste eerst)", "score": "Hoogste score"}

_DONE = {
    "goedgekeurd": "is goedgekeurd",
    "afgewezen": "is afgewezen",
    "geintroduceerd": "is geïntroduceerd; de introductie is verstuurd",
    "afgerond": "is afgerond; de bestede uren zijn geboekt",
    "geannuleerd": "is geannuleerd; de vastgehouden uren zijn vrijgegeven",
}
_CHALLENGE_DONE = {
    "rest-afgewezen": "De overige voorstellen zijn afgewezen.",
    "gesloten": "De uitdaging is gesloten; de open voorstellen zijn vervallen.",
}


@router.get("")
async def queue_page(request: Request, conn: Conn, session: Session) -> Response:
    """Open challenges with their best proposals, a page at a time; filter, search and sort."""
    view = filters(request.query_params)
    status = view.get("status", MatchState.proposed)
    expand = request.query_params.get("meer", "")
    result = await review_page(
        conn,
        session.principal,
        sector=view.get("sector"),
        kind=view.get("kind"),
        status=status,
        search=view.get("q"),
        sort=view.get("sort", "urgency"),
        page=int(view.get("pagina", "1")),
        per_page=PER_PAGE,
        top=TOP,
        expand=int(expand) if expand.isdigit() and len(expand) < 19 else None,
    )
    base = {k: v for k, v in view.items() if k != "pagina"}
    today = date.today()
    return render(
        request,
        "review/queue.html",
        {
            "session": session,
            "active": "queue",
            "items": result.items,
            "result": result,
            "deadlines": {
                q.challenge.id: deadline(q.challenge.needed_by, today) for q in result.items
            },
            "sectors": await members.list_sectors(conn),
            "filters": {**base, **({"pagina": str(result.page)} if result.page > 1 else {})},
            "page_url": lambda n: queue_url(base, **({"pagina": n} if n > 1 else {})),
            "more_url": lambda cid: queue_url(view, f"uitdaging-{cid}", meer=cid),
            "status": status,
            "status_labels": STATUS_LABELS,
            "sort_labels": SORT_LABELS,
            "sort": view.get("sort", "urgency"),
            "search": view.get("q", ""),
            "flash": await _flash(conn, session, request.query_params),
            "suggestion_count": sum(result.match_counts.values()),
        },
    )


async def _flash(
    conn: Conn, session: WebSession, query: Mapping[str, str]
) -> tuple[str, str] | None:
    """(role, text) of the message left by the last action, from the query string."""
    code = query.get("melding", "")
    if code in ERRORS:
        return "alert", ERRORS[code]
    if code in _CHALLENGE_DONE:
        return "status", _CHALLENGE_DONE[code]
    if code not in _DONE:
        return None
    what = "Het voorstel"
    raw_id = query.get("voorstel", "")
    if raw_id.isdigit() and len(raw_id) < 19:
        try:
            match = await match_views.get_match(conn, session.principal, int(raw_id))
        except MatcherError:
            pass
        else:
            what = f"{match.record.person_name} voor «{match.record.challenge_title}»"
    return "status", f"{what} {_DONE[code]}."
