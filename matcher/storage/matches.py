"""Matches and their transitions: reads (one shape, MatchRecord), proposals, state changes.

Held hours live in storage.capacity; the review queue and network queries in storage.review_queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg

from matcher.errors import NotFound
from matcher.inputs import UNSET, Unset
from matcher.records_matches import MatchRecord, TransitionRecord
from matcher.states import MatchState, RejectionReason, ReservationState
from matcher.storage.people import lock_people
from matcher.storage.sql import record, set_clause


@dataclass(frozen=True, slots=True)
class ProposalInput:
    """A ranked suggestion to store as a proposed match."""

    person_id: int
    rank: int
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    explanation: dict[str, Any]


_SELECT = """
    SELECT m.id, m.challenge_id, c.title AS challenge_title,
           c.description AS challenge_description, c.kind AS challenge_kind,
           c.status AS challenge_status, c.hours_needed::float8, c.starts_on, c.needed_by,
           c.organisation_id AS challenge_organisation_id,
           co.name AS challenge_organisation_name, co.sector_code AS challenge_sector_code,
           cs.name AS challenge_sector_name,
           m.person_id, p.name AS person_name, p.role AS person_role, p.email,
           p.capacity_hours_per_month::float8, p.available_from, p.available_until,
           p.organisation_id, po.name AS organisation_name, po.sector_code,
           ps.name AS sector_name,
           m.state, m.rank, m.score::float8, m.score_parts, m.features, m.explanation, m.model,
           m.introduction_text, m.hours_spent::float8, m.outcome_rating,
           r.hours::float8 AS reserved_hours, r.state AS reservation_state,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'approved') AS was_approved,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'introduced') AS was_introduced,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'accepted') AS was_accepted,
           m.created_at, m.updated_at,
           coalesce(m.state = 'proposed' AND (m.updated_at < c.terms_changed_at
                                               OR m.updated_at < p.updated_at), false) AS stale
    FROM match m
    JOIN challenge c ON c.id = m.challenge_id
    JOIN organisation co ON co.id = c.organisation_id
    LEFT JOIN sector cs ON cs.code = co.sector_code
    JOIN person p ON p.id = m.person_id
    JOIN organisation po ON po.id = p.organisation_id
    LEFT JOIN sector ps ON ps.code = po.sector_code
    LEFT JOIN capacity_reservation r ON r.match_id = m.id
"""


E = TypeVar("E")


def _optional(vocabulary: Callable[[str], E], value: str | None) -> E | None:
    return vocabulary(value) if value is not None else None


def _match(row: asyncpg.Record) -> MatchRecord:
    return record(
        MatchRecord,
        row,
        state=MatchState(row["state"]),
        reservation_state=_optional(ReservationState, row["reservation_state"]),
    )


def _transition(row: asyncpg.Record) -> TransitionRecord:
    return record(
        TransitionRecord,
        row,
        from_state=_optional(MatchState, row["from_state"]),
        to_state=MatchState(row["to_state"]),
        reason_code=_optional(RejectionReason, row["reason_code"]),
    )


# Reading


async def get_match(conn: asyncpg.Connection, match_id: int) -> MatchRecord:
    """One match or NotFound."""
    row = await conn.fetchrow(_SELECT + " WHERE m.id = $1", match_id)
    if row is None:
        raise NotFound(f"match {match_id} does not exist")
    return _match(row)


async def lock_match(conn: asyncpg.Connection, match_id: int) -> MatchState:
    """Lock a match row for this transaction and return its current state (or NotFound)."""
    state = await conn.fetchval("SELECT state FROM match WHERE id = $1 FOR UPDATE", match_id)
    if state is None:
        raise NotFound(f"match {match_id} does not exist")
    return MatchState(state)


async def matches_for_challenges(
    conn: asyncpg.Connection,
    challenge_ids: Sequence[int],
    *,
    state: MatchState | None = None,
    ever_approved: bool = False,
) -> list[MatchRecord]:
    """Matches of these challenges, by challenge then rank.

    state keeps one state; ever_approved keeps only matches that were approved at some point.
    """
    rows = await conn.fetch(
        _SELECT
        + """
        WHERE m.challenge_id = ANY($1::bigint[])
          AND ($2::text IS NULL OR m.state = $2)
          AND (NOT $3::boolean OR EXISTS (SELECT 1 FROM match_transition t
                                         WHERE t.match_id = m.id AND t.to_state = 'approved'))
        ORDER BY m.challenge_id, m.rank, m.id
        """,
        list(challenge_ids),
        state,
        ever_approved,
    )
    return [_match(r) for r in rows]


async def matches_for_person(conn: asyncpg.Connection, person_id: int) -> list[MatchRecord]:
    """Every match of one person, oldest first."""
    rows = await conn.fetch(_SELECT + " WHERE m.person_id = $1 ORDER BY m.id", person_id)
    return [_match(r) for r in rows]


async def transitions_for(
    conn: asyncpg.Connection, match_ids: Sequence[int]
) -> dict[int, list[TransitionRecord]]:
    """The history of each match, oldest first."""
    rows = await conn.fetch(
        """
        SELECT id, match_id, from_state, to_state, actor_key_id, actor_role, reason_code, note,
               created_at
        FROM match_transition WHERE match_id = ANY($1::bigint[]) ORDER BY match_id, id
        """,
        list(match_ids),
    )
    out: dict[int, list[TransitionRecord]] = {mid: [] for mid in match_ids}
    for row in rows:
        out[row["match_id"]].append(_transition(row))
    return out


async def acted_person_ids(conn: asyncpg.Connection, challenge_id: int) -> set[int]:
    """People with a match for this challenge that someone acted on (not proposed)."""
    rows = await conn.fetch(
        "SELECT person_id FROM match WHERE challenge_id = $1 AND state <> 'proposed'",
        challenge_id,
    )
    return {int(r["person_id"]) for r in rows}


# Writing


async def lock_challenge_for_proposals(conn: asyncpg.Connection, challenge_id: int) -> bool:
    """Serialise proposal runs for one challenge; False when the challenge is gone."""
    value = await conn.fetchval(
        "SELECT id FROM challenge WHERE id = $1 FOR NO KEY UPDATE", challenge_id
    )
    return value is not None


async def replace_proposals(
    conn: asyncpg.Connection,
    challenge_id: int,
    proposals: Sequence[ProposalInput],
    *,
    model: str,
    actor_role: str,
) -> int:
    """Make the challenge's proposed matches equal to proposals; acted-on matches stay.

    A person still proposed keeps their match (and its id), with fresh score and rank; a new
    person gets a new match whose creation is recorded. Returns the proposals stored.
    """
    # The people first (see people.lock_people); one erased meanwhile is not proposed.
    live = await lock_people(conn, [p.person_id for p in proposals])
    proposals = [p for p in proposals if p.person_id in live]
    keep = [p.person_id for p in proposals]
    await conn.execute(
        """
        DELETE FROM match
        WHERE challenge_id = $1 AND state = 'proposed' AND NOT (person_id = ANY($2::bigint[]))
        """,
        challenge_id,
        keep,
    )
    stored = 0
    for p in proposals:
        row = await conn.fetchrow(
            """
            INSERT INTO match (challenge_id, person_id, state, rank, score, score_parts,
                               features, explanation, model)
            VALUES ($1, $2, 'proposed', $3, $4, $5, $6, $7, $8)
            ON CONFLICT (challenge_id, person_id) DO UPDATE
            SET rank = EXCLUDED.rank, score = EXCLUDED.score,
                score_parts = EXCLUDED.score_parts, features = EXCLUDED.features,
                explanation = EXCLUDED.explanation, model = EXCLUDED.model, updated_at = now()
            WHERE match.state = 'proposed'
            RETURNING id, (xmax = 0) AS inserted
            """,
            challenge_id,
            p.person_id,
            p.rank,
            p.score,
            p.score_parts,
            p.features,
            p.explanation,
            model,
        )
        if row is None:
            # Someone acted on this person's match since we looked: it is no proposal any more.
            continue
        stored += 1
        if row["inserted"]:
            await insert_transition(
                conn,
                int(row["id"]),
                from_state=None,
                to_state=MatchState.proposed,
                actor_key_id=None,
                actor_role=actor_role,
            )
    return stored


async def set_state(
    conn: asyncpg.Connection,
    match_id: int,
    state: MatchState,
    *,
    introduction_text: str | Unset = UNSET,
    hours_spent: float | Unset = UNSET,
    outcome_rating: int | Unset = UNSET,
) -> None:
    """Change a match's state and, when given, its introduction text, hours spent and rating."""
    given = {
        "state": state,
        "introduction_text": introduction_text,
        "hours_spent": hours_spent,
        "outcome_rating": outcome_rating,
    }
    sets = set_clause(
        {k: v for k, v in given.items() if v is not UNSET}, columns=given.keys(), first=2
    )
    await conn.execute(
        f"UPDATE match SET {sets.sql}, updated_at = now() WHERE id = $1", match_id, *sets.args
    )


async def insert_transition(
    conn: asyncpg.Connection,
    match_id: int,
    *,
    from_state: MatchState | None,
    to_state: MatchState,
    actor_key_id: int | None,
    actor_role: str,
    reason_code: RejectionReason | None = None,
    note: str | None = None,
) -> None:
    """Record one state change."""
    await conn.execute(
        """
        INSERT INTO match_transition (match_id, from_state, to_state, actor_key_id, actor_role,
                                      reason_code, note)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        match_id,
        from_state,
        to_state,
        actor_key_id,
        actor_role,
        reason_code,
        note,
    )
