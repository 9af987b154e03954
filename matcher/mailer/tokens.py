"""Signed tokens for links in mail: no API key needed, nothing to forge, optionally expiring."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime


class BadToken(ValueError):
    """The token is malformed, forged, for another purpose or expired."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    purpose: str
    subject: str
    expires_at: int | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:24])


def sign(secret: bytes, *, purpose: str, subject: str, expires_at: datetime | None = None) -> str:
    """A URL-safe token binding purpose and subject, valid until expires_at (None: always)."""
    claims = {"p": purpose, "s": subject, "e": int(expires_at.timestamp()) if expires_at else None}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def verify(secret: bytes, token: str, *, purpose: str, now: datetime) -> TokenClaims:
    """The token's claims, or BadToken."""
    payload, _, mac = token.partition(".")
    if not payload or not mac or len(token) > 600:
        raise BadToken("malformed token")
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise BadToken("signature does not match")
    try:
        raw = json.loads(_unb64(payload))
        claims = TokenClaims(purpose=str(raw["p"]), subject=str(raw["s"]), expires_at=raw["e"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadToken("malformed token") from exc
    if claims.purpose != purpose:
        raise BadToken("token is for something else")
    if claims.expires_at is not None and now.timestamp() > claims.expires_at:
        raise BadToken("token expired")
    return claims
