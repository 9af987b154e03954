"""API keys and review-page sessions (only hashes are stored)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from matcher.records import Principal, Role


async def insert_key(
    conn: asyncpg.Connection,
    *,
    key_prefix: str,
    key_hash: bytes,
    role: Role,
    organisation_id: int | None,
    label: str,
) -> int:
    """Store a new key's prefix and hash."""
    value = await conn.fetchval(
        "INSERT INTO api_key (key_prefix, key_hash, role, organisation_id, label) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        key_prefix,
        key_hash,
        role.value,
        organisation_id,
        label,
    )
    return int(value)


async def key_by_prefix(
    conn: asyncpg.Connection, key_prefix: str
) -> tuple[Principal, bytes] | None:
    """The live key with this prefix and its stored hash."""
    row = await conn.fetchrow(
        "SELECT id, role, organisation_id, key_hash FROM api_key "
        "WHERE key_prefix = $1 AND revoked_at IS NULL",
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
    return int(status.split()[-1])


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
    return int(status.split()[-1])


async def delete_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    """End a session."""
    await conn.execute("DELETE FROM web_session WHERE token_hash = $1", token_hash)
