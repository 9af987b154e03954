"""A challenge's life after its proposals: matched, closed, leftover proposals withdrawn."""

from __future__ import annotations

import asyncpg

from matcher.states import MatchState
from matcher.storage.matches import insert_transition


async def lock_challenge_status(conn: asyncpg.Connection, challenge_id: int) -> str | None:
    """Lock the challenge row and return its status (None when it is gone)."""
    value = await conn.fetchval(
        "SELECT status FROM challenge WHERE id = $1 FOR NO KEY UPDATE", challenge_id
    )
    return str(value) if value is not None else None


async def set_challenge_status(
    conn: asyncpg.Connection, challenge_id: int, status: str, *, reason: str | None = None
) -> None:
    """Move a challenge to status; closing records the reason and when."""
    await conn.execute(
        """
        UPDATE challenge SET status = $2, updated_at = now(),
            close_reason = CASE WHEN $2 IN ('closed', 'withdrawn') THEN $3 ELSE NULL END,
            closed_at = CASE WHEN $2 IN ('closed', 'withdrawn') THEN now() ELSE NULL END
        WHERE id = $1
        """,
        challenge_id,
        status,
        reason,
    )


async def withdraw_proposals(
    conn: asyncpg.Connection, challenge_id: int, *, actor_role: str, note: str
) -> int:
    """Turn the challenge's untouched proposals into 'withdrawn', each with a history entry."""
    rows = await conn.fetch(
        """
        UPDATE match SET state = 'withdrawn', updated_at = now()
        WHERE challenge_id = $1 AND state = 'proposed'
        RETURNING id
        """,
        challenge_id,
    )
    for row in rows:
        await insert_transition(
            conn,
            int(row["id"]),
            from_state=MatchState.proposed,
            to_state=MatchState.withdrawn,
            actor_key_id=None,
            actor_role=actor_role,
            note=note,
        )
    return len(rows)


async def active_match_count(conn: asyncpg.Connection, challenge_id: int) -> int:
    """Matches still under way (approved, introduced, accepted)."""
    value = await conn.fetchval(
        "SELECT count(*) FROM match WHERE challenge_id = $1 "
        "AND state IN ('approved', 'introduced', 'accepted')",
        challenge_id,
    )
    return int(value or 0)


async def proposed_match_ids(conn: asyncpg.Connection, challenge_id: int) -> list[int]:
    """The challenge's untouched proposals, best first."""
    rows = await conn.fetch(
        "SELECT id FROM match WHERE challenge_id = $1 AND state = 'proposed' ORDER BY rank, id",
        challenge_id,
    )
    return [int(r["id"]) for r in rows]


async def mark_terms_changed(conn: asyncpg.Connection, challenge_id: int) -> None:
    """Dates, hours or kind changed: proposals computed before now are stale, and the challenge
    is due for proposals again (the worker recomputes the untouched ones; its vector stays)."""
    await conn.execute(
        """
        UPDATE challenge SET terms_changed_at = now(), proposals_due_at = now(),
            proposal_attempts = 0, proposal_error = NULL
        WHERE id = $1
        """,
        challenge_id,
    )
