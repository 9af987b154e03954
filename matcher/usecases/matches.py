"""Matches: proposals from suggestions, the review state machine, capacity, the network view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

import asyncpg
import numpy as np

from matcher.dates import long_date
from matcher.errors import Conflict, Forbidden, InvalidInput, NotFound
from matcher.matching.capacity import (
    available_hours,
    challenge_window,
    free_hours,
    reserved_in_window,
)
from matcher.records import Challenge, ChallengeKind, ChallengeStatus, Principal
from matcher.states import MatchAction, MatchState, RejectionReason, ReservationState
from matcher.storage import challenges as challenge_store
from matcher.storage import matches as store
from matcher.storage import organisations as org_store
from matcher.storage.matches import (
    MatchRecord,
    ProposalInput,
    QueueChallenge,
    Reservation,
    TransitionRecord,
    UnmatchedChallenge,
)
from matcher.usecases import challenge_lifecycle as lifecycle
from matcher.usecases import introduction_mail, match_rules
from matcher.usecases.embedding import ChallengeHook
from matcher.usecases.members import require_own_challenge
from matcher.usecases.suggestions import SuggestionOptions, query_for_challenge, suggest_for_query

NOTE_MAX = 2000
INTRODUCTION_MAX = 5000
HOURS_SPENT_MAX = 10000.0
# Who the history names for proposals the matcher made on its own.
MATCHER_ROLE = "matcher"
# Float noise must not turn "exactly enough hours" into a refusal.
_EPSILON = 1e-6

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[MatchAction, tuple[tuple[MatchState, ...], MatchState]] = {
    MatchAction.approve: ((MatchState.proposed,), MatchState.approved),
    MatchAction.reject: ((MatchState.proposed,), MatchState.rejected),
    MatchAction.introduce: ((MatchState.approved,), MatchState.introduced),
    MatchAction.accept: ((MatchState.introduced,), MatchState.accepted),
    MatchAction.decline: ((MatchState.introduced,), MatchState.declined),
    MatchAction.complete: ((MatchState.accepted,), MatchState.completed),
    MatchAction.cancel: ((MatchState.approved, MatchState.accepted), MatchState.cancelled),
}
# The person's organisation answers an introduction; staff do everything else.
MEMBER_ACTIONS = frozenset({MatchAction.accept, MatchAction.decline})


def parse_state(value: str, *, field: str) -> MatchState:
    """A match state named by a caller; InvalidInput for an unknown word."""
    try:
        return MatchState(value)
    except ValueError:
        raise InvalidInput(f"unknown match state {value!r}", field=field) from None


def parse_reason(value: str) -> RejectionReason:
    """A rejection reason named by a caller; InvalidInput for an unknown word."""
    try:
        return RejectionReason(value)
    except ValueError:
        raise InvalidInput(
            f"reason_code must be one of {', '.join(RejectionReason)}", field="reason_code"
        ) from None


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


def allowed_actions(state: MatchState) -> list[MatchAction]:
    """Actions that may start from this state."""
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


# Proposals


async def challenge_due_for_proposals(
    conn: asyncpg.Connection, challenge_id: int, *, model_id: str
) -> tuple[Challenge, np.ndarray] | None:
    """Lock a challenge for its proposals and return it with its vector, or None if none are due.

    None when another worker holds it, when it is no longer open (its untouched proposals are
    removed then), or when its text changed again (or another model embedded it): its next
    vector proposes.
    """
    if not await store.lock_challenge_for_proposals(conn, challenge_id):
        return None
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    if challenge.status is not ChallengeStatus.open:
        await store.replace_proposals(
            conn, challenge_id, [], model=model_id, actor_role=MATCHER_ROLE
        )
        return None
    vector = await challenge_store.challenge_vector(conn, challenge_id, model_id)
    if vector is None:
        return None
    return challenge, vector


async def propose_matches(
    conn: asyncpg.Connection,
    challenge_ids: list[int],
    *,
    model_id: str,
    today: date,
    top: int = 10,
) -> int:
    """Store each challenge's top suggestions as proposed matches; returns how many were stored.

    Proposals nobody acted on are replaced; matches in any other state stay, and their people
    are not proposed again for that challenge.
    """
    stored = 0
    for challenge_id in dict.fromkeys(challenge_ids):
        due = await challenge_due_for_proposals(conn, challenge_id, model_id=model_id)
        if due is None:
            continue
        challenge, vector = due
        query = await query_for_challenge(conn, challenge)
        acted = await store.acted_person_ids(conn, challenge_id)
        # The same pipeline as the suggestions endpoint (re-ranker included), with room for
        # the people who already have an acted-on match and are left out.
        suggestions = await suggest_for_query(
            conn,
            query,
            vector,
            model_id=model_id,
            today=today,
            options=SuggestionOptions(top=top + len(acted)),
        )
        suggestions = [s for s in suggestions if s.person_id not in acted][:top]
        proposals = [
            ProposalInput(
                person_id=s.person_id,
                rank=position,
                score=s.score,
                score_parts=s.score_parts,
                features=s.features,
                explanation={"lines": s.explanation_lines, "evidence": s.evidence},
            )
            for position, s in enumerate(suggestions, start=1)
        ]
        stored += await store.replace_proposals(
            conn, challenge_id, proposals, model=model_id, actor_role=MATCHER_ROLE
        )
    return stored


def make_proposal_hook(model_id: str, *, top: int = 10) -> ChallengeHook:
    """The embedding worker's hook: freshly embedded challenges get their proposals.

    Errors propagate: the caller's transaction (which clears the challenge's proposal mark)
    rolls back and the challenge is retried.
    """

    async def hook(conn: asyncpg.Connection, challenge_ids: list[int]) -> None:
        await propose_matches(conn, challenge_ids, model_id=model_id, today=date.today(), top=top)

    return hook


# Visibility


def _require_staff(principal: Principal, action: str) -> None:
    if not principal.is_staff:
        raise Forbidden(f"only the programme manager or an admin may {action}")


def match_visible(principal: Principal, match: MatchRecord) -> bool:
    """Staff see every match; the challenge's organisation once approved; the person's once introduced."""
    if principal.is_staff:
        return True
    org = principal.organisation_id
    if org == match.challenge_organisation_id and match.was_approved:
        return True
    return org == match.organisation_id and match.was_introduced


def _shows_email(principal: Principal, match: MatchRecord) -> bool:
    """Contact details reach the other member only after the introduction was accepted."""
    if principal.is_staff or principal.organisation_id == match.organisation_id:
        return True
    return principal.organisation_id == match.challenge_organisation_id and match.was_accepted


def _history(
    transitions: Sequence[TransitionRecord], principal: Principal
) -> list[TransitionRecord]:
    if principal.is_staff:
        return list(transitions)
    # Key ids identify staff credentials: members see the role, not the key.
    return [replace(t, actor_key_id=None) for t in transitions]


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
        email=match.email if _shows_email(principal, match) else None,
        capacity_hours=round(capacity, 1),
        free_hours=round(free, 1),
        window_starts_on=window.starts_on,
        window_ends_on=window.ends_on,
        history=_history(history, principal),
    )


async def _views(
    conn: asyncpg.Connection, principal: Principal, matches: Sequence[MatchRecord]
) -> list[MatchView]:
    """Views of many matches with two more queries in all (histories, reservations)."""
    if not matches:
        return []
    histories = await store.transitions_for(conn, [m.id for m in matches])
    reservations = await store.active_reservations(conn, sorted({m.person_id for m in matches}))
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


async def match_views(
    conn: asyncpg.Connection, principal: Principal, records: Sequence[MatchRecord]
) -> list[MatchView]:
    """Views of stored matches for a caller who may see them all (staff pages)."""
    return await _views(conn, principal, records)


async def _one_view(conn: asyncpg.Connection, principal: Principal, match_id: int) -> MatchView:
    match = await store.get_match(conn, match_id)
    return (await _views(conn, principal, [match]))[0]


# Reading


async def get_match(conn: asyncpg.Connection, principal: Principal, match_id: int) -> MatchView:
    """One match with its history; NotFound for members it does not concern (yet)."""
    match = await store.get_match(conn, match_id)
    if not match_visible(principal, match):
        raise NotFound(f"match {match_id} does not exist")
    return (await _views(conn, principal, [match]))[0]


async def challenge_matches(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int
) -> list[MatchView]:
    """A challenge's matches: all for staff, approved-or-later for its own organisation."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action="sees its matches")
    matches = await store.matches_for_challenges(
        conn, [challenge_id], ever_approved=not principal.is_staff
    )
    return await _views(conn, principal, matches)


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
    _require_staff(principal, "see the review queue")
    state = parse_state(status, field="status") if status is not None else None
    if kind is not None and kind not in {k.value for k in ChallengeKind}:
        raise InvalidInput(f"unknown challenge kind {kind!r}", field="kind")
    challenges = await store.queue_challenges(
        conn, sector_code=sector, kind=kind, state=state, limit=limit
    )
    matches = await store.matches_for_challenges(conn, [c.id for c in challenges], state=state)
    views = await _views(conn, principal, matches)
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
    _require_staff(principal, "see the network overview")
    sectors = [SectorName(s.code, s.name) for s in await org_store.list_sectors(conn)]
    matrix = {(a.code, b.code): 0 for a in sectors for b in sectors}
    for key, count in (await store.sector_links(conn)).items():
        if key in matrix:
            matrix[key] = count
    unmatched = await store.unmatched_challenges(conn)
    return NetworkOverview(sectors=sectors, matrix=matrix, unmatched=unmatched)


# Transitions


def _check_note(note: str | None, *, field: str = "note", limit: int = NOTE_MAX) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return note or None


def _check_role(principal: Principal, action: MatchAction) -> None:
    if action in MEMBER_ACTIONS:
        if principal.is_staff:
            raise Forbidden("only the person's organisation answers an introduction")
    else:
        _require_staff(principal, f"{action} matches")


async def _locked(
    conn: asyncpg.Connection, principal: Principal, match_id: int, action: MatchAction
) -> MatchRecord:
    """Check the caller's role, lock the match row and load it."""
    _check_role(principal, action)
    await match_rules.lock_person_first(conn, match_id)
    await store.lock_match(conn, match_id)
    match = await store.get_match(conn, match_id)
    if action in MEMBER_ACTIONS:
        if not match_visible(principal, match):
            raise NotFound(f"match {match_id} does not exist")
        if principal.organisation_id != match.organisation_id:
            raise Forbidden("only the person's organisation answers an introduction")
    return match


def _check_transition(match: MatchRecord, action: MatchAction) -> MatchState:
    sources, target = TRANSITIONS[action]
    if match.state not in sources:
        raise Conflict(
            f"match {match.id} is '{match.state}'; cannot {action}", code="invalid_transition"
        )
    return target


async def _move(
    conn: asyncpg.Connection,
    principal: Principal,
    match: MatchRecord,
    target: MatchState,
    *,
    reason_code: RejectionReason | None = None,
    note: str | None = None,
    **fields: Any,
) -> None:
    await store.set_state(conn, match.id, target, **fields)
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


async def approve_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """Approve a proposal and hold the challenge's hours; approving twice changes nothing."""
    note = _check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.approve)
    if match.state is MatchState.approved:
        return await _one_view(conn, principal, match_id)
    target = _check_transition(match, MatchAction.approve)
    await match_rules.ensure_may_proceed(conn, match.id)
    window = challenge_window(match.starts_on, match.needed_by, today=date.today())
    needed = match.hours_needed or 0.0
    # The lock comes first; the reservations are read by a later statement, so under READ
    # COMMITTED they include every approval that held this lock before us.
    person = await store.lock_person_capacity(conn, match.person_id)
    held = (await store.active_reservations(conn, [match.person_id]))[match.person_id]
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
    await store.set_reservation(
        conn,
        match_id=match.id,
        person_id=match.person_id,
        hours=needed,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        state=ReservationState.held,
    )
    await _move(conn, principal, match, target, note=note)
    return await _one_view(conn, principal, match_id)


async def reject_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    reason_code: str,
    note: str | None = None,
) -> MatchView:
    """Reject a proposal with a reason (the re-ranker learns from it)."""
    _check_role(principal, MatchAction.reject)
    reason = parse_reason(reason_code)
    note = _check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.reject)
    target = _check_transition(match, MatchAction.reject)
    await store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, reason_code=reason, note=note)
    return await _one_view(conn, principal, match_id)


async def introduce_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    introduction_text: str | None = None,
) -> MatchView:
    """Introduce the person to the challenge; without a text, a Dutch one is written."""
    _check_role(principal, MatchAction.introduce)
    text = _check_note(introduction_text, field="introduction_text", limit=INTRODUCTION_MAX)
    match = await _locked(conn, principal, match_id, MatchAction.introduce)
    target = _check_transition(match, MatchAction.introduce)
    await match_rules.ensure_may_proceed(conn, match.id)
    if text is None:
        text = default_introduction_text(match)
    await _move(conn, principal, match, target, introduction_text=text)
    await introduction_mail.enqueue_introduction_mails(conn, match_id)
    return await _one_view(conn, principal, match_id)


async def _answer(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    action: MatchAction,
    note: str | None,
) -> MatchView:
    _check_role(principal, action)
    note = _check_note(note)
    match = await _locked(conn, principal, match_id, action)
    target = _check_transition(match, action)
    if target is MatchState.declined:
        await store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, note=note)
    if target is MatchState.accepted:
        await lifecycle.after_accept(conn, match.challenge_id)
    await introduction_mail.enqueue_answer_mail(conn, match_id, target)
    return await _one_view(conn, principal, match_id)


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
    _check_role(principal, MatchAction.complete)
    if not 0 <= hours_spent <= HOURS_SPENT_MAX:
        raise InvalidInput(
            f"hours_spent must be between 0 and {HOURS_SPENT_MAX:.0f}", field="hours_spent"
        )
    if isinstance(outcome_rating, bool) or outcome_rating not in range(1, 6):
        raise InvalidInput("outcome_rating must be 1 to 5", field="outcome_rating")
    match = await _locked(conn, principal, match_id, MatchAction.complete)
    target = _check_transition(match, MatchAction.complete)
    window = challenge_window(match.starts_on, match.needed_by, today=date.today())
    await store.set_reservation(
        conn,
        match_id=match.id,
        person_id=match.person_id,
        hours=hours_spent,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        state=ReservationState.booked,
    )
    await _move(
        conn, principal, match, target, hours_spent=hours_spent, outcome_rating=outcome_rating
    )
    await lifecycle.after_complete(conn, match.challenge_id)
    return await _one_view(conn, principal, match_id)


async def cancel_match(
    conn: asyncpg.Connection, principal: Principal, match_id: int, *, note: str | None = None
) -> MatchView:
    """Cancel an approved or accepted match; the held hours are released."""
    _check_role(principal, MatchAction.cancel)
    note = _check_note(note)
    match = await _locked(conn, principal, match_id, MatchAction.cancel)
    target = _check_transition(match, MatchAction.cancel)
    await store.release_hours(conn, match.id)
    await _move(conn, principal, match, target, note=note)
    return await _one_view(conn, principal, match_id)


# Introduction text


def _hours(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}".replace(".", ",")


def default_introduction_text(match: MatchRecord) -> str:
    """A Dutch introduction from the challenge, the person and the evidence."""
    asker = match.challenge_organisation_name or "Een van onze leden"
    role = (
        f"{match.person_role} bij {match.organisation_name}"
        if match.person_role
        else (f"medewerker van {match.organisation_name}")
    )
    titles = [
        str(e.get("title") or "").strip()
        for e in match.explanation.get("evidence") or []
        if str(e.get("title") or "").strip()
    ][:2]
    evidence = ""
    if titles:
        evidence = ", onder meer met " + " en ".join(f"«{t}»" for t in titles)
    paragraphs = [
        f"Beste {match.person_name},",
        f"{asker} zoekt via het netwerk van de vereniging hulp bij de vraag "
        f"«{match.challenge_title}». Op basis van je ervaring als {role}{evidence}, "
        "denken wij dat jij hierbij goed kunt helpen.",
    ]
    if match.challenge_description:
        excerpt = match.challenge_description.strip()
        if len(excerpt) > 400:
            excerpt = excerpt[:400].rsplit(" ", 1)[0] + " …"
        paragraphs.append(f"De vraag in het kort: {excerpt}")
    planning: list[str] = []
    if match.hours_needed:
        planning.append(f"het gaat om ongeveer {_hours(match.hours_needed)} uur")
    if match.needed_by is not None:
        planning.append(f"graag vóór {long_date(match.needed_by)}")
    if planning:
        sentence = ", ".join(planning)
        paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
    paragraphs.append(
        f"Wij stellen jullie graag aan elkaar voor. Laat je via {match.organisation_name} weten "
        "of je op deze introductie ingaat? Zodra je dat bevestigt, delen wij je "
        f"contactgegevens met {asker}."
    )
    paragraphs.append("Met vriendelijke groet,\nHet programmabureau")
    return "\n\n".join(paragraphs)
