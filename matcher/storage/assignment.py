"""What the assignment round reads: open challenges to fill and the proposals people carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from matcher.states import CONNECTED_STATES
from matcher.storage.sql import record


@dataclass(frozen=True, slots=True)
class RoundChallenge:
    """An open challenge with a vector from the model, and how many people it already has."""

    challenge_id: int
    connected: int


@dataclass(frozen=True, slots=True)
class CarriedProposal:
    """A proposal a person already carries: its challenge's kind, hours and dates."""

    person_id: int
    challenge_id: int
    kind: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None


async def round_challenges(conn: asyncpg.Connection, *, model_id: str) -> list[RoundChallenge]:
    """Open challenges embedded by this model, most urgent first, with their connected matches."""
    rows = await conn.fetch(
        """
        SELECT c.id,
               (SELECT count(*) FROM match m
                WHERE m.challenge_id = c.id AND m.state = ANY($2::text[])) AS connected
        FROM challenge c
        WHERE c.status = 'open' AND c.embedding IS NOT NULL
          AND c.embedding_model = $1 AND c.embedding_hash = c.text_hash
        ORDER BY c.needed_by ASC NULLS LAST, c.created_at ASC, c.id ASC
        """,
        model_id,
        list(CONNECTED_STATES),
    )
    return [RoundChallenge(int(r["id"]), int(r["connected"])) for r in rows]


async def carried_proposals(
    conn: asyncpg.Connection, person_ids: Sequence[int], *, except_challenge_id: int
) -> list[CarriedProposal]:
    """Untouched proposals of these people on other open challenges."""
    rows = await conn.fetch(
        """
        SELECT m.person_id, c.id AS challenge_id, c.kind, c.hours_needed::float8, c.starts_on,
               c.needed_by
        FROM match m JOIN challenge c ON c.id = m.challenge_id
        WHERE m.person_id = ANY($1::bigint[]) AND m.state = 'proposed'
          AND c.status = 'open' AND c.id <> $2
        """,
        list(person_ids),
        except_challenge_id,
    )
    return [record(CarriedProposal, r) for r in rows]


async def connected_count(conn: asyncpg.Connection, challenge_id: int) -> int:
    """The challenge's approved-or-later matches (people it already has)."""
    value = await conn.fetchval(
        "SELECT count(*) FROM match WHERE challenge_id = $1 AND state = ANY($2::text[])",
        challenge_id,
        list(CONNECTED_STATES),
    )
    return int(value or 0)
