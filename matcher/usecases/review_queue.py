"""The review queue (open challenges with their matches) and the network overview, for staff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import asyncpg

from matcher.errors import InvalidInput
from matcher.match_lifecycle import parse_state, require_staff
from matcher.records import ChallengeKind, Principal
from matcher.records_matches import QueueChallenge, UnmatchedChallenge
from matcher.states import MatchState
from matcher.storage import matches as store
from matcher.storage import organisations as org_store
from matcher.storage import review_queue as queue_store
from matcher.usecases.match_views import MatchView, match_views


@dataclass(frozen=True, slots=True)
class QueueItem:
    """An open challenge in the review queue with its matches."""

    challenge: QueueChallenge
    matches: list[MatchView]


class SectorName(NamedTuple):
    """A sector code with its display name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class NetworkOverview:
    """Cross-sector links made and challenges still waiting."""

    sectors: list[SectorName]
    matrix: dict[tuple[str, str], int]
    unmatched: list[UnmatchedChallenge]

    @property
    def total(self) -> int:
        """Connected matches in the matrix."""
        return sum(self.matrix.values())

    @property
    def cross_sector(self) -> int:
        """Connected matches between different sectors."""
        return sum(n for (a, b), n in self.matrix.items() if a != b)


async def review_queue(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    sector: str | None = None,
    kind: str | None = None,
    status: str | None = MatchState.proposed,
    limit: int = 200,
) -> list[QueueItem]:
    """Open challenges with their matches in status (None: any), most urgent first.

    Urgency: the soonest needed_by first (none last), then the oldest challenge.
    sector filters on the challenge's organisation.
    """
    require_staff(principal, "see the review queue")
    state = parse_state(status, field="status") if status is not None else None
    if kind is not None and kind not in {k.value for k in ChallengeKind}:
        raise InvalidInput(f"unknown challenge kind {kind!r}", field="kind")
    challenges = await queue_store.queue_challenges(
        conn, sector_code=sector, kind=kind, state=state, limit=limit
    )
    matches = await store.matches_for_challenges(conn, [c.id for c in challenges], state=state)
    views = await match_views(conn, principal, matches)
    return queue_items(challenges, views)


def queue_items(
    challenges: Sequence[QueueChallenge], views: Sequence[MatchView]
) -> list[QueueItem]:
    """Queue cards: each challenge with its match views, in the challenges' order."""
    by_challenge: dict[int, list[MatchView]] = {c.id: [] for c in challenges}
    for view in views:
        by_challenge[view.record.challenge_id].append(view)
    return [QueueItem(challenge=c, matches=by_challenge[c.id]) for c in challenges]


async def network_overview(conn: asyncpg.Connection, principal: Principal) -> NetworkOverview:
    """Sector × sector counts of made connections, and open challenges still unmatched."""
    require_staff(principal, "see the network overview")
    sectors = [SectorName(s.code, s.name) for s in await org_store.list_sectors(conn)]
    matrix = {(a.code, b.code): 0 for a in sectors for b in sectors}
    for key, count in (await queue_store.sector_links(conn)).items():
        if key in matrix:
            matrix[key] = count
    unmatched = await queue_store.unmatched_challenges(conn)
    return NetworkOverview(sectors=sectors, matrix=matrix, unmatched=unmatched)
