"""Rules that keep stored matches honest after the world changed.

Approval and introduction recheck consent, declared conflicts and the challenge's state;
withdrawing consent, declaring a conflict or closing a challenge withdraws the open matches
it concerns (closing a challenge only its proposals): proposals nobody acted on are removed, approved and introduced matches are
cancelled (held hours released) with the cause and its author in the match's history.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from matcher.errors import Conflict
from matcher.records import ChallengeStatus, Principal
from matcher.states import OPEN_STATES, MatchState, RejectionReason
from matcher.storage import capacity as capacity_store
from matcher.storage import match_rules as rules_store
from matcher.storage import matches as match_store


async def lock_person_first(conn: asyncpg.Connection, match_id: int) -> None:
    """Hold the match's person before the match itself: the lock order erasure uses."""
    await rules_store.lock_match_person(conn, match_id)


async def ensure_may_proceed(conn: asyncpg.Connection, match_id: int) -> None:
    """Conflict when the person withdrew consent, declared a conflict, or the challenge is not open."""
    found = await rules_store.eligibility(conn, match_id)
    if not found.consent:
        raise Conflict(
            f"match {match_id}: the person no longer consents to being suggested",
            code="consent_withdrawn",
        )
    if found.conflicted:
        raise Conflict(
            f"match {match_id}: the person declared a conflict with the challenge's organisation",
            code="conflict_declared",
        )
    if found.challenge_status != "open":
        raise Conflict(
            f"match {match_id}: the challenge is {found.challenge_status}",
            code="challenge_not_open",
        )


async def _withdraw(
    conn: asyncpg.Connection,
    principal: Principal,
    matches: Sequence[tuple[int, MatchState]],
    *,
    reason_code: RejectionReason,
    note: str,
) -> int:
    # Proposals nobody acted on go, as a new round of proposals would drop them (the person
    # may be proposed again later); matches someone acted on are cancelled, with history.
    await rules_store.delete_proposals(
        conn, [m for m, state in matches if state is MatchState.proposed]
    )
    for match_id, state in matches:
        if state is MatchState.proposed:
            continue
        await capacity_store.release_hours(conn, match_id)
        await match_store.set_state(conn, match_id, MatchState.cancelled)
        await match_store.insert_transition(
            conn,
            match_id,
            from_state=state,
            to_state=MatchState.cancelled,
            actor_key_id=principal.key_id,
            actor_role=principal.role.value,
            reason_code=reason_code,
            note=note,
        )
    return len(matches)


async def consent_withdrawn(conn: asyncpg.Connection, principal: Principal, person_id: int) -> int:
    """Withdraw the person's open matches; returns how many."""
    found = await rules_store.lock_open_matches(conn, states=OPEN_STATES, person_id=person_id)
    return await _withdraw(
        conn, principal, found, reason_code=RejectionReason.other, note="Toestemming ingetrokken"
    )


async def conflicts_declared(
    conn: asyncpg.Connection, principal: Principal, person_id: int, organisation_ids: Sequence[int]
) -> int:
    """Withdraw the person's open matches on these organisations' challenges; returns how many."""
    if not organisation_ids:
        return 0
    found = await rules_store.lock_open_matches(
        conn,
        states=OPEN_STATES,
        person_id=person_id,
        challenge_organisation_ids=organisation_ids,
    )
    return await _withdraw(
        conn, principal, found, reason_code=RejectionReason.conflict, note="Belangenconflict gemeld"
    )


async def challenge_closed(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int, status: ChallengeStatus
) -> int:
    """A withdrawn challenge withdraws all its open matches; a closed one (served) only its
    unacted proposals. Returns how many."""
    states = OPEN_STATES if status is ChallengeStatus.withdrawn else (MatchState.proposed,)
    found = await rules_store.lock_open_matches(conn, states=states, challenge_id=challenge_id)
    note = "Vraag ingetrokken" if status is ChallengeStatus.withdrawn else "Vraag gesloten"
    return await _withdraw(conn, principal, found, reason_code=RejectionReason.other, note=note)
