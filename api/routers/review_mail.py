"""The programme manager's mail pages: the outbox, one message as sent, retrying, digest preview.

They reuse the review pages' session and CSRF checks (api.routers.review).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Conn, IdPath
from api.routers.review import MaybeSession, _guarded_form, _redirect, _render, _to_login
from matcher.errors import NotFound
from matcher.storage.outbox import OUTBOX_STATES
from matcher.usecases import mail_review

router = APIRouter(prefix="/review/mail", include_in_schema=False)

PAGE_SIZE = 50
STATE_LABELS = {
    "queued": "in de wachtrij",
    "sending": "wordt verstuurd",
    "sent": "verstuurd",
    "failed": "mislukt",
    "cancelled": "niet verstuurd (afgemeld)",
}
KIND_LABELS = {
    "introduction_helper": "introductie (helper)",
    "introduction_asker": "introductie (vrager)",
    "introduction_reminder": "herinnering introductie",
    "introduction_accepted": "introductie geaccepteerd",
    "introduction_declined": "introductie afgeslagen",
    "member_digest": "weekoverzicht lid",
    "manager_digest": "netwerkoverzicht",
    "event_invitation": "uitnodiging spreker",
}
# A stored message is shown as it was sent: its inlined styles may apply, nothing else may.
_MESSAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("")
async def mail_page(
    request: Request,
    conn: Conn,
    session: MaybeSession,
    state: Annotated[str | None, Query(max_length=20)] = None,
    pagina: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every message with recipient, subject, state and time; failed ones can be retried."""
    if session is None:
        return _to_login()
    chosen = state if state in OUTBOX_STATES else None
    page = await mail_review.list_outbox(
        conn, session.principal, state=chosen, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE
    )
    return _render(
        request,
        "review/mail_list.html",
        {
            "session": session,
            "active": "mail",
            "page": page,
            "pagina": pagina,
            "pages": max(1, -(-page.total // PAGE_SIZE)),
            "state": chosen,
            "counts": await mail_review.outbox_counts(conn, session.principal),
            "overdue": await mail_review.overdue_answers(conn, session.principal),
            "state_labels": STATE_LABELS,
            "mail_kind_labels": KIND_LABELS,
            "flash": request.query_params.get("melding"),
        },
    )


@router.get("/preview")
async def digest_preview(request: Request, session: MaybeSession) -> Response:
    """What each member would receive this week if the digest ran now (nothing is queued)."""
    if session is None:
        return _to_login()
    week, messages = await mail_review.preview_member_digests(
        request.app.state.pool, session.principal
    )
    return _render(
        request,
        "review/mail_preview.html",
        {"session": session, "active": "mail", "week": week, "messages": messages},
    )


@router.get("/{message_id}")
async def message_page(
    request: Request, message_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """One message: recipient, subject, state, attempts, the text and a link to the HTML."""
    if session is None:
        return _to_login()
    try:
        message = await mail_review.get_message(conn, session.principal, message_id)
    except NotFound:
        return _render(
            request,
            "review/error.html",
            {"session": session, "title": "Niet gevonden", "message": "Dit bericht bestaat niet."},
            status_code=404,
        )
    return _render(
        request,
        "review/mail_message.html",
        {
            "session": session,
            "active": "mail",
            "message": message,
            "state_labels": STATE_LABELS,
            "mail_kind_labels": KIND_LABELS,
        },
    )


@router.get("/{message_id}/html")
async def message_html(message_id: IdPath, conn: Conn, session: MaybeSession) -> Response:
    """The HTML part as the recipient sees it (sandboxed: no scripts, no requests)."""
    if session is None:
        return _to_login()
    try:
        message = await mail_review.get_message(conn, session.principal, message_id)
    except NotFound:
        return HTMLResponse("Niet gevonden", status_code=404, headers=_MESSAGE_HEADERS)
    return HTMLResponse(message.body_html, headers=_MESSAGE_HEADERS)


@router.post("/{message_id}/retry")
async def retry(
    request: Request, message_id: IdPath, conn: Conn, session: MaybeSession
) -> Response:
    """Queue a failed message again."""
    guarded = await _guarded_form(request, session)
    if isinstance(guarded, Response):
        return guarded
    done = await mail_review.retry_message(conn, guarded[0].principal, message_id)
    wake = getattr(request.app.state, "mail", None)
    if wake is not None:
        wake.wake()
    return _redirect("/review/mail?melding=" + ("opnieuw" if done else "niet-mislukt"))
