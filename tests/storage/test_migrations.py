"""Migrations apply under a lock, record checksums, and revert."""

from __future__ import annotations

import asyncpg
import pytest

from matcher import migrations
from matcher.errors import MatcherError


async def test_upgrade_is_idempotent_and_downgrade_reverts(conn: asyncpg.Connection) -> None:
    assert await migrations.upgrade(conn) == []
    latest = max(m.version for m in migrations.available_migrations())
    assert set(await migrations.applied_versions(conn)) == {
        m.version for m in migrations.available_migrations()
    }
    reverted = await migrations.downgrade(conn, target=0)
    assert reverted == sorted(reverted, reverse=True) and reverted[0] == latest
    assert await conn.fetchval("SELECT to_regclass('person')") is None
    assert await migrations.upgrade(conn) == [m.version for m in migrations.available_migrations()]
    assert await conn.fetchval("SELECT count(*) FROM sector") == 9


async def test_changed_migration_is_refused(conn: asyncpg.Connection) -> None:
    await conn.execute("UPDATE schema_migration SET checksum = 'tampered' WHERE version = 1")
    with pytest.raises(MatcherError, match="changed after it was applied"):
        await migrations.upgrade(conn)
