"""What the weekly digests read, in a few set-based queries for every recipient at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from matcher.storage.sql import record


@dataclass(frozen=True, slots=True)
class DigestOrganisation:
    """A member organisation and the contact its digest goes to."""

    id: int
    name: str
    contact_email: str


@dataclass(frozen=True, slots=True)
class OptedInPerson:
    """A person who asked for the member digest themselves."""

    id: int
    name: str
    email: str
    organisation_id: int
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fit:
    """One of an organisation's people the matcher found for another member's new challenge."""

    organisation_id: int
    person_id: int
    person_name: str
    challenge_id: int
    challenge_title: str
    challenge_kind: str
    asker_name: str
    rank: int
    reason: str


@dataclass(frozen=True, slots=True)
class OwnChallenge:
    """An organisation's open challenge with its matches counted by (visible) state."""

    organisation_id: int
    challenge_id: int
    title: str
    created_at: datetime
    approved: int
    introduced: int
    accepted: int
    declined: int
    completed: int


@dataclass(frozen=True, slots=True)
class SectorHours:
    """Hours offered, held and spent in one sector."""

    code: str
    name: str
    offered: float
    reserved: float
    spent: float


@dataclass(frozen=True, slots=True)
class CrossSectorLink:
    """An approval this week between two different sectors."""

    challenge_title: str
    asker_name: str
    asker_sector: str
    person_id: int
    person_name: str
    helper_name: str
    helper_sector: str


async def organisations_with_contact(conn: asyncpg.Connection) -> list[DigestOrganisation]:
    """Organisations that have a contact address."""
    rows = await conn.fetch(
        "SELECT id, name, contact_email FROM organisation WHERE contact_email <> '' ORDER BY id"
    )
    return [DigestOrganisation(**dict(r)) for r in rows]


async def opted_in_people(conn: asyncpg.Connection) -> list[OptedInPerson]:
    """People whose address opted in to the member digest and did not unsubscribe."""
    rows = await conn.fetch(
        """
        SELECT p.id, p.name, p.email, p.organisation_id, p.languages
        FROM person p JOIN mail_preference mp ON mp.email = lower(p.email)
        WHERE mp.digest_opt_in AND mp.unsubscribed_at IS NULL AND p.email <> ''
        ORDER BY p.id
        """
    )
    return [record(OptedInPerson, r, languages=tuple(r["languages"])) for r in rows]


async def fits(
    conn: asyncpg.Connection, *, since: datetime, until: datetime, per_challenge: int
) -> list[Fit]:
    """Per organisation, its best-ranked consenting people for other members' challenges
    posted in [since, until) and still open."""
    rows = await conn.fetch(
        """
        SELECT * FROM (
            SELECT p.organisation_id, p.id AS person_id, p.name AS person_name,
                   c.id AS challenge_id, c.title AS challenge_title, c.kind AS challenge_kind,
                   co.name AS asker_name, m.rank,
                   coalesce(m.explanation -> 'lines' ->> 0, '') AS reason,
                   row_number() OVER (PARTITION BY p.organisation_id, c.id
                                      ORDER BY m.rank, m.id) AS place
            FROM match m
            JOIN challenge c ON c.id = m.challenge_id
            JOIN organisation co ON co.id = c.organisation_id
            JOIN person p ON p.id = m.person_id
            WHERE c.status = 'open' AND c.created_at >= $1 AND c.created_at < $2
              AND c.organisation_id <> p.organisation_id AND p.consent
              AND m.state IN ('proposed', 'approved', 'introduced', 'accepted')
        ) ranked
        WHERE place <= $3
        ORDER BY organisation_id, challenge_id, rank
        """,
        since,
        until,
        per_challenge,
    )
    return [Fit(**{k: v for k, v in dict(r).items() if k != "place"}) for r in rows]


async def own_open_challenges(conn: asyncpg.Connection) -> list[OwnChallenge]:
    """Every open challenge with its matches counted by the states its organisation may see."""
    rows = await conn.fetch(
        """
        SELECT c.organisation_id, c.id AS challenge_id, c.title, c.created_at,
               count(m.id) FILTER (WHERE m.state = 'approved') AS approved,
               count(m.id) FILTER (WHERE m.state = 'introduced') AS introduced,
               count(m.id) FILTER (WHERE m.state = 'accepted') AS accepted,
               count(m.id) FILTER (WHERE m.state = 'declined') AS declined,
               count(m.id) FILTER (WHERE m.state = 'completed') AS completed
        FROM challenge c LEFT JOIN match m ON m.challenge_id = c.id
        WHERE c.status = 'open'
        GROUP BY c.id
        ORDER BY c.organisation_id, c.created_at, c.id
        """
    )
    return [OwnChallenge(**dict(r)) for r in rows]


async def hours_by_sector(
    conn: asyncpg.Connection, *, month_start: date, month_end: date
) -> list[SectorHours]:
    """Per sector: monthly hours offered by consenting people, held in reservations that touch
    the month, and booked as spent this month."""
    rows = await conn.fetch(
        """
        SELECT s.code, s.name,
          coalesce((SELECT sum(p.capacity_hours_per_month) FROM person p
                    JOIN organisation o ON o.id = p.organisation_id
                    WHERE o.sector_code = s.code AND p.consent), 0)::float8 AS offered,
          coalesce((SELECT sum(r.hours) FROM capacity_reservation r
                    JOIN person p ON p.id = r.person_id
                    JOIN organisation o ON o.id = p.organisation_id
                    WHERE o.sector_code = s.code AND r.state = 'held'
                      AND r.starts_on <= $2 AND r.ends_on >= $1), 0)::float8 AS reserved,
          coalesce((SELECT sum(r.hours) FROM capacity_reservation r
                    JOIN person p ON p.id = r.person_id
                    JOIN organisation o ON o.id = p.organisation_id
                    WHERE o.sector_code = s.code AND r.state = 'booked'
                      AND r.updated_at >= $1 AND r.updated_at < $2 + 1), 0)::float8 AS spent
        FROM sector s ORDER BY s.name
        """,
        month_start,
        month_end,
    )
    return [SectorHours(**dict(r)) for r in rows]


async def cross_sector_links(
    conn: asyncpg.Connection, *, since: datetime, until: datetime
) -> list[CrossSectorLink]:
    """Matches approved in [since, until) whose two organisations are in different sectors."""
    rows = await conn.fetch(
        """
        SELECT DISTINCT ON (m.id) c.title AS challenge_title, co.name AS asker_name,
               cs.name AS asker_sector, p.id AS person_id, p.name AS person_name, po.name AS helper_name,
               ps.name AS helper_sector
        FROM match_transition t
        JOIN match m ON m.id = t.match_id
        JOIN challenge c ON c.id = m.challenge_id
        JOIN organisation co ON co.id = c.organisation_id
        JOIN sector cs ON cs.code = co.sector_code
        JOIN person p ON p.id = m.person_id
        JOIN organisation po ON po.id = p.organisation_id
        JOIN sector ps ON ps.code = po.sector_code
        WHERE t.to_state = 'approved' AND t.created_at >= $1 AND t.created_at < $2
          AND cs.code <> ps.code
        ORDER BY m.id
        """,
        since,
        until,
    )
    return [CrossSectorLink(**dict(r)) for r in rows]


async def rejection_reasons(
    conn: asyncpg.Connection, *, since: datetime, until: datetime
) -> dict[str, int]:
    """Rejections in [since, until) counted by reason code."""
    rows = await conn.fetch(
        """
        SELECT coalesce(reason_code, 'other') AS reason, count(*) AS n FROM match_transition
        WHERE to_state = 'rejected' AND created_at >= $1 AND created_at < $2
        GROUP BY 1 ORDER BY 2 DESC, 1
        """,
        since,
        until,
    )
    return {r["reason"]: int(r["n"]) for r in rows}
