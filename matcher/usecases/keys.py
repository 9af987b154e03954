"""API keys: random, shown once, stored as a hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import asyncpg

from matcher.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from matcher.records import Principal, Role
from matcher.storage import keys as key_store
from matcher.storage import organisations as org_store
from matcher.storage.keys import KeyInfo

KEY_TAG = "nm"


def hash_secret(secret: str) -> bytes:
    """SHA-256 of a key's secret part (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).digest()


def split_key(key: str) -> tuple[str, str]:
    """A key is nm_<prefix>_<secret>; returns (prefix, secret) or raises Unauthorized."""
    parts = key.strip().split("_")
    if len(parts) != 3 or parts[0] != KEY_TAG or not parts[1] or not parts[2]:
        raise Unauthorized("the API key is malformed")
    return parts[1], parts[2]


async def create_key(
    conn: asyncpg.Connection,
    *,
    role: Role,
    organisation_id: int | None,
    label: str = "",
    expires_at: datetime | None = None,
) -> str:
    """Create a key and return it; it cannot be shown again."""
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at must be in the future", field="expires_at")
    if role is Role.member and organisation_id is None:
        raise InvalidInput("a member key needs an organisation", field="org")
    if organisation_id is not None:
        await org_store.get_organisation(conn, organisation_id)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32).replace("_", "-")
    await key_store.insert_key(
        conn,
        key_prefix=prefix,
        key_hash=hash_secret(secret),
        role=role,
        organisation_id=organisation_id,
        label=label,
        expires_at=expires_at,
    )
    return f"{KEY_TAG}_{prefix}_{secret}"


async def authenticate(conn: asyncpg.Connection, key: str) -> Principal:
    """The principal behind a key, or Unauthorized."""
    prefix, secret = split_key(key)
    found = await key_store.key_by_prefix(conn, prefix)
    candidate = hash_secret(secret)
    if found is None:
        hmac.compare_digest(candidate, candidate)  # same work whether or not the prefix exists
        raise Unauthorized("unknown or revoked API key")
    principal, stored = found
    if not hmac.compare_digest(candidate, stored):
        raise Unauthorized("unknown or revoked API key")
    await key_store.touch_key(conn, principal.key_id)
    return principal


# Managing keys (the CLI, and staff through the API)


def _may_manage(principal: Principal | None, role: Role) -> None:
    """Only an admin (or the CLI, principal None) manages admin keys; members manage none."""
    if principal is None:
        return
    if not principal.is_staff:
        raise Forbidden("only the programme manager or an admin may manage keys")
    if role is Role.admin and principal.role is not Role.admin:
        raise Forbidden("only an admin may manage admin keys")


async def list_keys(
    conn: asyncpg.Connection, principal: Principal | None, *, include_revoked: bool = False
) -> list[KeyInfo]:
    """Keys with their role, organisation, expiry and last use (never a secret)."""
    _may_manage(principal, Role.member)
    return await key_store.list_keys(conn, include_revoked=include_revoked)


async def issue_key(
    conn: asyncpg.Connection,
    principal: Principal | None,
    *,
    role: Role,
    organisation_id: int | None,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[KeyInfo, str]:
    """Create a key for someone else (staff, or the CLI); returns its record and the key."""
    _may_manage(principal, role)
    key = await create_key(
        conn, role=role, organisation_id=organisation_id, label=label, expires_at=expires_at
    )
    info = await key_store.find_key(conn, split_key(key)[0])
    assert info is not None
    return info, key


async def _live_key(conn: asyncpg.Connection, ref: int | str) -> KeyInfo:
    info = await key_store.find_key(conn, ref)
    if info is None:
        raise NotFound(f"key {ref} does not exist")
    return info


async def revoke_key(
    conn: asyncpg.Connection, principal: Principal | None, ref: int | str
) -> KeyInfo:
    """Revoke a key by id or prefix; its review-page sessions end with it."""
    info = await _live_key(conn, ref)
    _may_manage(principal, info.role)
    await key_store.revoke_key(conn, info.id)
    return await _live_key(conn, info.id)


async def rotate_key(
    conn: asyncpg.Connection,
    principal: Principal | None,
    ref: int | str,
    *,
    expires_at: datetime | None = None,
) -> tuple[KeyInfo, str]:
    """Replace a live key with a new one (same role, organisation, label); the old is revoked."""
    info = await _live_key(conn, ref)
    _may_manage(principal, info.role)
    if info.revoked_at is not None:
        raise Conflict(f"key {info.id} is revoked; create a new one", code="key_revoked")
    await key_store.revoke_key(conn, info.id)
    return await issue_key(
        conn,
        principal,
        role=info.role,
        organisation_id=info.organisation_id,
        label=info.label,
        expires_at=expires_at if expires_at is not None else _still_ahead(info.expires_at),
    )


def _still_ahead(moment: datetime | None) -> datetime | None:
    return moment if moment is not None and moment > datetime.now(UTC) else None
