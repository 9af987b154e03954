"""Matches, their transitions and the capacity reservations that hang off them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from matcher.errors import NotFound
from matcher.inputs import UNSET, Unset
from matcher.storage.people import lock_people
from matcher.storage.sql import set_clause

# The states in which a match counts as a made connection (network overview, unmatched list).
CONNECTED_STATES = ("approved", "introduced", "accepted", "completed")


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A stored match with the challenge, person and organisations it joins."""

    id: int
    challenge_id: int
    challenge_title: str
    challenge_description: str
    challenge_kind: str
    challenge_status: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    challenge_organisation_id: int
    challenge_organisation_name: str
    challenge_sector_code: str | None
    challenge_sector_name: str | None
    person_id: int
    person_name: str
    person_role: str
    email: str
    capacity_hours_per_month: float
    available_from: date | None
    available_until: date | None
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    state: str
    rank: int
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    explanation: dict[str, Any]
    model: str
    introduction_text: str | None
    hours_spent: float | None
    outcome_rating: int | None
    reserved_hours: float | None
    reservation_state: str | None
    was_approved: bool
    was_introduced: bool
    was_accepted: bool
    created_at: datetime
    updated_at: datetime
    stale: bool = False


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One recorded state change of a match."""

    id: int
    match_id: int
    from_state: str | None
    to_state: str
    actor_key_id: int | None
    actor_role: str
    reason_code: str | None
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProposalInput:
    """A ranked suggestion to store as a proposed match."""

    person_id: int
    rank: int
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    explanation: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PersonCapacity:
    """What a person declared they can give."""

    person_id: int
    hours_per_month: float
    available_from: date | None
    available_until: date | None


@dataclass(frozen=True, slots=True)
class Reservation:
    """Hours held or booked for one match."""

    match_id: int
    person_id: int
    hours: float
    starts_on: date
    ends_on: date
    state: str


@dataclass(frozen=True, slots=True)
class QueueChallenge:
    """An open challenge as the review queue lists it."""

    id: int
    title: str
    description: str
    kind: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    created_at: datetime
    age_days: int


@dataclass(frozen=True, slots=True)
class UnmatchedChallengeRow:
    """An open challenge that no approved-or-later match serves yet."""

    challenge_id: int
    title: str
    organisation_name: str
    age_days: int


_SELECT = """
    SELECT m.id, m.challenge_id, c.title AS challenge_title,
           c.description AS challenge_description, c.kind AS challenge_kind,
           c.status AS challenge_status, c.hours_needed, c.starts_on, c.needed_by,
           c.organisation_id AS challenge_organisation_id,
           co.name AS challenge_organisation_name, co.sector_code AS challenge_sector_code,
           cs.name AS challenge_sector_name,
           m.person_id, p.name AS person_name, p.role AS person_role, p.email,
           p.capacity_hours_per_month, p.available_from, p.available_until,
           p.organisation_id, po.name AS organisation_name, po.sector_code,
           ps.name AS sector_name,
           m.state, m.rank, m.score, m.score_parts, m.features, m.explanation, m.model,
           m.introduction_text, m.hours_spent, m.outcome_rating,
           r.hours AS reserved_hours, r.state AS reservation_state,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'approved') AS was_approved,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'introduced') AS was_introduced,
           EXISTS (SELECT 1 FROM match_transition t
                   WHERE t.match_id = m.id AND t.to_state = 'accepted') AS was_accepted,
           m.created_at, m.updated_at,
           (m.state = 'proposed' AND (m.updated_at < c.terms_changed_at
                                      OR m.updated_at < p.updated_at)) AS stale
    FROM match m
    JOIN challenge c ON c.id = m.challenge_id
    JOIN organisation co ON co.id = c.organisation_id
    LEFT JOIN sector cs ON cs.code = co.sector_code
    JOIN person p ON p.id = m.person_id
    JOIN organisation po ON po.id = p.organisation_id
    LEFT JOIN sector ps ON ps.code = po.sector_code
    LEFT JOIN capacity_reservation r ON r.match_id = m.id
"""


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def queue_challenge(r: asyncpg.Record) -> QueueChallenge:
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


def _match(row: asyncpg.Record) -> MatchRecord:
    return MatchRecord(
        id=row["id"],
        challenge_id=row["challenge_id"],
        challenge_title=row["challenge_title"],
        challenge_description=row["challenge_description"],
        challenge_kind=row["challenge_kind"],
        challenge_status=row["challenge_status"],
        hours_needed=_float(row["hours_needed"]),
        starts_on=row["starts_on"],
        needed_by=row["needed_by"],
        challenge_organisation_id=row["challenge_organisation_id"],
        challenge_organisation_name=row["challenge_organisation_name"],
        challenge_sector_code=row["challenge_sector_code"],
        challenge_sector_name=row["challenge_sector_name"],
        person_id=row["person_id"],
        person_name=row["person_name"],
        person_role=row["person_role"],
        email=row["email"],
        capacity_hours_per_month=float(row["capacity_hours_per_month"]),
        available_from=row["available_from"],
        available_until=row["available_until"],
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation_name"],
        sector_code=row["sector_code"],
        sector_name=row["sector_name"],
        state=row["state"],
        rank=row["rank"],
        score=float(row["score"]),
        score_parts=row["score_parts"],
        features=row["features"],
        explanation=row["explanation"],
        model=row["model"],
        introduction_text=row["introduction_text"],
        hours_spent=_float(row["hours_spent"]),
        outcome_rating=row["outcome_rating"],
        reserved_hours=_float(row["reserved_hours"]),
        reservation_state=row["reservation_state"],
        was_approved=row["was_approved"],
        was_introduced=row["was_introduced"],
        was_accepted=row["was_accepted"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        stale=bool(row["stale"]),
    )


def _transition(row: asyncpg.Record) -> TransitionRecord:
    return TransitionRecord(
        id=row["id"],
        match_id=row["match_id"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        actor_key_id=row["actor_key_id"],
        actor_role=row["actor_role"],
        reason_code=row["reason_code"],
        note=row["note"],
        created_at=row["created_at"],
    )


# Reading


async def get_match(conn: asyncpg.Connection, match_id: int) -> MatchRecord:
    """One match or NotFound."""
    row = await conn.fetchrow(_SELECT + " WHERE m.id = $1", match_id)
    if row is None:
        raise NotFound(f"match {match_id} does not exist")
    return _match(row)


async def lock_match(conn: asyncpg.Connection, match_id: int) -> str:
    """Lock a match row for this transaction and return its current state (or NotFound)."""
    state = await conn.fetchval("SELECT state FROM match WHERE id = $1 FOR UPDATE", match_id)
    if state is None:
        raise NotFound(f"match {match_id} does not exist")
    return str(state)


async def matches_for_challenges(
    conn: asyncpg.Connection,
    challenge_ids: Sequence[int],
    *,
    state: str | None = None,
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


async def active_reservations(
    conn: asyncpg.Connection, person_ids: Sequence[int]
) -> dict[int, list[Reservation]]:
    """Hours held or booked per person (released reservations no longer count)."""
    rows = await conn.fetch(
        """
        SELECT match_id, person_id, hours, starts_on, ends_on, state
        FROM capacity_reservation
        WHERE person_id = ANY($1::bigint[]) AND state <> 'released'
        ORDER BY person_id, id
        """,
        list(person_ids),
    )
    out: dict[int, list[Reservation]] = {pid: [] for pid in person_ids}
    for r in rows:
        out[r["person_id"]].append(
            Reservation(
                match_id=r["match_id"],
                person_id=r["person_id"],
                hours=float(r["hours"]),
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                state=r["state"],
            )
        )
    return out


async def lock_person_capacity(conn: asyncpg.Connection, person_id: int) -> PersonCapacity:
    """Lock the person row and return their declared capacity.

    Every approval for this person takes the same lock, so approvals for one person run one
    after another and each sees the reservations of those before it. FOR NO KEY UPDATE is the
    row lock that UPDATE itself takes: it serialises approvals like FOR UPDATE but does not
    block (or deadlock with) transactions that only insert rows referencing the person.
    """
    row = await conn.fetchrow(
        """
        SELECT id, capacity_hours_per_month, available_from, available_until
        FROM person WHERE id = $1 FOR NO KEY UPDATE
        """,
        person_id,
    )
    if row is None:
        raise NotFound(f"person {person_id} does not exist")
    return PersonCapacity(
        person_id=row["id"],
        hours_per_month=float(row["capacity_hours_per_month"]),
        available_from=row["available_from"],
        available_until=row["available_until"],
    )


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
                to_state="proposed",
                actor_key_id=None,
                actor_role=actor_role,
            )
    return stored


async def set_state(
    conn: asyncpg.Connection,
    match_id: int,
    state: str,
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
    from_state: str | None,
    to_state: str,
    actor_key_id: int | None,
    actor_role: str,
    reason_code: str | None = None,
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


async def set_reservation(
    conn: asyncpg.Connection,
    *,
    match_id: int,
    person_id: int,
    hours: float,
    starts_on: date,
    ends_on: date,
    state: str,
) -> None:
    """Hold hours for an approved match (state 'held') or book the hours spent ('booked')."""
    await conn.execute(
        """
        INSERT INTO capacity_reservation (person_id, match_id, hours, starts_on, ends_on, state)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (match_id) DO UPDATE
        SET hours = EXCLUDED.hours, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
            state = EXCLUDED.state, updated_at = now()
        """,
        person_id,
        match_id,
        hours,
        starts_on,
        ends_on,
        state,
    )


async def release_hours(conn: asyncpg.Connection, match_id: int) -> None:
    """Give held hours back (reject, decline, cancel)."""
    await conn.execute(
        "UPDATE capacity_reservation SET state = 'released', updated_at = now() "
        "WHERE match_id = $1 AND state = 'held'",
        match_id,
    )


async def queue_challenges(
    conn: asyncpg.Connection,
    *,
    sector_code: str | None,
    kind: str | None,
    state: str | None,
    limit: int,
) -> list[QueueChallenge]:
    """Open challenges with at least one match in state (any state when None), most urgent first."""
    rows = await conn.fetch(
        """
        SELECT c.id, c.title, c.description, c.kind, c.hours_needed, c.starts_on, c.needed_by,
               c.organisation_id, o.name AS organisation_name, o.sector_code,
               s.name AS sector_name, c.created_at,
               floor(extract(epoch FROM now() - c.created_at) / 86400)::int AS age_days
        FROM challenge c
        JOIN organisation o ON o.id = c.organisation_id
        LEFT JOIN sector s ON s.code = o.sector_code
        WHERE c.status IN ('open', 'matched')
          AND ($1::text IS NULL OR o.sector_code = $1)
          AND ($2::text IS NULL OR c.kind = $2)
          AND EXISTS (SELECT 1 FROM match m
                      WHERE m.challenge_id = c.id AND ($3::text IS NULL OR m.state = $3))
        ORDER BY c.needed_by ASC NULLS LAST, c.created_at ASC, c.id ASC
        LIMIT $4
        """,
        sector_code,
        kind,
        state,
        limit,
    )
    return [queue_challenge(r) for r in rows]


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


async def unmatched_challenges(conn: asyncpg.Connection) -> list[UnmatchedChallengeRow]:
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
        UnmatchedChallengeRow(
            challenge_id=r["id"],
            title=r["title"],
            organisation_name=r["organisation_name"],
            age_days=max(int(r["age_days"]), 0),
        )
        for r in rows
    ]
