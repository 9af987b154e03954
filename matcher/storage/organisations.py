"""Organisations and sectors."""

from __future__ import annotations

from dataclasses import fields

import asyncpg

from matcher.errors import AlreadyExists, InvalidInput, NotFound
from matcher.inputs import OrganisationChanges, changed_fields
from matcher.records import Organisation, Page, Sector
from matcher.storage.sql import id_by_ref, record, rows_affected, set_clause

_ORGANISATION_FIELDS = tuple(f.name for f in fields(OrganisationChanges))

_SELECT = """
    SELECT o.id, o.name, o.sector_code, s.name AS sector_name, o.province, o.contact_email,
           o.external_ref, o.created_at, o.updated_at
    FROM organisation o LEFT JOIN sector s ON s.code = o.sector_code
"""


def _record(row: asyncpg.Record) -> Organisation:
    return record(Organisation, row)


async def list_sectors(conn: asyncpg.Connection) -> list[Sector]:
    """All sectors, by name."""
    rows = await conn.fetch("SELECT code, name FROM sector ORDER BY name")
    return [Sector(code=r["code"], name=r["name"]) for r in rows]


async def ensure_sector(conn: asyncpg.Connection, *, code: str, name: str) -> str:
    """The code of the sector with this name, adding it under code if it is not there."""
    existing = await conn.fetchval("SELECT code FROM sector WHERE name = $1", name)
    if existing is not None:
        return str(existing)
    await conn.execute(
        "INSERT INTO sector (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", code, name
    )
    return code


async def get_organisation(conn: asyncpg.Connection, organisation_id: int) -> Organisation:
    """One organisation or NotFound."""
    row = await conn.fetchrow(_SELECT + " WHERE o.id = $1", organisation_id)
    if row is None:
        raise NotFound(f"organisation {organisation_id} does not exist")
    return _record(row)


async def lock_organisation(conn: asyncpg.Connection, organisation_id: int) -> None:
    """Hold the organisation (FOR KEY SHARE) while rows referring to it are added, or NotFound.

    A concurrent delete either finished first (the row is gone: NotFound) or waits for us.
    """
    found = await conn.fetchval(
        "SELECT id FROM organisation WHERE id = $1 FOR KEY SHARE", organisation_id
    )
    if found is None:
        raise NotFound(f"organisation {organisation_id} does not exist")


async def list_organisations(
    conn: asyncpg.Connection, *, limit: int, offset: int, sector_code: str | None = None
) -> Page[Organisation]:
    """A page of organisations by name."""
    rows = await conn.fetch(
        _SELECT
        + " WHERE ($1::text IS NULL OR o.sector_code = $1) ORDER BY o.name LIMIT $2 OFFSET $3",
        sector_code,
        limit,
        offset,
    )
    total = await conn.fetchval(
        "SELECT count(*) FROM organisation WHERE ($1::text IS NULL OR sector_code = $1)",
        sector_code,
    )
    return Page(items=[_record(r) for r in rows], total=int(total), limit=limit, offset=offset)


def _translate(exc: Exception, name: str) -> Exception:
    if isinstance(exc, asyncpg.UniqueViolationError):
        if "external_ref" in str(exc):
            return AlreadyExists("an organisation with this external reference exists")
        return AlreadyExists(f"an organisation named {name!r} exists")
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return InvalidInput("unknown sector", field="sector")
    return exc


async def create_organisation(
    conn: asyncpg.Connection,
    *,
    name: str,
    sector_code: str | None,
    province: str | None,
    contact_email: str,
    external_ref: str | None = None,
) -> Organisation:
    """Insert an organisation (the API requires sector and province; datasets may not)."""
    try:
        async with conn.transaction():
            org_id = await conn.fetchval(
                """
                INSERT INTO organisation (name, sector_code, province, contact_email, external_ref)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """,
                name,
                sector_code,
                province,
                contact_email,
                external_ref,
            )
    except (asyncpg.UniqueViolationError, asyncpg.ForeignKeyViolationError) as exc:
        raise _translate(exc, name) from exc
    return await get_organisation(conn, int(org_id))


async def update_organisation(
    conn: asyncpg.Connection, organisation_id: int, changes: OrganisationChanges
) -> Organisation:
    """Change the given columns (name, sector_code, province, contact_email)."""
    sets = set_clause(changed_fields(changes), columns=_ORGANISATION_FIELDS, first=2)
    if sets:
        try:
            async with conn.transaction():
                status = await conn.execute(
                    f"UPDATE organisation SET {sets.sql}, updated_at = now() WHERE id = $1",
                    organisation_id,
                    *sets.args,
                )
        except (asyncpg.UniqueViolationError, asyncpg.ForeignKeyViolationError) as exc:
            name = changes.name if isinstance(changes.name, str) else ""
            raise _translate(exc, name) from exc
        if rows_affected(status) == 0:
            raise NotFound(f"organisation {organisation_id} does not exist")
    return await get_organisation(conn, organisation_id)


async def delete_organisation(conn: asyncpg.Connection, organisation_id: int) -> None:
    """Delete an organisation with its people, challenges and keys."""
    status = await conn.execute("DELETE FROM organisation WHERE id = $1", organisation_id)
    if rows_affected(status) == 0:
        raise NotFound(f"organisation {organisation_id} does not exist")


async def organisation_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The id of the organisation with this external reference."""
    return await id_by_ref(conn, "organisation", external_ref)


async def organisation_id_by_key_or_name(conn: asyncpg.Connection, key_or_name: str) -> int | None:
    """The organisation whose external reference, or name in any case, is this."""
    value = await conn.fetchval(
        "SELECT id FROM organisation WHERE external_ref = $1 OR lower(name) = lower($1)",
        key_or_name,
    )
    return int(value) if value is not None else None


async def busiest_loaded_municipality(conn: asyncpg.Connection) -> int | None:
    """Among loaded (external) organisations: a municipality-sector one with most challenges."""
    value = await conn.fetchval(
        "SELECT o.id FROM organisation o WHERE o.external_ref IS NOT NULL "
        "ORDER BY (o.sector_code = 'overheden') DESC, "
        "(SELECT count(*) FROM challenge c WHERE c.organisation_id = o.id) DESC, "
        "o.name LIMIT 1"
    )
    return int(value) if value is not None else None
