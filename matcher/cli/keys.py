"""`matcher keys`: API keys."""

from __future__ import annotations

import sys
from typing import Annotated

import asyncpg
import typer

from matcher.cli.common import connection, fail, run, settings, upgrade, url
from matcher.errors import NotFound
from matcher.records import Role

app = typer.Typer(help="API keys.", no_args_is_help=True)


async def resolve_organisation(conn: asyncpg.Connection, org: str) -> int:
    """An organisation id from an id, key or name; NotFound otherwise."""
    from matcher.storage.organisations import organisation_id_by_key_or_name

    if org.isdigit():
        return int(org)
    value = await organisation_id_by_key_or_name(conn, org)
    if value is None:
        raise NotFound(f"no organisation with id, key or name {org!r}")
    return value


@app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="member, programme_manager or admin")],
    org: Annotated[
        str | None, typer.Option(help="Organisation id, key or name (required for members)")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on what the key is for")] = "",
) -> None:
    """Create an API key; it is printed once, alone on stdout."""
    if role is Role.member and org is None:
        fail("--org is required for a member key")
    database_url = url(settings())

    async def go() -> str:
        from matcher.usecases.keys import create_key

        await upgrade(database_url)
        async with connection(database_url) as conn:
            org_id = await resolve_organisation(conn, org) if org is not None else None
            async with conn.transaction():
                return await create_key(conn, role=role, organisation_id=org_id, label=label)

    key = run(go)
    sys.stdout.write(key + "\n")
