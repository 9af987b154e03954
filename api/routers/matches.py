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
    ExplanationOut,
    IntroduceIn,
    MatchOut,
    NoteIn,
    QueueItemOut,
    RejectIn,
    ReviewQueueOut,
    TransitionOut,
)
from matcher.records import ChallengeKind
from matcher.states import MatchState
from matcher.usecases import matches
from matcher.usecases.matches import MatchView, QueueItem

router = APIRouter(tags=["matches"])


def match_out(m: MatchView) -> MatchOut:
    """A match view as a response body."""
    return MatchOut(
        id=m.id,
        state=m.state,
        actions=m.actions,
        challenge_id=m.challenge_id,
        challenge_title=m.challenge_title,
        challenge_kind=m.challenge_kind,
        challenge_organisation_id=m.challenge_organisation_id,
        challenge_organisation_name=m.challenge_organisation_name,
        challenge_sector=m.challenge_sector_code,
        challenge_sector_name=m.challenge_sector_name,
        person_id=m.person_id,
        person_name=m.person_name,
        person_role=m.person_role,
        organisation_id=m.organisation_id,
        organisation_name=m.organisation_name,
        sector=m.sector_code,
        sector_name=m.sector_name,
        email=m.email,
        rank=m.rank,
        score=m.score,
        score_parts=m.score_parts,
        features=m.features,
        explanation=ExplanationOut(
            lines=m.explanation["lines"], evidence=m.explanation["evidence"]
        ),
        model=m.model,
        hours_needed=m.hours_needed,
        window_starts_on=m.window_starts_on,
        window_ends_on=m.window_ends_on,
        capacity_hours=m.capacity_hours,
        free_hours=m.free_hours,
        reserved_hours=m.reserved_hours,
        reservation_state=m.reservation_state,
        introduction_text=m.introduction_text,
        hours_spent=m.hours_spent,
        outcome_rating=m.outcome_rating,
        created_at=m.created_at,
        updated_at=m.updated_at,
        stale=m.stale,
        history=[
            TransitionOut(
                from_state=t.from_state,
                to_state=t.to_state,
                actor_key_id=t.actor_key_id,
                actor_role=t.actor_role,
                reason_code=t.reason_code,
                note=t.note,
                created_at=t.created_at,
            )
            for t in m.history
        ],
    )


def _queue_item_out(q: QueueItem) -> QueueItemOut:
    return QueueItemOut(
        id=q.id,
        title=q.title,
        description=q.description,
        kind=q.kind,
        hours_needed=q.hours_needed,
        starts_on=q.starts_on,
        needed_by=q.needed_by,
        organisation_id=q.organisation_id,
        organisation_name=q.organisation_name,
        sector=q.sector_code,
        sector_name=q.sector_name,
        created_at=q.created_at,
        age_days=q.age_days,
        matches=[match_out(m) for m in q.matches],
    )


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
    items = await matches.review_queue(
        conn,
        principal,
        sector=sector,
        kind=kind.value if kind else None,
        status=None if status == "any" else status,
    )
    return ReviewQueueOut(items=[_queue_item_out(q) for q in items])


@router.get("/matches/{match_id}", response_model=MatchOut)
async def get_match(match_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> MatchOut:
    """One match with its history (staff; the two organisations once it concerns them)."""
    return match_out(await matches.get_match(conn, principal, match_id))


@router.get("/challenges/{challenge_id}/matches", response_model=ChallengeMatchesOut)
async def challenge_matches(
    challenge_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> ChallengeMatchesOut:
    """A challenge's matches: all for staff, approved-or-later for its own organisation."""
    items = await matches.challenge_matches(conn, principal, challenge_id)
    return ChallengeMatchesOut(challenge_id=challenge_id, items=[match_out(m) for m in items])


@router.post("/matches/{match_id}/approve", response_model=MatchOut)
async def approve_match(match_id: IdPath, conn: Conn, principal: StaffPrincipal) -> MatchOut:
    """Approve a proposal and hold the challenge's hours (409 insufficient_capacity if none)."""
    return match_out(await matches.approve_match(conn, principal, match_id))


@router.post("/matches/{match_id}/reject", response_model=MatchOut)
async def reject_match(
    match_id: IdPath, body: RejectIn, conn: Conn, principal: StaffPrincipal
) -> MatchOut:
    """Reject a proposal with a reason code and an optional note."""
    return match_out(
        await matches.reject_match(
            conn, principal, match_id, reason_code=body.reason_code, note=body.note
        )
    )


@router.post("/matches/{match_id}/introduce", response_model=MatchOut)
async def introduce_match(
    match_id: IdPath, conn: Conn, principal: StaffPrincipal, body: IntroduceIn | None = None
) -> MatchOut:
    """Introduce an approved match; without a text a Dutch introduction is written."""
    text = body.introduction_text if body is not None else None
    return match_out(
        await matches.introduce_match(conn, principal, match_id, introduction_text=text)
    )


@router.post("/matches/{match_id}/accept", response_model=MatchOut)
async def accept_match(
    match_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: NoteIn | None = None
) -> MatchOut:
    """The person's organisation accepts the introduction."""
    note = body.note if body is not None else None
    return match_out(await matches.accept_match(conn, principal, match_id, note=note))


@router.post("/matches/{match_id}/decline", response_model=MatchOut)
async def decline_match(
    match_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: NoteIn | None = None
) -> MatchOut:
    """The person's organisation declines the introduction; held hours are released."""
    note = body.note if body is not None else None
    return match_out(await matches.decline_match(conn, principal, match_id, note=note))


@router.post("/matches/{match_id}/complete", response_model=MatchOut)
async def complete_match(
    match_id: IdPath, body: CompleteIn, conn: Conn, principal: StaffPrincipal
) -> MatchOut:
    """Close an accepted match; the hours spent are booked."""
    return match_out(
        await matches.complete_match(
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
    return match_out(await matches.cancel_match(conn, principal, match_id, note=note))
