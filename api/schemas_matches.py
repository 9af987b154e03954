"""Request and response bodies for matches, the review queue and introductions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AliasGenerator,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from api.schemas import Strict, TaskHours
from matcher.states import MatchAction, MatchState, RejectionReason, ReservationState

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class RejectIn(Strict):
    """Why a proposal is rejected; the re-ranker learns from it."""

    reason_code: RejectionReason
    note: Note | None = None


class NoteIn(Strict):
    """An optional note for the match's history."""

    note: Note | None = None


class IntroduceIn(Strict):
    """The introduction; without a text a Dutch one is written from the challenge and person."""

    introduction_text: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
        | None
    ) = None


class CompleteIn(Strict):
    """How the match ended: hours actually spent (booked) and a rating."""

    hours_spent: TaskHours
    outcome_rating: Annotated[int, Field(ge=1, le=5, strict=True)]


def _own_or_part_of(part: str) -> Callable[[str], AliasChoices]:
    """Read a field from the object itself, else from the record it holds under `part`."""

    def alias(name: str) -> AliasChoices:
        return AliasChoices(name, AliasPath(part, name))

    return alias


class TransitionOut(BaseModel):
    """One entry in a match's history."""

    model_config = ConfigDict(from_attributes=True)

    from_state: MatchState | None
    to_state: MatchState
    actor_key_id: int | None
    actor_role: str
    reason_code: RejectionReason | None
    note: str | None
    created_at: datetime


class ExplanationOut(BaseModel):
    """Why the matcher proposed this person."""

    lines: list[str]
    evidence: list[dict[str, Any]]


class MatchOut(BaseModel):
    """A match with capacity, explanation and history."""

    # Validates from a match view: what the view works out for the caller (email, capacity,
    # window, history) first, the stored record's fields otherwise.

    model_config = ConfigDict(
        from_attributes=True,
        alias_generator=AliasGenerator(validation_alias=_own_or_part_of("record")),
    )

    id: int
    state: MatchState
    actions: list[MatchAction] = Field(description="Actions that may start from this state")
    challenge_id: int
    challenge_title: str
    challenge_kind: str
    challenge_organisation_id: int
    challenge_organisation_name: str
    challenge_sector: str | None = Field(
        validation_alias=AliasPath("record", "challenge_sector_code")
    )
    challenge_sector_name: str | None
    person_id: int
    person_name: str
    person_role: str
    organisation_id: int
    organisation_name: str
    sector: str | None = Field(validation_alias=AliasPath("record", "sector_code"))
    sector_name: str | None
    # Never from the record: the view's email is None where the caller may not see it.
    email: str | None = Field(
        validation_alias="email",
        description="Staff and the person's organisation always; the challenge's organisation "
        "once the introduction is accepted",
    )
    rank: int
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    explanation: ExplanationOut
    model: str
    hours_needed: float | None
    window_starts_on: date | None
    window_ends_on: date | None
    capacity_hours: float = Field(description="Hours the person declared for the window")
    free_hours: float = Field(description="Of those, not yet held or booked")
    reserved_hours: float | None = Field(description="Hours held or booked for this match")
    reservation_state: ReservationState | None
    introduction_text: str | None
    hours_spent: float | None
    outcome_rating: int | None
    created_at: datetime | None
    updated_at: datetime | None = Field(
        description="When the match last changed; for a proposal, when it was computed"
    )
    stale: bool = Field(
        default=False,
        description="A proposal computed before the challenge or the person last changed",
    )
    history: list[TransitionOut]


class ChallengeMatchesOut(BaseModel):
    """A challenge's matches the caller may see."""

    challenge_id: int
    items: list[MatchOut]


class QueueItemOut(BaseModel):
    """An open challenge with the matches waiting for review."""

    # Validates from a queue item: its matches, and the challenge's fields.

    model_config = ConfigDict(
        from_attributes=True,
        alias_generator=AliasGenerator(validation_alias=_own_or_part_of("challenge")),
    )

    id: int
    title: str
    description: str
    kind: str
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    organisation_id: int
    organisation_name: str
    sector: str | None = Field(validation_alias=AliasPath("challenge", "sector_code"))
    sector_name: str | None
    created_at: datetime
    age_days: int
    matches: list[MatchOut]


class ReviewQueueOut(BaseModel):
    """The review queue, most urgent first."""

    items: list[QueueItemOut]
