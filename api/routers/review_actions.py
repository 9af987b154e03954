"""Actions that empty the queue: close a challenge, reject what is left, approve several."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter

from api.deps import Conn, IdPath, StaffPrincipal
from api.schemas_matches import RejectIn
from api.schemas_review import (
    ApproveManyIn,
    BulkOut,
    BulkOutcomeOut,
    ChallengeStatusOut,
    CloseIn,
)
from matcher.usecases import bulk_review, challenge_lifecycle
from matcher.usecases.bulk_review import BulkOutcome

router = APIRouter(tags=["matches"])


def _bulk(outcomes: Sequence[BulkOutcome]) -> BulkOut:
    items = [
        BulkOutcomeOut(match_id=o.match_id, ok=o.ok, state=o.state, code=o.code, detail=o.detail)
        for o in outcomes
    ]
    ok = sum(1 for o in outcomes if o.ok)
    return BulkOut(items=items, succeeded=ok, failed=len(items) - ok)


@router.post("/challenges/{challenge_id}/close", response_model=ChallengeStatusOut)
async def close_challenge(
    challenge_id: IdPath, body: CloseIn, conn: Conn, principal: StaffPrincipal
) -> ChallengeStatusOut:
    """Close a challenge with a reason; its untouched proposals are withdrawn (kept in history)."""
    status = await challenge_lifecycle.close_challenge(
        conn, principal, challenge_id, reason=body.reason
    )
    return ChallengeStatusOut(challenge_id=challenge_id, status=status)


@router.post("/challenges/{challenge_id}/matches/reject", response_model=BulkOut)
async def reject_remaining(
    challenge_id: IdPath, body: RejectIn, conn: Conn, principal: StaffPrincipal
) -> BulkOut:
    """Reject every untouched proposal of the challenge with one reason."""
    return _bulk(
        await bulk_review.reject_remaining(
            conn, principal, challenge_id, reason_code=body.reason_code, note=body.note
        )
    )


@router.post("/matches/approve", response_model=BulkOut)
async def approve_many(body: ApproveManyIn, conn: Conn, principal: StaffPrincipal) -> BulkOut:
    """Approve several proposals; each reserves its hours race-safely or reports why not."""
    return _bulk(await bulk_review.approve_many(conn, principal, body.match_ids))
