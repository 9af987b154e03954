"""Matches: the review queue, approval, introduction, answer and outcome."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import Conn, CurrentPrincipal, IdPath, StaffPrincipal
from api.ratelimit import throttled
from api.schemas import SectorCode
from api.schemas_matches import (
    ChallengeMatchesOut,
    CompleteIn,
    IntroduceIn,
    MatchOut,
    NoteIn,
    QueueItemOut,
    RejectIn,
    ReviewQueueOut,
)
from matcher.records import ChallengeKind
from matcher.states import MatchState
from matcher.usecases import match_actions, match_views
from matcher.usecases import review_queue as queue

router = APIRouter(tags=["matches"])


@router.get(
    "/review/queue", response_model=ReviewQueueOut, dependencies=[throttled("review-queue")]
)
async def review_queue(
    conn: Conn,
    principal: StaffPrincipal,
    sector: Annotated[
        SectorCode | None, Query(description="The challenge organisation's sector")
    ] = None,
    kind: ChallengeKind | None = None,
    status: Annotated[
        MatchState | Literal["any"], Query(description="Match state to list; 'any' for all")
    ] = MatchState.proposed,
) -> ReviewQueueOut:
    """Open challenges with their proposed matches, most urgent first (needed_by, then age)."""
    items = await queue.review_queue(
        conn,
        principal,
        sector=sector,
        kind=kind.value if kind else None,
        status=None if status == "any" else status,
    )
    return ReviewQueueOut(items=[QueueItemOut.model_validate(q) for q in items])


@router.get("/matches/{match_id}", response_model=MatchOut)
async def get_match(match_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> MatchOut:
    """One match with its history (staff; the two organisations once it concerns them)."""
    return MatchOut.model_validate(await match_views.get_match(conn, principal, match_id))


@router.get("/challenges/{challenge_id}/matches", response_model=ChallengeMatchesOut)
async def challenge_matches(
    challenge_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> ChallengeMatchesOut:
    """A challenge's matches: all for staff, approved-or-later for its own organisation."""
    items = await match_views.challenge_matches(conn, principal, challenge_id)
    return ChallengeMatchesOut(
        challenge_id=challenge_id, items=[MatchOut.model_validate(m) for m in items]
    )


@router.post("/matches/{match_id}/approve", response_model=MatchOut)
async def approve_match(match_id: IdPath, conn: Conn, principal: StaffPrincipal) -> MatchOut:
    """Approve a proposal and hold the challenge's hours (409 insufficient_capacity if none)."""
    return MatchOut.model_validate(await match_actions.approve_match(conn, principal, match_id))


@router.post("/matches/{match_id}/reject", response_model=MatchOut)
async def reject_match(
    match_id: IdPath, body: RejectIn, conn: Conn, principal: StaffPrincipal
) -> MatchOut:
    """Reject a proposal with a reason code and an optional note."""
    return MatchOut.model_validate(
        await match_actions.reject_match(
            conn, principal, match_id, reason_code=body.reason_code, note=body.note
        )
    )


@router.post("/matches/{match_id}/introduce", response_model=MatchOut)
async def introduce_match(
    match_id: IdPath, conn: Conn, principal: StaffPrincipal, body: IntroduceIn | None = None
) -> MatchOut:
    """Introduce an approved match; without a text a Dutch introduction is written."""
    text = body.introduction_text if body is not None else None
    return MatchOut.model_validate(
        await match_actions.introduce_match(conn, principal, match_id, introduction_text=text)
    )


@router.post("/matches/{match_id}/accept", response_model=MatchOut)
async def accept_match(
    match_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: NoteIn | None = None
) -> MatchOut:
    """The person's organisation accepts the introduction."""
    note = body.note if body is not None else None
    return MatchOut.model_validate(
        await match_actions.accept_match(conn, principal, match_id, note=note)
    )


@router.post("/matches/{match_id}/decline", response_model=MatchOut)
async def decline_match(
    match_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: NoteIn | None = None
) -> MatchOut:
    """The person's organisation declines the introduction; held hours are released."""
    note = body.note if body is not None else None
    return MatchOut.model_validate(
        await match_actions.decline_match(conn, principal, match_id, note=note)
    )


@router.post("/matches/{match_id}/complete", response_model=MatchOut)
async def complete_match(
    match_id: IdPath, body: CompleteIn, conn: Conn, principal: StaffPrincipal
) -> MatchOut:
    """Close an accepted match; the hours spent are booked."""
    return MatchOut.model_validate(
        await match_actions.complete_match(
            conn,
            principal,
            match_id,
            hours_spent=body.hours_spent,
            outcome_rating=body.outcome_rating,
        )
    )


@router.post("/matches/{match_id}/cancel", response_model=MatchOut)
async def cancel_match(
    match_id: IdPath, conn: Conn, principal: StaffPrincipal, body: NoteIn | None = None
) -> MatchOut:
    """Cancel an approved or accepted match; held hours are released."""
    note = body.note if body is not None else None
    return MatchOut.model_validate(
        await match_actions.cancel_match(conn, principal, match_id, note=note)
    )
