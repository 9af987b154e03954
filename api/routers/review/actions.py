"""Decisions on the queue page: approve (with a note), reject, complete, cancel, reject what is
left of a challenge, close a challenge. Each returns to the same card of the same view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import Conn, IdPath
from api.routers.review.common import (
    CheckedForm,
    PostedForm,
    error_code,
    field,
    queue_url,
    redirect,
)
from api.web_format import REASON_LABELS
from matcher.errors import MatcherError
from matcher.usecases import bulk_review, challenge_lifecycle, match_actions

router = APIRouter()


async def _decide(
    conn: asyncpg.Connection,
    posted: PostedForm,
    done: str,
    decision: Callable[[], Awaitable[object]],
    *,
    match_id: int | None = None,
) -> Response:
    """Run a decision in a savepoint; back to the same card with what happened."""
    extra = {"voorstel": match_id} if match_id is not None else {}
    try:
        async with conn.transaction():
            await decision()
    except MatcherError as exc:
        return redirect(queue_url(posted.view, posted.anchor, melding=error_code(exc), **extra))
    return redirect(queue_url(posted.view, posted.anchor, melding=done, **extra))


def _note(posted: PostedForm) -> str | None:
    return field(posted.form, "note") or None


@router.post("/matches/{match_id}/approve")
async def approve(match_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Approve a proposal (its hours are reserved), with an optional note."""
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "goedgekeurd",
        lambda: match_actions.approve_match(conn, principal, match_id, note=_note(posted)),
        match_id=match_id,
    )


@router.post("/matches/{match_id}/reject")
async def reject(match_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Reject a proposal with a reason and an optional note."""
    reason = field(posted.form, "reason_code")
    if reason not in REASON_LABELS:
        return redirect(
            queue_url(posted.view, posted.anchor, melding="reden-ontbreekt", voorstel=match_id)
        )
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "afgewezen",
        lambda: match_actions.reject_match(
            conn, principal, match_id, reason_code=reason, note=_note(posted)
        ),
        match_id=match_id,
    )


@router.post("/matches/{match_id}/complete")
async def complete(match_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Complete an accepted match with the hours spent and a rating."""
    hours = field(posted.form, "hours_spent").replace(",", ".")
    rating = field(posted.form, "outcome_rating")
    try:
        hours_spent = float(hours)
        outcome_rating = int(rating)
    except ValueError:
        return redirect(
            queue_url(posted.view, posted.anchor, melding="ongeldig", voorstel=match_id)
        )
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "afgerond",
        lambda: match_actions.complete_match(
            conn, principal, match_id, hours_spent=hours_spent, outcome_rating=outcome_rating
        ),
        match_id=match_id,
    )


@router.post("/matches/{match_id}/cancel")
async def cancel(match_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Cancel an approved or accepted match; its held hours are released."""
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "geannuleerd",
        lambda: match_actions.cancel_match(conn, principal, match_id, note=_note(posted)),
        match_id=match_id,
    )


@router.post("/challenges/{challenge_id}/reject-rest")
async def reject_rest(challenge_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Reject every untouched proposal of a challenge with one reason."""
    reason = field(posted.form, "reason_code")
    if reason not in REASON_LABELS:
        return redirect(queue_url(posted.view, posted.anchor, melding="reden-ontbreekt"))
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "rest-afgewezen",
        lambda: bulk_review.reject_remaining(
            conn, principal, challenge_id, reason_code=reason, note=_note(posted)
        ),
    )


@router.post("/challenges/{challenge_id}/close")
async def close(challenge_id: IdPath, conn: Conn, posted: CheckedForm) -> Response:
    """Close a challenge with a reason; its untouched proposals lapse."""
    reason = field(posted.form, "reason")
    principal = posted.session.principal
    return await _decide(
        conn,
        posted,
        "gesloten",
        lambda: challenge_lifecycle.close_challenge(conn, principal, challenge_id, reason=reason),
    )
