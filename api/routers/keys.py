"""API keys for staff: list, create, revoke, rotate."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from api.deps import Conn, IdPath, StaffPrincipal
from api.schemas_keys import KeyIn, KeyIssuedOut, KeyOut, KeyRotateIn
from matcher.storage.keys import KeyInfo
from matcher.usecases import keys

router = APIRouter(tags=["keys"])


def key_out(info: KeyInfo) -> KeyOut:
    """A key record as a response body."""
    return KeyOut(
        id=info.id,
        prefix=info.key_prefix,
        role=info.role,
        organisation_id=info.organisation_id,
        label=info.label,
        created_at=info.created_at,
        expires_at=info.expires_at,
        last_used_at=info.last_used_at,
        revoked_at=info.revoked_at,
    )


def _issued(info: KeyInfo, key: str) -> KeyIssuedOut:
    return KeyIssuedOut(**key_out(info).model_dump(), key=key)


@router.get("/keys", response_model=list[KeyOut])
async def list_keys(
    conn: Conn,
    principal: StaffPrincipal,
    include_revoked: bool = Query(default=False, description="Also list revoked keys"),
) -> list[KeyOut]:
    """Keys with role, organisation, expiry and last use (staff only)."""
    found = await keys.list_keys(conn, principal, include_revoked=include_revoked)
    return [key_out(k) for k in found]


@router.post("/keys", response_model=KeyIssuedOut, status_code=status.HTTP_201_CREATED)
async def create_key(body: KeyIn, conn: Conn, principal: StaffPrincipal) -> KeyIssuedOut:
    """Create a key; the response is the only time its secret is shown (staff only)."""
    info, key = await keys.issue_key(
        conn,
        principal,
        role=body.role,
        organisation_id=body.organisation_id,
        label=body.label,
        expires_at=body.expires_at,
    )
    return _issued(info, key)


@router.post("/keys/{key_id}/revoke", response_model=KeyOut)
async def revoke_key(key_id: IdPath, conn: Conn, principal: StaffPrincipal) -> KeyOut:
    """Revoke a key now; its review-page sessions end with it (staff only)."""
    return key_out(await keys.revoke_key(conn, principal, key_id))


@router.post(
    "/keys/{key_id}/rotate", response_model=KeyIssuedOut, status_code=status.HTTP_201_CREATED
)
async def rotate_key(
    key_id: IdPath, conn: Conn, principal: StaffPrincipal, body: KeyRotateIn | None = None
) -> KeyIssuedOut:
    """Replace a key by a new one with the same role and organisation; the old one is revoked."""
    info, key = await keys.rotate_key(
        conn, principal, key_id, expires_at=body.expires_at if body else None
    )
    return _issued(info, key)
