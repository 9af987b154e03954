"""Review-page sign-in: an API key buys an 8-hour session; every form carries its CSRF token."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from matcher.errors import Forbidden
from matcher.records import Principal
from matcher.storage import keys as key_store
from matcher.usecases.keys import authenticate, hash_secret

SESSION_TTL = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in programme manager: the cookie token (only its hash is stored) and CSRF token."""

    token: str
    csrf_token: str
    principal: Principal


def new_token() -> str:
    """A random 256-bit token, URL-safe."""
    return secrets.token_urlsafe(32)


async def sign_in(conn: asyncpg.Connection, api_key: str) -> WebSession:
    """Start a session for a staff key; Unauthorized for a bad key, Forbidden for a member key."""
    principal = await authenticate(conn, api_key)
    if not principal.is_staff:
        raise Forbidden("the review page is for the programme manager")
    token = new_token()
    csrf_token = new_token()
    # Expired sessions are useless; clearing them at sign-in keeps the table small.
    await key_store.purge_expired_sessions(conn)
    await key_store.insert_session(
        conn,
        token_hash=hash_secret(token),
        key_id=principal.key_id,
        csrf_token=csrf_token,
        ttl=SESSION_TTL,
    )
    return WebSession(token=token, csrf_token=csrf_token, principal=principal)


async def resume(conn: asyncpg.Connection, token: str) -> WebSession | None:
    """The live session behind a cookie token, or None (expired, signed out, key revoked)."""
    if not token:
        return None
    found = await key_store.session_principal(conn, hash_secret(token))
    if found is None:
        return None
    principal, csrf_token = found
    if not principal.is_staff:
        return None
    return WebSession(token=token, csrf_token=csrf_token, principal=principal)


async def sign_out(conn: asyncpg.Connection, token: str) -> None:
    """End the session behind a cookie token (a no-op when there is none)."""
    if token:
        await key_store.delete_session(conn, hash_secret(token))


def check_csrf(expected: str, given: str | None) -> None:
    """Forbidden unless the form's token equals the session's (compared in constant time)."""
    if not given or not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("the form's CSRF token is missing or wrong", code="csrf_failed")
