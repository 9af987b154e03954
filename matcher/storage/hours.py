"""Hours the network shares, per organisation and month: offered, reserved and spent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from matcher.storage.sql import record


@dataclass(frozen=True, slots=True)
class OrganisationMonth:
    """One organisation's hours in one month (its people as the helping side)."""

    month: date
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    offered: float
    reserved: float
    spent: float


async def hours_by_month(
    conn: asyncpg.Connection, *, first_month: date, months: int
) -> list[OrganisationMonth]:
    """Offered: consenting people's monthly capacity within their availability, pro rata by day.
    Reserved (held) and spent (booked): each reservation's hours spread evenly over its days."""
    rows = await conn.fetch(
        """
        WITH month AS (
            SELECT m::date AS starts, (m + interval '1 month')::date AS ends
            FROM generate_series($1::date, $1::date + make_interval(months => $2 - 1),
                                 interval '1 month') AS m
        ),
        offered AS (
            SELECT mo.starts, p.organisation_id,
                   sum(p.capacity_hours_per_month
                       * greatest(least(mo.ends, coalesce(p.available_until + 1, mo.ends))
                                  - greatest(mo.starts, coalesce(p.available_from, mo.starts)), 0)
                       / (mo.ends - mo.starts)::numeric) AS hours
            FROM month mo JOIN person p ON p.consent
            GROUP BY mo.starts, p.organisation_id
        ),
        booked AS (
            SELECT mo.starts, p.organisation_id,
                   sum(r.hours * greatest(least(mo.ends, r.ends_on + 1)
                                          - greatest(mo.starts, r.starts_on), 0)
                       / (r.ends_on + 1 - r.starts_on)::numeric)
                       FILTER (WHERE r.state = 'held') AS reserved,
                   sum(r.hours * greatest(least(mo.ends, r.ends_on + 1)
                                          - greatest(mo.starts, r.starts_on), 0)
                       / (r.ends_on + 1 - r.starts_on)::numeric)
                       FILTER (WHERE r.state = 'booked') AS spent
            FROM month mo
            JOIN capacity_reservation r ON r.starts_on < mo.ends AND r.ends_on >= mo.starts
            JOIN person p ON p.id = r.person_id
            WHERE r.state IN ('held', 'booked')
            GROUP BY mo.starts, p.organisation_id
        )
        SELECT mo.starts AS month, o.id AS organisation_id, o.name AS organisation_name,
               o.sector_code, s.name AS sector_name,
               coalesce(f.hours, 0)::float8 AS offered,
               coalesce(b.reserved, 0)::float8 AS reserved, coalesce(b.spent, 0)::float8 AS spent
        FROM month mo
        CROSS JOIN organisation o
        LEFT JOIN sector s ON s.code = o.sector_code
        LEFT JOIN offered f ON f.starts = mo.starts AND f.organisation_id = o.id
        LEFT JOIN booked b ON b.starts = mo.starts AND b.organisation_id = o.id
        WHERE f.hours > 0 OR b.reserved > 0 OR b.spent > 0
        ORDER BY mo.starts, o.name
        """,
        first_month,
        months,
    )
    return [record(OrganisationMonth, r) for r in rows]
