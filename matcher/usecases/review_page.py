"""The review page's queue: ten challenges a page, their best proposals, search and sort."""

from __future__ import annotations

import math
from dataclasses import dataclass

import asyncpg

from matcher.errors import Forbidden, InvalidInput
from matcher.match_lifecycle import parse_state
from matcher.records import ChallengeKind, Principal
from matcher.states import MatchState
from matcher.storage import matches as match_store
from matcher.storage import review_queue as store
from matcher.usecases.match_views import match_views
from matcher.usecases.review_queue import QueueItem, queue_items

SORTS = tuple(store.SORTS)
SEARCH_MAX = 200


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One page of the queue; per challenge the shown proposals and how many it has in all."""

    items: list[QueueItem]
    match_counts: dict[int, int]
    total: int
    page: int
    pages: int
    per_page: int


async def review_page(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    sector: str | None = None,
    kind: str | None = None,
    status: str | None = MatchState.proposed,
    search: str | None = None,
    sort: str = "urgency",
    page: int = 1,
    per_page: int = 10,
    top: int = 3,
    expand: int | None = None,
) -> ReviewPage:
    """A page of open challenges with their top proposals (all of them for `expand`)."""
    if not principal.is_staff:
        raise Forbidden("only the programme manager or an admin may see the review queue")
    state = parse_state(status, field="status") if status is not None else None
    if kind is not None and kind not in {k.value for k in ChallengeKind}:
        raise InvalidInput(f"unknown challenge kind {kind!r}", field="kind")
    if sort not in store.SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}", field="sort")
    search = (search or "").strip()[:SEARCH_MAX] or None
    page = max(page, 1)

    async def fetch(number: int) -> store.QueuePage:
        return await store.queue_page(
            conn,
            sector_code=sector,
            kind=kind,
            state=state,
            search=search,
            sort=sort,
            limit=per_page,
            offset=(number - 1) * per_page,
        )

    found = await fetch(page)
    if not found.challenges and page > 1:
        # A page past the end (the queue emptied meanwhile): show the last one instead.
        found = await fetch(1)
        page = max(math.ceil(found.total / per_page), 1)
        if page > 1:
            found = await fetch(page)
    challenges = found.challenges
    records = await match_store.matches_for_challenges(
        conn, [c.id for c in challenges], state=state
    )
    counts: dict[int, int] = {c.id: 0 for c in challenges}
    shown = []
    for r in records:
        counts[r.challenge_id] += 1
        if r.challenge_id == expand or counts[r.challenge_id] <= top:
            shown.append(r)
    views = await match_views(conn, principal, shown)
    items = queue_items(challenges, views)
    return ReviewPage(
        items=items,
        match_counts=counts,
        total=found.total,
        page=page,
        pages=max(math.ceil(found.total / per_page), 1),
        per_page=per_page,
    )
