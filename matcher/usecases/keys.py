"""API keys: random, shown once, stored as a hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import asyncpg

from matcher.errors import InvalidInput, Unauthorized
from matcher.records import Principal, Role
from matcher.storage import keys as key_store
from matcher.storage import organisations as org_store

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
    conn: asyncpg.Connection, *, role: Role, organisation_id: int | None, label: str = ""
) -> str:
    """Create a key and return it; it cannot be shown again."""
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
    return principal
