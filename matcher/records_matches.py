"""Records of matches: the stored match, its history, held hours, and the queue's challenges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from matcher.states import MatchState, RejectionReason, ReservationState


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A stored match with the challenge, person and organisations it joins."""

    id: int
    challenge_id: int
    challenge_title: str
    challenge_description: str
    challenge_kind: str
    challenge_status: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    challenge_organisation_id: int
    challenge_organisation_name: str
    challenge_sector_code: str | None
    challenge_sector_name: str | None
    person_id: int
    person_name: str
    person_role: str
    email: str
    capacity_hours_per_month: float
    available_from: date | None
    available_until: date | None
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    state: MatchState
    rank: int
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    explanation: dict[str, Any]
    model: str
    introduction_text: str | None
    hours_spent: float | None
    outcome_rating: int | None
    reserved_hours: float | None
    reservation_state: ReservationState | None
    was_approved: bool
    was_introduced: bool
    was_accepted: bool
    created_at: datetime
    updated_at: datetime
    stale: bool = False


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One recorded state change of a match."""

    id: int
    match_id: int
    from_state: MatchState | None
    to_state: MatchState
    actor_key_id: int | None
    actor_role: str
    reason_code: RejectionReason | None
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PersonCapacity:
    """What a person declared they can give."""

    person_id: int
    hours_per_month: float
    available_from: date | None
    available_until: date | None


@dataclass(frozen=True, slots=True)
class Reservation:
    """Hours held or booked for one match."""

    match_id: int
    person_id: int
    hours: float
    starts_on: date
    ends_on: date
    state: ReservationState


@dataclass(frozen=True, slots=True)
class QueueChallenge:
    """An open challenge as the review queue lists it."""

    id: int
    title: str
    description: str
    kind: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    created_at: datetime
    age_days: int


class UnmatchedChallenge(NamedTuple):
    """An open challenge that no approved-or-later match serves yet."""

    challenge_id: int
    title: str
    organisation_name: str
    age_days: int
