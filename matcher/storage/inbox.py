"""A member's inbox of matches: on its own challenges (once approved) and of its people (once introduced)."""

from __future__ import annotations

import asyncpg

from matcher.records_matches import MatchRecord
from matcher.states import MatchState
from matcher.storage.matches import _SELECT, _match

_FROM = """
    FROM match m
    JOIN challenge c ON c.id = m.challenge_id
    JOIN person p ON p.id = m.person_id
"""
# $1 organisation (NULL: every match, for staff), $2 role ('asker', 'helper' or NULL: both),
# $3 state. The same rule as GET /matches/{id}: the asker's side once the match was
# approved, the helper's side once it was introduced.
_WHERE = """
    WHERE ($3::text IS NULL OR m.state = $3)
      AND ($1::bigint IS NULL OR (
            ($2::text IS DISTINCT FROM 'helper' AND c.organisation_id = $1
             AND EXISTS (SELECT 1 FROM match_transition t
                         WHERE t.match_id = m.id AND t.to_state = 'approved'))
         OR ($2::text IS DISTINCT FROM 'asker' AND p.organisation_id = $1
             AND EXISTS (SELECT 1 FROM match_transition t
                         WHERE t.match_id = m.id AND t.to_state = 'introduced'))))
"""


async def inbox_matches(
    conn: asyncpg.Connection,
    *,
    organisation_id: int | None,
    role: str | None,
    state: MatchState | None,
    limit: int,
    offset: int,
) -> tuple[list[MatchRecord], int]:
    """A page of matches (most recently changed first) and the total."""
    rows = await conn.fetch(
        f"{_SELECT} {_WHERE} ORDER BY m.updated_at DESC, m.id DESC LIMIT $4 OFFSET $5",
        organisation_id,
        role,
        state,
        limit,
        offset,
    )
    total = await conn.fetchval(f"SELECT count(*) {_FROM} {_WHERE}", organisation_id, role, state)
    return [_match(r) for r in rows], int(total)
