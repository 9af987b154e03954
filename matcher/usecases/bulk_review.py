"""Bulk review: reject what is left of a challenge with one reason, approve several at once.

Each match still goes through its own race-safe transition (row lock, capacity check) inside
its own savepoint: one that can no longer be approved or rejected is reported, not fatal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

import asyncpg

from matcher.errors import Forbidden, InvalidInput, MatcherError
from matcher.match_lifecycle import parse_reason
from matcher.records import Principal
from matcher.states import MatchState
from matcher.storage import challenge_lifecycle as lifecycle_store
from matcher.storage import challenges as challenge_store
from matcher.usecases.match_actions import approve_match, reject_match
from matcher.usecases.match_views import MatchView

BULK_MAX = 200


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What happened to one match of a bulk action."""

    match_id: int
    ok: bool
    state: MatchState | None
    code: str | None = None
    detail: str | None = None


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("only the programme manager or an admin may review matches")


async def _one(
    conn: asyncpg.Connection, match_id: int, action: Callable[[], Awaitable[MatchView]]
) -> BulkOutcome:
    try:
        async with conn.transaction():
            view = await action()
    except MatcherError as exc:
        return BulkOutcome(match_id, False, None, exc.code, exc.message)
    return BulkOutcome(match_id, True, view.record.state)


async def approve_many(
    conn: asyncpg.Connection, principal: Principal, match_ids: Sequence[int]
) -> list[BulkOutcome]:
    """Approve each match in turn; each holds its hours or reports why it could not."""
    _require_staff(principal)
    ids = list(dict.fromkeys(match_ids))
    if not ids or len(ids) > BULK_MAX:
        raise InvalidInput(f"give 1 to {BULK_MAX} match ids", field="match_ids")
    out = []
    for mid in ids:
        out.append(await _one(conn, mid, partial(approve_match, conn, principal, mid)))
    return out


async def reject_remaining(
    conn: asyncpg.Connection,
    principal: Principal,
    challenge_id: int,
    *,
    reason_code: str,
    note: str | None = None,
) -> list[BulkOutcome]:
    """Reject every untouched proposal of a challenge with one reason."""
    _require_staff(principal)
    reason = parse_reason(reason_code)
    await challenge_store.get_challenge(conn, challenge_id)
    out = []
    for mid in await lifecycle_store.proposed_match_ids(conn, challenge_id):
        out.append(
            await _one(
                conn,
                mid,
                partial(reject_match, conn, principal, mid, reason_code=reason, note=note),
            )
        )
    return out
