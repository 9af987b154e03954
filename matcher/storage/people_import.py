"""Look-ups the spreadsheet import needs: people by e-mail, organisations by key or name."""

from __future__ import annotations

import asyncpg


async def person_ids_by_email(
    conn: asyncpg.Connection, emails: list[str]
) -> dict[str, tuple[int, int]]:
    """e-mail (lower case) -> (person id, organisation id) for people who have one of them."""
    rows = await conn.fetch(
        "SELECT lower(email) AS email, id, organisation_id FROM person "
        "WHERE lower(email) = ANY($1::text[]) ORDER BY id",
        emails,
    )
    out: dict[str, tuple[int, int]] = {}
    for r in rows:
        out.setdefault(r["email"], (int(r["id"]), int(r["organisation_id"])))
    return out


async def organisation_names(conn: asyncpg.Connection) -> dict[int, str]:
    """Every organisation's name by id."""
    rows = await conn.fetch("SELECT id, name FROM organisation")
    return {int(r["id"]): r["name"] for r in rows}
