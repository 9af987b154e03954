"""Request and response bodies for managing API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from api.schemas import Id, Strict
from matcher.records import Role


class KeyOut(BaseModel):
    """An API key as staff may see it: never its secret."""

    id: int
    prefix: str = Field(description="The public part of the key (nm_<prefix>_…)")
    role: Role
    organisation_id: int | None
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    revoked_at: datetime | None


class KeyIssuedOut(KeyOut):
    """A new key: the secret is shown this once."""

    key: str = Field(description="Send as 'Authorization: Bearer <key>'; it is not shown again")


class KeyIn(Strict):
    """A key to create."""

    role: Role
    organisation_id: Id | None = Field(default=None, description="Required for member keys")
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    expires_at: AwareDatetime | None = Field(default=None, description="Optional; must be ahead")


class KeyRotateIn(Strict):
    """Options for a rotation."""

    expires_at: AwareDatetime | None = Field(
        default=None, description="The new key's expiry; by default the old key's (if ahead)"
    )
