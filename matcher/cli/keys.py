"""`matcher keys`: API keys."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

import asyncpg
import typer

from matcher.cli.common import connection, err, fail, run, settings, upgrade, url
from matcher.errors import NotFound
from matcher.records import Role

app = typer.Typer(help="API keys.", no_args_is_help=True)
T = TypeVar("T")


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
    expires_days: Annotated[
        int | None, typer.Option(min=1, help="The key expires after this many days")
    ] = None,
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
                return await create_key(
                    conn,
                    role=role,
                    organisation_id=org_id,
                    label=label,
                    expires_at=_expiry(expires_days),
                )

    key = run(go)
    sys.stdout.write(key + "\n")


def _key_ref(ref: str) -> int | str:
    # Prefixes are 12 hex characters; ids are shorter numbers.
    return int(ref) if ref.isdigit() and len(ref) < 12 else ref


def _expiry(days: int | None) -> datetime | None:
    return None if days is None else datetime.now(UTC) + timedelta(days=days)


async def _in_transaction(
    database_url: str, work: Callable[[asyncpg.Connection], Awaitable[T]]
) -> T:
    await upgrade(database_url)
    async with connection(database_url) as conn, conn.transaction():
        return await work(conn)


@app.command("list")
def keys_list(
    all_keys: Annotated[bool, typer.Option("--all", help="Include revoked keys")] = False,
) -> None:
    """List keys, tab-separated: id, prefix, role, organisation, label, expiry, last use."""
    from matcher.usecases.keys import list_keys

    database_url = url(settings())
    found = run(
        lambda: _in_transaction(
            database_url, lambda c: list_keys(c, None, include_revoked=all_keys)
        )
    )

    def when(moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M") if moment is not None else "-"

    lines = [("id", "prefix", "role", "org", "label", "expires", "last_used", "revoked")]
    for k in found:
        lines.append(
            (
                str(k.id),
                k.key_prefix,
                k.role.value,
                str(k.organisation_id or "-"),
                k.label or "-",
                when(k.expires_at),
                when(k.last_used_at),
                when(k.revoked_at),
            )
        )
    sys.stdout.write("".join("\t".join(line) + "\n" for line in lines))


@app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="Key id or prefix (the part after nm_)")],
) -> None:
    """Revoke a key now; its review-page sessions end with it."""
    from matcher.usecases.keys import revoke_key

    database_url = url(settings())
    info = run(lambda: _in_transaction(database_url, lambda c: revoke_key(c, None, _key_ref(key))))
    err.print(f"key {info.id} ({info.key_prefix}) revoked")


@app.command("rotate")
def keys_rotate(
    key: Annotated[str, typer.Argument(help="Key id or prefix (the part after nm_)")],
    expires_days: Annotated[
        int | None, typer.Option(min=1, help="The new key expires after this many days")
    ] = None,
) -> None:
    """Replace a key by a new one (same role and organisation); prints the new key alone."""
    from matcher.usecases.keys import rotate_key

    database_url = url(settings())
    info, new_key = run(
        lambda: _in_transaction(
            database_url,
            lambda c: rotate_key(c, None, _key_ref(key), expires_at=_expiry(expires_days)),
        )
    )
    err.print(f"key {info.id} ({info.key_prefix}) replaces {key}, which is revoked")
    sys.stdout.write(new_key + "\n")
