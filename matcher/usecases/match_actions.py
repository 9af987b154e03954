"""What people do to a match: approve (holding hours), reject, introduce, accept, decline,
complete (booking hours) and cancel; each locks the match and records the step in its history."""

from __future__ import annotations

from datetime import date

import asyncpg

from matcher.errors import Conflict, Forbidden, NotFound
from matcher.inputs import UNSET, Unset
from matcher.match_lifecycle import (
    INTRODUCTION_MAX,
    MEMBER_ACTIONS,
    check_note,
    check_outcome,
    check_role,
    match_visible,
    next_state,
    parse_reason,
)
from matcher.matching.capacity import Window, challenge_window, free_hours, reserved_in_window
from matcher.matching.introduction import default_introduction_text
from matcher.records import Principal
from matcher.records_matches import MatchRecord
from matcher.states import MatchAction, MatchState, RejectionReason, ReservationState
from matcher.storage import capacity as capacity_store
from matcher.storage import matches as store
from matcher.usecases import challenge_lifecycle as lifecycle
from matcher.usecases import introduction_mail, match_rules
from matcher.usecases.match_views import MatchView, one_view

# Float noise must not turn "exactly enough hours" into a refusal.
_EPSILON = 1e-6


async def _locked(
    conn: asyncpg.Connection, principal: Principal, match_id: int, action: MatchAction
) -> MatchRecord:
    """Check the caller's role, lock the match row and load it."""
    check_role(principal, action)
    await match_rules.lock_person_first(conn, match_id)
    await store.lock_match(conn, match_id)
    match = await store.get_match(conn, match_id)
    if action in MEMBER_ACTIONS:
        if not match_visible(principal, match):
            raise NotFound(f"match {match_id} does not exist")
        if principal.organisation_id != match.organisation_id:
            raise Forbidden("only the person's organisation answers an introduction")
    return match


async def _move(
    conn: asyncpg.Connection,
    principal: Principal,
    match: MatchRecord,
    target: MatchState,
    *,
    reason_code: RejectionReason | None = None,
    note: str | None = None,
    introduction_text: str | Unset = UNSET,
    hours_spent: float | Unset = UNSET,
    outcome_rating: int | Unset = UNSET,
) -> None:
    await store.set_state(
        conn,
        match.id,
        target,
        introduction_text=introduction_text,
        hours_spent=hours_spent,
        outcome_rating=outcome_rating,
    )
    await store.insert_transition(
        conn,
        match.id,
        from_state=match.state,
        to_state=target,
        actor_key_id=principal.key_id,
        actor_role=principal.role.value,
        reason_code=reason_code,
        note=note,
    )


async def _reserve(
    conn: asyncpg.Connection,
    match: MatchRecord,
    hours: float,
    window: Window,
    state: ReservationState,
) -> None:
    """Hold (approve) or book (complete) the match's hours for the challenge's window."""
    await capacity_store.set_reservation(
        conn,
        match_id=match.id,
        person_id=match.person_id,
        hours=hours,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        state=state,
    )


async def approve_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """Approve a proposal and hold the challenge's hours; approving twice changes nothing."""
    note = check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.approve)
    if match.state is MatchState.approved:
        return await one_view(conn, principal, match_id)
    target = next_state(match, MatchAction.approve)
    await match_rules.ensure_may_proceed(conn, match.id)
    window = challenge_window(match.starts_on, match.needed_by, today=date.today())
    needed = match.hours_needed or 0.0
    # The lock comes first; the reservations are read by a later statement, so under READ
    # COMMITTED they include every approval that held this lock before us.
    person = await capacity_store.lock_person_capacity(conn, match.person_id)
    held = (await capacity_store.active_reservations(conn, [match.person_id]))[match.person_id]
    free = free_hours(
        hours_per_month=person.hours_per_month,
        available_from=person.available_from,
        available_until=person.available_until,
        reserved=reserved_in_window([(r.hours, r.starts_on, r.ends_on) for r in held], window),
        window=window,
    )
    if needed > free + _EPSILON:
        raise Conflict(
            f"{match.person_name} has {free:.1f} free hours between {window.starts_on} and "
            f"{window.ends_on}; the challenge needs {needed:.1f}",
            code="insufficient_capacity",
        )
    await _reserve(conn, match, needed, window, ReservationState.held)
    await _move(conn, principal, match, target, note=note)
    return await one_view(conn, principal, match_id)


async def reject_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    reason_code: str,
    note: str | None = None,
) -> MatchView:
    """Reject a proposal with a reason (the re-ranker learns from it)."""
    check_role(principal, MatchAction.reject)
    reason = parse_reason(reason_code)
    note = check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.reject)
    target = next_state(match, MatchAction.reject)
    await capacity_store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, reason_code=reason, note=note)
    return await one_view(conn, principal, match_id)


async def introduce_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    introduction_text: str | None = None,
) -> MatchView:
    """Introduce the person to the challenge; without a text, a Dutch one is written."""
    check_role(principal, MatchAction.introduce)
    text = check_note(introduction_text, field="introduction_text", limit=INTRODUCTION_MAX)
    match = await _locked(conn, principal, match_id, MatchAction.introduce)
    target = next_state(match, MatchAction.introduce)
    await match_rules.ensure_may_proceed(conn, match.id)
    if text is None:
        text = default_introduction_text(match)
    await _move(conn, principal, match, target, introduction_text=text)
    await introduction_mail.enqueue_introduction_mails(conn, match_id)
    return await one_view(conn, principal, match_id)


async def _answer(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    action: MatchAction,
    note: str | None,
) -> MatchView:
    check_role(principal, action)
    note = check_note(note)
    match = await _locked(conn, principal, match_id, action)
    target = next_state(match, action)
    if target is MatchState.declined:
        await capacity_store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, note=note)
    if target is MatchState.accepted:
        await lifecycle.after_accept(conn, match.challenge_id)
    await introduction_mail.enqueue_answer_mail(conn, match_id, target)
    return await one_view(conn, principal, match_id)


async def accept_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """The person's organisation accepts the introduction (contact details are then shared)."""
    return await _answer(conn, principal, match_id, MatchAction.accept, note)


async def decline_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """The person's organisation declines the introduction; the held hours are released."""
    return await _answer(conn, principal, match_id, MatchAction.decline, note)


async def complete_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    hours_spent: float,
    outcome_rating: int,
) -> MatchView:
    """Close an accepted match with the hours actually spent (booked) and a rating."""
    check_role(principal, MatchAction.complete)
    check_outcome(hours_spent, outcome_rating)
    match = await _locked(conn, principal, match_id, MatchAction.complete)
    target = next_state(match, MatchAction.complete)
    window = challenge_window(match.starts_on, match.needed_by, today=date.today())
    await _reserve(conn, match, hours_spent, window, ReservationState.booked)
    await _move(
        conn, principal, match, target, hours_spent=hours_spent, outcome_rating=outcome_rating
    )
    await lifecycle.after_complete(conn, match.challenge_id)
    return await one_view(conn, principal, match_id)


async def cancel_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """Cancel an approved or accepted match; the held hours are released."""
    check_role(principal, MatchAction.cancel)
    note = check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.cancel)
    target = next_state(match, MatchAction.cancel)
    await capacity_store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, note=note)
    return await one_view(conn, principal, match_id)
