"""Reviewed SQL migrations and the small runner that applies them under a lock."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

from matcher.errors import MatcherError

_LOCK_KEY = 7_310_442_019  # any constant shared by every runner of this schema
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.up\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered migration with its up and down SQL."""

    version: int
    name: str
    up: str
    down: str

    @property
    def checksum(self) -> str:
        """Fingerprint of the up SQL; an applied migration must never change."""
        return hashlib.sha256(self.up.encode()).hexdigest()


def available_migrations() -> list[Migration]:
    """All migrations shipped in this package, in order."""
    folder = resources.files(__name__)
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        down_name = entry.name.replace(".up.sql", ".down.sql")
        found.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                up=entry.read_text(encoding="utf-8"),
                down=folder.joinpath(down_name).read_text(encoding="utf-8"),
            )
        )
    return sorted(found, key=lambda m: m.version)


async def _ensure_table(conn: asyncpg.Connection) -> None:
    await conn.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migration (
            version integer PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


async def applied_versions(conn: asyncpg.Connection) -> dict[int, str]:
    """Applied migration versions with their checksums."""
    await _ensure_table(conn)
    rows = await conn.fetch("SELECT version, checksum FROM schema_migration")
    return {int(r["version"]): str(r["checksum"]) for r in rows}


async def upgrade(conn: asyncpg.Connection, *, target: int | None = None) -> list[int]:
    """Apply pending migrations up to target (all by default); returns the versions applied."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        applied = await applied_versions(conn)
        done: list[int] = []
        for migration in available_migrations():
            if target is not None and migration.version > target:
                break
            if migration.version in applied:
                if applied[migration.version] != migration.checksum:
                    raise MatcherError(
                        f"migration {migration.version:04d}_{migration.name} was changed after "
                        "it was applied; add a new migration instead",
                        code="migration_checksum",
                    )
                continue
            async with conn.transaction():
                await conn.execute(migration.up)
                await conn.execute(
                    "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            done.append(migration.version)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def downgrade(conn: asyncpg.Connection, *, target: int) -> list[int]:
    """Revert applied migrations above target, newest first; returns the versions reverted."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        applied = await applied_versions(conn)
        undone: list[int] = []
        for migration in reversed(available_migrations()):
            if migration.version <= target or migration.version not in applied:
                continue
            async with conn.transaction():
                await conn.execute(migration.down)
                await conn.execute(
                    "DELETE FROM schema_migration WHERE version = $1", migration.version
                )
            undone.append(migration.version)
        return undone
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
