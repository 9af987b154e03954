"""Rules that let the review queue empty: matched and closed challenges, valid dates.

open -> matched (a match was accepted; its other proposals are withdrawn)
     -> closed (its matches completed, or the manager closed it with a reason)
A member withdrawing its challenge ('withdrawn') also withdraws the leftover proposals.
"""

from __future__ import annotations

from datetime import date

import asyncpg

from matcher.errors import Conflict, Forbidden, InvalidInput, NotFound
from matcher.inputs import ChallengeChanges, changed_fields
from matcher.records import Challenge, ChallengeStatus, Principal
from matcher.storage import challenge_lifecycle as store

MATCHER_ROLE = "matcher"
CLOSE_REASON_MAX = 2000
# Fields whose change makes a challenge's stored proposals stale.
TERMS = ("starts_on", "needed_by", "hours_needed", "kind")


def check_challenge_fields(
    *,
    needed_by: date | None,
    starts_on: date | None,
    status: ChallengeStatus | None,
    today: date,
) -> None:
    """needed_by (when given) may not lie in the past or before the start; the matcher alone
    sets 'matched'."""
    if needed_by is not None and needed_by < today:
        raise InvalidInput(f"needed_by ({needed_by}) lies in the past", field="needed_by")
    if needed_by is not None and starts_on is not None and needed_by < starts_on:
        raise InvalidInput("needed_by must not be before starts_on", field="needed_by")
    if status is ChallengeStatus.matched:
        raise InvalidInput(
            "status 'matched' is set when a match is accepted, not by hand", field="status"
        )


def terms_changed(changes: ChallengeChanges, current: Challenge) -> bool:
    """Whether the update changes dates, hours or kind."""
    given = changed_fields(changes)
    return any(k in given and given[k] != getattr(current, k) for k in TERMS)


async def after_update(
    conn: asyncpg.Connection,
    challenge_id: int,
    *,
    changes: ChallengeChanges,
    before: Challenge,
) -> None:
    """After a member's change: stale proposals are recomputed; withdrawing removes them."""
    if changes.status in (ChallengeStatus.withdrawn, ChallengeStatus.closed):
        await store.withdraw_proposals(
            conn, challenge_id, actor_role=MATCHER_ROLE, note="vraag ingetrokken of gesloten"
        )
    elif terms_changed(changes, before):
        await store.mark_terms_changed(conn, challenge_id)


async def after_accept(conn: asyncpg.Connection, challenge_id: int) -> None:
    """An accepted match makes its open challenge 'matched' and withdraws the other proposals."""
    status = await store.lock_challenge_status(conn, challenge_id)
    if status != ChallengeStatus.open.value:
        return
    await store.set_challenge_status(conn, challenge_id, ChallengeStatus.matched.value)
    await store.withdraw_proposals(
        conn, challenge_id, actor_role=MATCHER_ROLE, note="vraag is gematcht"
    )


async def after_complete(conn: asyncpg.Connection, challenge_id: int) -> None:
    """The last match under way completed: a matched challenge is closed as completed."""
    status = await store.lock_challenge_status(conn, challenge_id)
    if status != ChallengeStatus.matched.value:
        return
    if await store.active_match_count(conn, challenge_id) == 0:
        await store.set_challenge_status(
            conn, challenge_id, ChallengeStatus.closed.value, reason="afgerond"
        )


async def close_challenge(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int, *, reason: str
) -> str:
    """The manager closes a challenge with a reason; untouched proposals are withdrawn."""
    if not principal.is_staff:
        raise Forbidden("only the programme manager or an admin may close a challenge")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a reason is required to close a challenge", field="reason")
    if len(reason) > CLOSE_REASON_MAX:
        raise InvalidInput(f"reason is longer than {CLOSE_REASON_MAX} characters", field="reason")
    status = await store.lock_challenge_status(conn, challenge_id)
    if status is None:
        raise NotFound(f"challenge {challenge_id} does not exist")
    if status in (ChallengeStatus.closed.value, ChallengeStatus.withdrawn.value):
        raise Conflict(f"challenge {challenge_id} is already '{status}'", code="challenge_closed")
    await store.set_challenge_status(
        conn, challenge_id, ChallengeStatus.closed.value, reason=reason
    )
    await store.withdraw_proposals(conn, challenge_id, actor_role=principal.role.value, note=reason)
    return ChallengeStatus.closed.value
