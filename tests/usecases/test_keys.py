"""Keys are random, shown once, stored as a hash."""

from __future__ import annotations

import asyncpg
import pytest

from matcher.errors import InvalidInput, Unauthorized
from matcher.records import Role
from matcher.usecases.keys import authenticate, create_key


async def test_key_is_stored_only_as_hash_and_authenticates(conn: asyncpg.Connection) -> None:
    key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    prefix, secret = key.split("_")[1:]
    row = await conn.fetchrow("SELECT key_prefix, key_hash FROM api_key")
    assert row["key_prefix"] == prefix
    assert secret.encode() not in bytes(row["key_hash"])
    principal = await authenticate(conn, key)
    assert principal.role is Role.programme_manager
    with pytest.raises(Unauthorized):
        await authenticate(conn, key[:-1] + ("A" if key[-1] != "A" else "B"))
    with pytest.raises(Unauthorized):
        await authenticate(conn, "garbage")
    other = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    assert other != key


async def test_member_key_needs_an_existing_organisation(conn: asyncpg.Connection) -> None:
    with pytest.raises(InvalidInput):
        await create_key(conn, role=Role.member, organisation_id=None)
    from matcher.errors import NotFound

    with pytest.raises(NotFound):
        await create_key(conn, role=Role.member, organisation_id=424242)


async def test_revoked_key_is_refused(conn: asyncpg.Connection) -> None:
    key = await create_key(conn, role=Role.admin, organisation_id=None)
    await conn.execute("UPDATE api_key SET revoked_at = now()")
    with pytest.raises(Unauthorized):
        await authenticate(conn, key)
