"""What approval rechecks (consent, conflicts, the challenge's state) and which matches are open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from matcher.errors import NotFound
from matcher.states import MatchState


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Whether a match may still go ahead, as stored now."""

    consent: bool
    conflicted: bool
    challenge_status: str


async def eligibility(conn: asyncpg.Connection, match_id: int) -> Eligibility:
    """The person's consent, a declared conflict with the challenge's organisation, its state."""
    row = await conn.fetchrow(
        """
        SELECT p.consent, c.status,
               EXISTS (SELECT 1 FROM person_conflict pc
                       WHERE pc.person_id = p.id AND pc.organisation_id = c.organisation_id)
                   AS conflicted
        FROM match m JOIN person p ON p.id = m.person_id JOIN challenge c ON c.id = m.challenge_id
        WHERE m.id = $1
        """,
        match_id,
    )
    if row is None:
        raise NotFound(f"match {match_id} does not exist")
    return Eligibility(
        consent=bool(row["consent"]),
        conflicted=bool(row["conflicted"]),
        challenge_status=str(row["status"]),
    )


async def lock_open_matches(
    conn: asyncpg.Connection,
    *,
    states: Sequence[MatchState],
    person_id: int | None = None,
    challenge_id: int | None = None,
    challenge_organisation_ids: Sequence[int] | None = None,
) -> list[tuple[int, MatchState]]:
    """Lock and return (id, state) of matches in these states, by person and/or challenge.

    challenge_organisation_ids narrows a person's matches to those organisations' challenges.
    """
    rows = await conn.fetch(
        """
        SELECT m.id, m.state FROM match m JOIN challenge c ON c.id = m.challenge_id
        WHERE m.state = ANY($1::text[])
          AND ($2::bigint IS NULL OR m.person_id = $2)
          AND ($3::bigint IS NULL OR m.challenge_id = $3)
          AND ($4::bigint[] IS NULL OR c.organisation_id = ANY($4::bigint[]))
        ORDER BY m.id
        FOR UPDATE OF m
        """,
        list(states),
        person_id,
        challenge_id,
        list(challenge_organisation_ids) if challenge_organisation_ids is not None else None,
    )
    return [(int(r["id"]), MatchState(r["state"])) for r in rows]


async def delete_proposals(conn: asyncpg.Connection, match_ids: Sequence[int]) -> None:
    """Remove proposals nobody acted on (as a fresh round of proposals would)."""
    await conn.execute(
        "DELETE FROM match WHERE id = ANY($1::bigint[]) AND state = 'proposed'", list(match_ids)
    )


async def lock_match_person(conn: asyncpg.Connection, match_id: int) -> None:
    """Hold the match's person (FOR KEY SHARE) before the match: erasure's lock order."""
    await conn.execute(
        """
        SELECT p.id FROM person p
        WHERE p.id = (SELECT person_id FROM match WHERE id = $1)
        FOR KEY SHARE
        """,
        match_id,
    )
