"""Challenges due for proposals: marked with their vector, cleared with their proposals."""

from __future__ import annotations

import asyncpg


async def claim_due(conn: asyncpg.Connection, *, max_attempts: int) -> int | None:
    """Lock one challenge due for proposals (inside the caller's transaction), or None."""
    value = await conn.fetchval(
        """
        SELECT id FROM challenge
        WHERE proposals_due_at <= now() AND proposal_attempts < $1
        ORDER BY proposals_due_at, id
        LIMIT 1
        FOR NO KEY UPDATE SKIP LOCKED
        """,
        max_attempts,
    )
    return None if value is None else int(value)


async def mark_done(conn: asyncpg.Connection, challenge_id: int) -> None:
    """The challenge's proposals are written (in this same transaction)."""
    await conn.execute(
        """
        UPDATE challenge SET proposals_due_at = NULL, proposal_attempts = 0, proposal_error = NULL
        WHERE id = $1
        """,
        challenge_id,
    )


async def record_failure(
    conn: asyncpg.Connection, challenge_id: int, error: str, *, retry_now: bool
) -> None:
    """Count a failed attempt; retried at once (a row vanished meanwhile) or after a backoff."""
    await conn.execute(
        """
        UPDATE challenge SET proposal_attempts = proposal_attempts + 1, proposal_error = $2,
            proposals_due_at = CASE WHEN $3 THEN now()
                ELSE now() + make_interval(secs => least(3600, 5 * power(2, proposal_attempts)))
            END
        WHERE id = $1 AND proposals_due_at IS NOT NULL
        """,
        challenge_id,
        error[:2000],
        retry_now,
    )


async def count_due(conn: asyncpg.Connection, *, max_attempts: int) -> dict[str, int]:
    """Challenges waiting for proposals and challenges whose proposals gave up."""
    row = await conn.fetchrow(
        """
        SELECT count(*) FILTER (WHERE proposal_attempts < $1) AS due,
               count(*) FILTER (WHERE proposal_attempts >= $1) AS failed
        FROM challenge WHERE proposals_due_at IS NOT NULL
        """,
        max_attempts,
    )
    assert row is not None
    return {"due": int(row["due"]), "failed": int(row["failed"])}
