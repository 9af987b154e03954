"""The rules of a match's life, without a database: transitions, who acts, who sees what.

The use-cases (usecases.match_actions, usecases.match_views) apply these rules to stored
matches; everything here takes plain records and is tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from matcher.errors import Conflict, Forbidden, InvalidInput
from matcher.records import Principal
from matcher.records_matches import MatchRecord, TransitionRecord
from matcher.states import MatchAction, MatchState, RejectionReason

NOTE_MAX = 2000
INTRODUCTION_MAX = 5000
HOURS_SPENT_MAX = 10000.0

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


def allowed_actions(state: MatchState) -> list[MatchAction]:
    """Actions that may start from this state."""
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


def match_visible(principal: Principal, match: MatchRecord) -> bool:
    """Staff see every match; the challenge's organisation once approved; the person's once introduced."""
    if principal.is_staff:
        return True
    org = principal.organisation_id
    if org == match.challenge_organisation_id and match.was_approved:
        return True
    return org == match.organisation_id and match.was_introduced


def shows_email(principal: Principal, match: MatchRecord) -> bool:
    """Contact details reach the other member only after the introduction was accepted."""
    if principal.is_staff or principal.organisation_id == match.organisation_id:
        return True
    return principal.organisation_id == match.challenge_organisation_id and match.was_accepted


def visible_history(
    transitions: Sequence[TransitionRecord], principal: Principal
) -> list[TransitionRecord]:
    """A match's history as the caller may read it."""
    if principal.is_staff:
        return list(transitions)
    # Key ids identify staff credentials: members see the role, not the key.
    return [replace(t, actor_key_id=None) for t in transitions]


def check_note(note: str | None, *, field: str = "note", limit: int = NOTE_MAX) -> str | None:
    """A note stripped (None when empty); InvalidInput when longer than limit."""
    if note is None:
        return None
    note = note.strip()
    if len(note) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return note or None


def next_state(match: MatchRecord, action: MatchAction) -> MatchState:
    """The state action leads this match to; Conflict when it may not start from its state."""
    sources, target = TRANSITIONS[action]
    if match.state not in sources:
        raise Conflict(
            f"match {match.id} is '{match.state}'; cannot {action}", code="invalid_transition"
        )
    return target


def require_staff(principal: Principal, action: str) -> None:
    """Forbidden unless the caller is the programme manager or an admin."""
    if not principal.is_staff:
        raise Forbidden(f"only the programme manager or an admin may {action}")


def check_role(principal: Principal, action: MatchAction) -> None:
    """Forbidden unless the caller's role may take this action at all."""
    if action in MEMBER_ACTIONS:
        if principal.is_staff:
            raise Forbidden("only the person's organisation answers an introduction")
    else:
        require_staff(principal, f"{action} matches")


def check_outcome(hours_spent: float, outcome_rating: int) -> None:
    """InvalidInput unless the hours spent and the 1-5 rating are plausible."""
    if not 0 <= hours_spent <= HOURS_SPENT_MAX:
        raise InvalidInput(
            f"hours_spent must be between 0 and {HOURS_SPENT_MAX:.0f}", field="hours_spent"
        )
    if isinstance(outcome_rating, bool) or outcome_rating not in range(1, 6):
        raise InvalidInput("outcome_rating must be 1 to 5", field="outcome_rating")
