"""Events and speaker invitations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

import asyncpg

from matcher.errors import AlreadyExists, NotFound
from matcher.inputs import EventChanges, changed_fields
from matcher.matching.programme import StageAppearance
from matcher.records_programme import (
    ON_STAGE,
    Event,
    EventKind,
    EventState,
    Invitation,
    InvitationState,
)
from matcher.storage.sql import SetClause, id_by_ref, record, set_clause

_EVENT_COLUMNS = """
    id, kind, theme, description, starts_at, ends_at, place, online, speaker_slots, state,
    series_date, sector_code, network_id, external_ref, created_at, updated_at
"""

_EVENT_CHANGES = tuple(f.name for f in fields(EventChanges))

_INVITATION_SELECT = """
    SELECT i.id, i.event_id, i.person_id, p.name AS person_name, p.email AS person_email,
           i.organisation_id, o.name AS organisation_name, o.sector_code, i.state, i.topic,
           i.score, i.note, i.document_id, i.created_at, i.updated_at
    FROM event_invitation i
    JOIN person p ON p.id = i.person_id
    JOIN organisation o ON o.id = i.organisation_id
"""


def _event(row: asyncpg.Record) -> Event:
    return record(Event, row, kind=EventKind(row["kind"]), state=EventState(row["state"]))


def _invitation(row: asyncpg.Record) -> Invitation:
    return record(Invitation, row, state=InvitationState(row["state"]))


async def insert_event(
    conn: asyncpg.Connection,
    *,
    kind: EventKind,
    theme: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    online: bool = False,
    speaker_slots: int = 1,
    series_date: date | None = None,
    sector_code: str | None = None,
    network_id: int | None = None,
    external_ref: str | None = None,
) -> Event:
    """Insert a planned event."""
    try:
        row = await conn.fetchrow(
            f"""
            INSERT INTO event (kind, theme, description, starts_at, ends_at, place, online,
                               speaker_slots, series_date, sector_code, network_id, external_ref)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING {_EVENT_COLUMNS}
            """,
            kind,
            theme,
            description,
            starts_at,
            ends_at,
            place,
            online,
            speaker_slots,
            series_date,
            sector_code,
            network_id,
            external_ref,
        )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists("an event with this reference or series date exists") from exc
    return _event(row)


async def insert_theme_events(
    conn: asyncpg.Connection, rows: Sequence[tuple[date, datetime, datetime]], *, theme: str
) -> None:
    """Theme events for these series dates (start, end); dates already in the calendar are kept."""
    await conn.executemany(
        "INSERT INTO event (kind, theme, series_date, starts_at, ends_at, speaker_slots) "
        "VALUES ('theme_event', $4, $1, $2, $3, 2) "
        "ON CONFLICT (series_date) WHERE series_date IS NOT NULL DO NOTHING",
        [(d, s, e, theme) for d, s, e in rows],
    )


async def series_dates(conn: asyncpg.Connection, days: Sequence[date]) -> set[date]:
    """Which of these third Thursdays already have a theme event (moved or cancelled included)."""
    rows = await conn.fetch(
        "SELECT series_date FROM event WHERE series_date = ANY($1::date[])", list(days)
    )
    return {r["series_date"] for r in rows}


async def get_event(conn: asyncpg.Connection, event_id: int, *, lock: bool = False) -> Event:
    """One event or NotFound; lock holds its row until the transaction ends."""
    row = await conn.fetchrow(
        f"SELECT {_EVENT_COLUMNS} FROM event WHERE id = $1" + (" FOR UPDATE" if lock else ""),
        event_id,
    )
    if row is None:
        raise NotFound(f"event {event_id} does not exist")
    return _event(row)


async def event_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The event with this external reference (demo data), if any."""
    return await id_by_ref(conn, "event", external_ref)


async def list_events(
    conn: asyncpg.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
    state: str | None = None,
) -> list[Event]:
    """Events in time order, optionally within [since, until), of one kind or state."""
    rows = await conn.fetch(
        f"""
        SELECT {_EVENT_COLUMNS} FROM event
        WHERE ($1::timestamptz IS NULL OR starts_at >= $1)
          AND ($2::timestamptz IS NULL OR starts_at < $2)
          AND ($3::text IS NULL OR kind = $3)
          AND ($4::text IS NULL OR state = $4)
        ORDER BY starts_at, id
        """,
        since,
        until,
        kind,
        state,
    )
    return [_event(r) for r in rows]


async def update_event(conn: asyncpg.Connection, event_id: int, changes: EventChanges) -> Event:
    """Change an event's columns."""
    sets = set_clause(changed_fields(changes), columns=_EVENT_CHANGES, first=2)
    if not sets:
        return await get_event(conn, event_id)
    return await _updated(conn, event_id, sets)


async def set_event_state(conn: asyncpg.Connection, event_id: int, state: EventState) -> Event:
    """Move an event to a state."""
    return await _updated(conn, event_id, set_clause({"state": state}, columns=("state",), first=2))


async def _updated(conn: asyncpg.Connection, event_id: int, sets: SetClause) -> Event:
    row = await conn.fetchrow(
        f"UPDATE event SET {sets.sql}, updated_at = now() WHERE id = $1 RETURNING {_EVENT_COLUMNS}",
        event_id,
        *sets.args,
    )
    if row is None:
        raise NotFound(f"event {event_id} does not exist")
    return _event(row)


async def insert_invitation(
    conn: asyncpg.Connection,
    *,
    event_id: int,
    person_id: int,
    organisation_id: int,
    topic: str,
    score: float | None,
) -> int:
    """A new invitation; AlreadyExists when this person is already invited to this event."""
    try:
        value = await conn.fetchval(
            "INSERT INTO event_invitation (event_id, person_id, organisation_id, topic, score) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            event_id,
            person_id,
            organisation_id,
            topic,
            score,
        )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists(
            "this person is already invited to this event", code="speaker_already_invited"
        ) from exc
    return int(value)


async def get_invitation(
    conn: asyncpg.Connection, invitation_id: int, *, lock: bool = False
) -> Invitation:
    """One invitation or NotFound."""
    if lock:
        await conn.execute("SELECT 1 FROM event_invitation WHERE id = $1 FOR UPDATE", invitation_id)
    row = await conn.fetchrow(f"{_INVITATION_SELECT} WHERE i.id = $1", invitation_id)
    if row is None:
        raise NotFound(f"invitation {invitation_id} does not exist")
    return _invitation(row)


async def invitations_for(
    conn: asyncpg.Connection, event_ids: Sequence[int]
) -> dict[int, list[Invitation]]:
    """Invitations per event, best score first."""
    rows = await conn.fetch(
        f"{_INVITATION_SELECT} WHERE i.event_id = ANY($1::bigint[]) "
        "ORDER BY i.event_id, i.score DESC NULLS LAST, i.id",
        list(event_ids),
    )
    out: dict[int, list[Invitation]] = {eid: [] for eid in event_ids}
    for r in rows:
        out[r["event_id"]].append(_invitation(r))
    return out


async def set_invitation_state(
    conn: asyncpg.Connection,
    invitation_id: int,
    state: InvitationState,
    *,
    note: str | None = None,
    document_id: int | None = None,
) -> None:
    """Move an invitation to a state (with an optional note and the talk document it became)."""
    await conn.execute(
        "UPDATE event_invitation SET state = $2, note = coalesce($3, note), "
        "document_id = coalesce($4, document_id), updated_at = now() WHERE id = $1",
        invitation_id,
        state.value,
        note,
        document_id,
    )


async def stage_history(conn: asyncpg.Connection) -> list[StageAppearance]:
    """Everyone invited, confirmed or heard at an event that is not cancelled."""
    rows = await conn.fetch(
        """
        SELECT e.id AS event_id, e.kind AS event_kind,
               (e.starts_at AT TIME ZONE 'Europe/Amsterdam')::date AS day,
               i.person_id, i.organisation_id
        FROM event_invitation i JOIN event e ON e.id = i.event_id
        WHERE e.state <> 'cancelled' AND i.state = ANY($1::text[])
        ORDER BY e.starts_at, i.id
        """,
        [s.value for s in ON_STAGE],
    )
    return [StageAppearance(**dict(r)) for r in rows]


async def theme_event_days(conn: asyncpg.Connection) -> dict[int, date]:
    """Every theme event that is not cancelled, with its day (for 'consecutive')."""
    rows = await conn.fetch(
        "SELECT id, (starts_at AT TIME ZONE 'Europe/Amsterdam')::date AS day FROM event "
        "WHERE kind = 'theme_event' AND state <> 'cancelled'"
    )
    return {int(r["id"]): r["day"] for r in rows}


@dataclass(frozen=True, slots=True)
class PersonInvitation:
    """A speaker invitation with its event, as a person's data export lists it."""

    id: int
    event_id: int
    event_kind: str
    theme: str
    starts_at: datetime
    state: str
    topic: str
    note: str | None
    created_at: datetime


async def person_invitations(conn: asyncpg.Connection, person_id: int) -> list[PersonInvitation]:
    """A person's speaker invitations with their events (for the AVG export)."""
    rows = await conn.fetch(
        """
        SELECT i.id, i.event_id, e.kind AS event_kind, e.theme, e.starts_at, i.state, i.topic,
               i.note, i.created_at
        FROM event_invitation i JOIN event e ON e.id = i.event_id
        WHERE i.person_id = $1 ORDER BY e.starts_at, i.id
        """,
        person_id,
    )
    return [record(PersonInvitation, r) for r in rows]
