"""The review queue (one page at a time: search, sort, the total for paging) and the network view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from matcher.records_matches import QueueChallenge, UnmatchedChallenge
from matcher.states import CONNECTED_STATES, MatchState

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


def _queue_challenge(r: asyncpg.Record) -> QueueChallenge:
    """A queue row (challenge with organisation, sector and age) as a record."""
    return QueueChallenge(
        id=r["id"],
        title=r["title"],
        description=r["description"],
        kind=r["kind"],
        hours_needed=_float(r["hours_needed"]),
        starts_on=r["starts_on"],
        needed_by=r["needed_by"],
        organisation_id=r["organisation_id"],
        organisation_name=r["organisation_name"],
        sector_code=r["sector_code"],
        sector_name=r["sector_name"],
        created_at=r["created_at"],
        age_days=max(int(r["age_days"]), 0),
    )


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


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
        challenges=[_queue_challenge(r) for r in rows],
        total=total,
    )


async def queue_challenges(
    conn: asyncpg.Connection,
    *,
    sector_code: str | None,
    kind: str | None,
    state: MatchState | None,
    limit: int,
) -> list[QueueChallenge]:
    """Open challenges with at least one match in state (any state when None), most urgent first."""
    page = await queue_page(
        conn,
        sector_code=sector_code,
        kind=kind,
        state=state,
        search=None,
        sort="urgency",
        limit=limit,
        offset=0,
    )
    return page.challenges


async def sector_links(conn: asyncpg.Connection) -> dict[tuple[str, str], int]:
    """Connected matches counted by (challenge organisation's sector, person's sector)."""
    rows = await conn.fetch(
        """
        SELECT co.sector_code AS from_code, po.sector_code AS to_code, count(*) AS n
        FROM match m
        JOIN challenge c ON c.id = m.challenge_id
        JOIN organisation co ON co.id = c.organisation_id
        JOIN person p ON p.id = m.person_id
        JOIN organisation po ON po.id = p.organisation_id
        WHERE m.state = ANY($1::text[])
          AND co.sector_code IS NOT NULL AND po.sector_code IS NOT NULL
        GROUP BY co.sector_code, po.sector_code
        """,
        list(CONNECTED_STATES),
    )
    return {(r["from_code"], r["to_code"]): int(r["n"]) for r in rows}


async def unmatched_challenges(conn: asyncpg.Connection) -> list[UnmatchedChallenge]:
    """Open challenges without an approved-or-later match, oldest first."""
    rows = await conn.fetch(
        """
        SELECT c.id, c.title, o.name AS organisation_name,
               floor(extract(epoch FROM now() - c.created_at) / 86400)::int AS age_days
        FROM challenge c JOIN organisation o ON o.id = c.organisation_id
        WHERE c.status = 'open'
          AND NOT EXISTS (SELECT 1 FROM match m
                          WHERE m.challenge_id = c.id AND m.state = ANY($1::text[]))
        ORDER BY c.created_at ASC, c.id ASC
        """,
        list(CONNECTED_STATES),
    )
    return [
        UnmatchedChallenge(
            challenge_id=r["id"],
            title=r["title"],
            organisation_name=r["organisation_name"],
            age_days=max(int(r["age_days"]), 0),
        )
        for r in rows
    ]
