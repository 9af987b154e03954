"""The review queue one page at a time: search, sort, and the total for paging."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from matcher.states import MatchState
from matcher.storage.matches import QueueChallenge, queue_challenge

# Sort keys the page offers, mapped to fixed SQL (never built from input).
SORTS = {
    "urgency": "needed_by ASC NULLS LAST, created_at ASC, id ASC",
    "age": "created_at ASC, id ASC",
    "score": "best DESC NULLS LAST, id ASC",
}


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of queue challenges and how many match the filters in all."""

    challenges: list[QueueChallenge]
    total: int


def like_pattern(text: str) -> str:
    """A case-insensitive substring pattern with LIKE's wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def queue_page(
    conn: asyncpg.Connection,
    *,
    sector_code: str | None,
    kind: str | None,
    state: MatchState | None,
    search: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> QueuePage:
    """Open (or matched) challenges with a match in state, filtered, searched and sorted."""
    order = SORTS[sort]
    pattern = like_pattern(search) if search else None
    rows = await conn.fetch(
        f"""
        WITH base AS (
            SELECT c.id, c.title, c.description, c.kind, c.hours_needed, c.starts_on,
                   c.needed_by, c.organisation_id, o.name AS organisation_name, o.sector_code,
                   s.name AS sector_name, c.created_at,
                   floor(extract(epoch FROM now() - c.created_at) / 86400)::int AS age_days,
                   (SELECT max(m.score) FROM match m
                    WHERE m.challenge_id = c.id AND ($3::text IS NULL OR m.state = $3)) AS best
            FROM challenge c
            JOIN organisation o ON o.id = c.organisation_id
            LEFT JOIN sector s ON s.code = o.sector_code
            WHERE c.status IN ('open', 'matched')
              AND ($1::text IS NULL OR o.sector_code = $1)
              AND ($2::text IS NULL OR c.kind = $2)
              AND EXISTS (SELECT 1 FROM match m
                          WHERE m.challenge_id = c.id AND ($3::text IS NULL OR m.state = $3))
              AND ($4::text IS NULL
                   OR c.title ILIKE $4 OR c.description ILIKE $4 OR o.name ILIKE $4
                   OR EXISTS (SELECT 1 FROM match m JOIN person p ON p.id = m.person_id
                              WHERE m.challenge_id = c.id
                                AND ($3::text IS NULL OR m.state = $3)
                                AND p.name ILIKE $4))
        )
        SELECT *, count(*) OVER () AS total FROM base
        ORDER BY {order}
        LIMIT $5 OFFSET $6
        """,
        sector_code,
        kind,
        state,
        pattern,
        limit,
        offset,
    )
    total = int(rows[0]["total"]) if rows else 0
    return QueuePage(
        challenges=[queue_challenge(r) for r in rows],
        total=total,
    )
