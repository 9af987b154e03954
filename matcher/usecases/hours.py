"""What the network shares: hours offered, reserved and spent per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from matcher.errors import Forbidden
from matcher.records import Principal
from matcher.reporting.hours import Grouping, HoursInput, HoursRow, group_hours, totals
from matcher.storage import hours as store

MONTHS_BACK = 6
MONTHS = 12


@dataclass(frozen=True, slots=True)
class HoursReport:
    """Hours per month per group, and the period's totals per group."""

    by: Grouping
    first_month: date
    months: int
    rows: list[HoursRow]
    totals: list[HoursRow]


def first_month(today: date, back: int = MONTHS_BACK) -> date:
    """The first day of the month `back` months before today's."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


async def network_hours(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    by: Grouping,
    today: date | None = None,
    months: int = MONTHS,
) -> HoursReport:
    """Hours per sector or organisation, six months back to five ahead (staff only)."""
    if not principal.is_staff:
        raise Forbidden("only the programme manager or an admin may see the network's hours")
    start = first_month(today or date.today())
    stored = await store.hours_by_month(conn, first_month=start, months=months)
    rows = group_hours(
        (
            HoursInput(r.month, r.organisation_name, r.sector_name, r.offered, r.reserved, r.spent)
            for r in stored
        ),
        by,
    )
    return HoursReport(by=by, first_month=start, months=months, rows=rows, totals=totals(rows))
