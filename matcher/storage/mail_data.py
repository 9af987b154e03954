"""What introduction mails and reminders read: contacts of a match, introductions awaiting an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from matcher.errors import NotFound
from matcher.storage.sql import record


@dataclass(frozen=True, slots=True)
class MatchContacts:
    """Addresses around one match: the asker's contact, the person and their organisation."""

    match_id: int
    asker_email: str
    person_email: str
    person_languages: tuple[str, ...]
    helper_organisation_email: str


@dataclass(frozen=True, slots=True)
class WaitingIntroduction:
    """An introduced match without an answer, with when it was introduced."""

    match_id: int
    challenge_id: int
    challenge_title: str
    asker_name: str
    asker_organisation_id: int
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    introduced_at: datetime


async def match_contacts(conn: asyncpg.Connection, match_id: int) -> MatchContacts:
    """The addresses mail about this match goes to."""
    row = await conn.fetchrow(
        """
        SELECT m.id AS match_id, co.contact_email AS asker_email, p.email AS person_email,
               p.languages AS person_languages, po.contact_email AS helper_organisation_email
        FROM match m
        JOIN challenge c ON c.id = m.challenge_id
        JOIN organisation co ON co.id = c.organisation_id
        JOIN person p ON p.id = m.person_id
        JOIN organisation po ON po.id = p.organisation_id
        WHERE m.id = $1
        """,
        match_id,
    )
    if row is None:
        raise NotFound(f"match {match_id} does not exist")
    return record(MatchContacts, row, person_languages=tuple(row["person_languages"]))


async def waiting_introductions(
    conn: asyncpg.Connection, *, organisation_id: int | None = None
) -> list[WaitingIntroduction]:
    """Introduced matches still waiting for the person's answer, oldest first."""
    rows = await conn.fetch(
        """
        SELECT m.id AS match_id, c.id AS challenge_id, c.title AS challenge_title,
               co.name AS asker_name, co.id AS asker_organisation_id,
               p.id AS person_id, p.name AS person_name, po.id AS organisation_id,
               po.name AS organisation_name,
               (SELECT max(t.created_at) FROM match_transition t
                WHERE t.match_id = m.id AND t.to_state = 'introduced') AS introduced_at
        FROM match m
        JOIN challenge c ON c.id = m.challenge_id
        JOIN organisation co ON co.id = c.organisation_id
        JOIN person p ON p.id = m.person_id
        JOIN organisation po ON po.id = p.organisation_id
        WHERE m.state = 'introduced' AND ($1::bigint IS NULL OR po.id = $1)
        ORDER BY introduced_at, m.id
        """,
        organisation_id,
    )
    return [WaitingIntroduction(**dict(r)) for r in rows if r["introduced_at"] is not None]
