"""Request and response bodies for closing challenges and bulk review actions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.deps import MAX_ID
from api.schemas import Strict

CloseReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]


class CloseIn(Strict):
    """Why the programme manager closes a challenge."""

    reason: CloseReason


class ChallengeStatusOut(BaseModel):
    """A challenge's status after an action."""

    challenge_id: int
    status: str


class ApproveManyIn(Strict):
    """Matches to approve, each on its own (each holds its hours or fails alone)."""

    match_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=200)
    ]


class BulkOutcomeOut(BaseModel):
    """What happened to one match."""

    match_id: int
    ok: bool
    state: str | None
    code: str | None = None
    detail: str | None = None


class BulkOut(BaseModel):
    """Per-match outcomes of a bulk action."""

    items: list[BulkOutcomeOut]
    succeeded: int
    failed: int
