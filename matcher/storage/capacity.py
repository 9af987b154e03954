"""Capacity reservations: hours held for approved matches, booked when completed, released."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from matcher.errors import NotFound
from matcher.records_matches import PersonCapacity, Reservation
from matcher.states import ReservationState


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
                state=ReservationState(r["state"]),
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


async def set_reservation(
    conn: asyncpg.Connection,
    *,
    match_id: int,
    person_id: int,
    hours: float,
    starts_on: date,
    ends_on: date,
    state: ReservationState,
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
