"""Matches as a caller may see them: the stored record plus capacity, window, contact, history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from matcher.errors import NotFound
from matcher.match_lifecycle import allowed_actions, match_visible, shows_email, visible_history
from matcher.matching.capacity import (
    available_hours,
    challenge_window,
    free_hours,
    reserved_in_window,
)
from matcher.records import Principal
from matcher.records_matches import MatchRecord, Reservation, TransitionRecord
from matcher.states import MatchAction
from matcher.storage import capacity as capacity_store
from matcher.storage import challenges as challenge_store
from matcher.storage import matches as store
from matcher.usecases.members import require_own_challenge


@dataclass(frozen=True, slots=True)
class MatchView:
    """A match as a caller may see it: the stored record and what is worked out for the caller.

    Read contact details from `email` (None unless the rules allow them), never from the record.
    """

    record: MatchRecord
    email: str | None
    capacity_hours: float
    free_hours: float
    window_starts_on: date
    window_ends_on: date
    history: list[TransitionRecord]

    @property
    def actions(self) -> list[MatchAction]:
        """What may happen next, by anyone."""
        return allowed_actions(self.record.state)

    @property
    def explanation(self) -> dict[str, Any]:
        """The explanation lines and evidence (both always present)."""
        stored = self.record.explanation
        return {
            "lines": list(stored.get("lines", [])),
            "evidence": list(stored.get("evidence", [])),
        }


def _view(
    match: MatchRecord,
    principal: Principal,
    *,
    history: Sequence[TransitionRecord],
    reservations: Sequence[Reservation],
    today: date,
) -> MatchView:
    window = challenge_window(match.starts_on, match.needed_by, today=today)
    reserved = reserved_in_window([(r.hours, r.starts_on, r.ends_on) for r in reservations], window)
    capacity = available_hours(
        hours_per_month=match.capacity_hours_per_month,
        available_from=match.available_from,
        available_until=match.available_until,
        window=window,
    )
    free = free_hours(
        hours_per_month=match.capacity_hours_per_month,
        available_from=match.available_from,
        available_until=match.available_until,
        reserved=reserved,
        window=window,
    )
    return MatchView(
        record=match,
        email=match.email if shows_email(principal, match) else None,
        capacity_hours=round(capacity, 1),
        free_hours=round(free, 1),
        window_starts_on=window.starts_on,
        window_ends_on=window.ends_on,
        history=visible_history(history, principal),
    )


async def match_views(
    conn: asyncpg.Connection, principal: Principal, matches: Sequence[MatchRecord]
) -> list[MatchView]:
    """Views of stored matches the caller may see, with two more queries in all (histories,
    reservations)."""
    if not matches:
        return []
    histories = await store.transitions_for(conn, [m.id for m in matches])
    reservations = await capacity_store.active_reservations(
        conn, sorted({m.person_id for m in matches})
    )
    today = date.today()
    return [
        _view(
            m,
            principal,
            history=histories[m.id],
            reservations=reservations[m.person_id],
            today=today,
        )
        for m in matches
    ]


async def one_view(conn: asyncpg.Connection, principal: Principal, match_id: int) -> MatchView:
    """One stored match as this caller's view (the caller was checked already)."""
    match = await store.get_match(conn, match_id)
    return (await match_views(conn, principal, [match]))[0]


async def get_match(conn: asyncpg.Connection, principal: Principal, match_id: int) -> MatchView:
    """One match with its history; NotFound for members it does not concern (yet)."""
    match = await store.get_match(conn, match_id)
    if not match_visible(principal, match):
        raise NotFound(f"match {match_id} does not exist")
    return (await match_views(conn, principal, [match]))[0]


async def challenge_matches(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int
) -> list[MatchView]:
    """A challenge's matches: all for staff, approved-or-later for its own organisation."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action="sees its matches")
    matches = await store.matches_for_challenges(
        conn, [challenge_id], ever_approved=not principal.is_staff
    )
    return await match_views(conn, principal, matches)
