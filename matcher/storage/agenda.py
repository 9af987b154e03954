"""Agenda and theme material: sector challenges and matches, challenge vectors of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
import numpy as np

from matcher.states import CONNECTED_STATES


@dataclass(frozen=True, slots=True)
class AgendaChallenge:
    """An open challenge of the sector."""

    challenge_id: int
    title: str
    kind: str
    organisation_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AgendaMatch:
    """A recent approved-or-later match that involves the sector on either side."""

    match_id: int
    challenge_title: str
    asking_organisation: str
    helping_organisation: str
    helping_sector: str | None
    state: str
    updated_at: datetime


async def sector_open_challenges(
    conn: asyncpg.Connection, sector_code: str
) -> list[AgendaChallenge]:
    """Open challenges posted by the sector's members, newest first."""
    rows = await conn.fetch(
        """
        SELECT c.id AS challenge_id, c.title, c.kind, o.name AS organisation_name, c.created_at
        FROM challenge c JOIN organisation o ON o.id = c.organisation_id
        WHERE o.sector_code = $1 AND c.status = 'open'
        ORDER BY c.created_at DESC, c.id
        """,
        sector_code,
    )
    return [AgendaChallenge(**dict(r)) for r in rows]


async def sector_recent_matches(
    conn: asyncpg.Connection, sector_code: str, *, days: int = 120
) -> list[AgendaMatch]:
    """Matches approved or further in the last days where the sector asks or helps."""
    rows = await conn.fetch(
        """
        SELECT m.id AS match_id, c.title AS challenge_title, ao.name AS asking_organisation,
               ho.name AS helping_organisation, ho.sector_code AS helping_sector, m.state,
               m.updated_at
        FROM match m
        JOIN challenge c ON c.id = m.challenge_id
        JOIN organisation ao ON ao.id = c.organisation_id
        JOIN person p ON p.id = m.person_id
        JOIN organisation ho ON ho.id = p.organisation_id
        WHERE m.state = ANY($2::text[])
          AND (ao.sector_code = $1 OR ho.sector_code = $1)
          AND m.updated_at > now() - make_interval(days => $3)
        ORDER BY m.updated_at DESC, m.id
        """,
        sector_code,
        list(CONNECTED_STATES),
        days,
    )
    return [AgendaMatch(**dict(r)) for r in rows]


@dataclass(frozen=True, slots=True)
class ChallengeVector:
    """A challenge with its vector and sector, for theme discovery."""

    challenge_id: int
    title: str
    description: str
    sector_code: str | None
    sector_name: str | None
    created_at: datetime
    vector: np.ndarray


async def challenge_vectors_between(
    conn: asyncpg.Connection, model_id: str, since: datetime, until: datetime
) -> list[ChallengeVector]:
    """Challenges posted in [since, until) with a current vector from this model."""
    rows = await conn.fetch(
        """
        SELECT c.id AS challenge_id, c.title, c.description, o.sector_code,
               s.name AS sector_name, c.created_at, c.embedding AS vector
        FROM challenge c
        JOIN organisation o ON o.id = c.organisation_id
        LEFT JOIN sector s ON s.code = o.sector_code
        WHERE c.created_at >= $2 AND c.created_at < $3 AND c.status <> 'withdrawn'
          AND c.embedding_model = $1 AND c.embedding_hash = c.text_hash
        ORDER BY c.created_at, c.id
        """,
        model_id,
        since,
        until,
    )
    out: list[ChallengeVector] = []
    for r in rows:
        values = dict(r)
        raw = values["vector"]
        values["vector"] = np.asarray(
            raw.to_numpy() if hasattr(raw, "to_numpy") else raw, dtype=np.float32
        )
        out.append(ChallengeVector(**values))
    return out
