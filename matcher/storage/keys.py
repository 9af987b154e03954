"""API keys and review-page sessions (only hashes are stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from matcher.records import Principal, Role
from matcher.storage.sql import record, rows_affected


async def insert_key(
    conn: asyncpg.Connection,
    *,
    key_prefix: str,
    key_hash: bytes,
    role: Role,
    organisation_id: int | None,
    label: str,
    expires_at: datetime | None = None,
) -> int:
    """Store a new key's prefix and hash."""
    value = await conn.fetchval(
        "INSERT INTO api_key (key_prefix, key_hash, role, organisation_id, label, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        key_prefix,
        key_hash,
        role.value,
        organisation_id,
        label,
        expires_at,
    )
    return int(value)


async def key_by_prefix(
    conn: asyncpg.Connection, key_prefix: str
) -> tuple[Principal, bytes] | None:
    """The live key with this prefix and its stored hash."""
    row = await conn.fetchrow(
        "SELECT id, role, organisation_id, key_hash FROM api_key "
        "WHERE key_prefix = $1 AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now())",
        key_prefix,
    )
    if row is None:
        return None
    principal = Principal(
        key_id=row["id"], role=Role(row["role"]), organisation_id=row["organisation_id"]
    )
    return principal, bytes(row["key_hash"])


async def revoke_keys_labelled(conn: asyncpg.Connection, label: str) -> int:
    """Revoke every live key with this label; returns how many."""
    status = await conn.execute(
        "UPDATE api_key SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL", label
    )
    return rows_affected(status)


async def insert_session(
    conn: asyncpg.Connection, *, token_hash: bytes, key_id: int, csrf_token: str, ttl: timedelta
) -> None:
    """Store a review-page session."""
    await conn.execute(
        "INSERT INTO web_session (token_hash, api_key_id, csrf_token, expires_at) "
        "VALUES ($1, $2, $3, now() + $4)",
        token_hash,
        key_id,
        csrf_token,
        ttl,
    )


async def session_principal(
    conn: asyncpg.Connection, token_hash: bytes
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session."""
    row = await conn.fetchrow(
        """
        SELECT k.id, k.role, k.organisation_id, s.csrf_token
        FROM web_session s JOIN api_key k ON k.id = s.api_key_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > now())
        """,
        token_hash,
    )
    if row is None:
        return None
    principal = Principal(
        key_id=row["id"], role=Role(row["role"]), organisation_id=row["organisation_id"]
    )
    return principal, str(row["csrf_token"])


async def purge_expired_sessions(conn: asyncpg.Connection) -> int:
    """Remove sessions past their expiry; returns how many."""
    status = await conn.execute("DELETE FROM web_session WHERE expires_at <= now()")
    return rows_affected(status)


async def delete_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    """End a session."""
    await conn.execute("DELETE FROM web_session WHERE token_hash = $1", token_hash)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key: never its secret or hash."""

    id: int
    key_prefix: str
    role: Role
    organisation_id: int | None
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


_KEY_COLUMNS = (
    "id, key_prefix, role, organisation_id, label, created_at, expires_at, last_used_at, revoked_at"
)


def _key_info(row: asyncpg.Record) -> KeyInfo:
    return record(KeyInfo, row, role=Role(row["role"]))


async def list_keys(conn: asyncpg.Connection, *, include_revoked: bool) -> list[KeyInfo]:
    """Keys, newest first; revoked ones only when asked."""
    rows = await conn.fetch(
        f"SELECT {_KEY_COLUMNS} FROM api_key WHERE $1 OR revoked_at IS NULL ORDER BY id DESC",
        include_revoked,
    )
    return [_key_info(r) for r in rows]


async def find_key(conn: asyncpg.Connection, ref: int | str) -> KeyInfo | None:
    """A key by id or by its public prefix."""
    if isinstance(ref, int):
        row = await conn.fetchrow(f"SELECT {_KEY_COLUMNS} FROM api_key WHERE id = $1", ref)
    else:
        row = await conn.fetchrow(f"SELECT {_KEY_COLUMNS} FROM api_key WHERE key_prefix = $1", ref)
    return _key_info(row) if row is not None else None


async def revoke_key(conn: asyncpg.Connection, key_id: int) -> None:
    """Revoke one key (a no-op when it already is)."""
    await conn.execute(
        "UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", key_id
    )


async def touch_key(conn: asyncpg.Connection, key_id: int) -> None:
    """Note that a key was used; at most once a minute, and never waiting for another request."""
    await conn.execute(
        """
        UPDATE api_key SET last_used_at = now()
        WHERE id = (SELECT id FROM api_key
                    WHERE id = $1
                      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                    FOR UPDATE SKIP LOCKED)
        """,
        key_id,
    )
