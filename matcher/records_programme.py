"""Records of the association's own programme: events, invitations, networks, projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What kind of gathering the association holds."""

    theme_event = "theme_event"
    lunch_session = "lunch_session"
    network_meeting = "network_meeting"
    sector_meeting = "sector_meeting"


class EventState(StrEnum):
    """Where an event is: planned → speakers_invited → programme_confirmed → held, or cancelled."""

    planned = "planned"
    speakers_invited = "speakers_invited"
    programme_confirmed = "programme_confirmed"
    held = "held"
    cancelled = "cancelled"


class InvitationState(StrEnum):
    """A speaker invitation: invited → accepted | declined; accepted → held; or cancelled."""

    invited = "invited"
    accepted = "accepted"
    declined = "declined"
    held = "held"
    cancelled = "cancelled"


class ProjectState(StrEnum):
    """A joint project: proposed → running → completed, or cancelled."""

    proposed = "proposed"
    running = "running"
    completed = "completed"
    cancelled = "cancelled"


CLOSED_PROJECT_STATES = (ProjectState.completed, ProjectState.cancelled)
"""Project states after which nothing about the project changes any more."""


ON_STAGE = (InvitationState.invited, InvitationState.accepted, InvitationState.held)
"""Invitation states that count for rotation: booked, confirmed or done."""


@dataclass(frozen=True, slots=True)
class Event:
    """One of the association's events."""

    id: int
    kind: EventKind
    theme: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online: bool
    speaker_slots: int
    state: EventState
    series_date: date | None
    sector_code: str | None
    network_id: int | None
    external_ref: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def text(self) -> str:
        """Theme and description: what speakers are matched against."""
        return f"{self.theme.strip()}. {self.description.strip()}".strip(". ")


@dataclass(frozen=True, slots=True)
class Invitation:
    """A person asked to speak at an event."""

    id: int
    event_id: int
    person_id: int
    person_name: str
    person_email: str
    organisation_id: int
    organisation_name: str
    sector_code: str | None
    state: InvitationState
    topic: str
    score: float | None
    note: str | None
    document_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EventProgramme:
    """An event with the invitations the caller may see."""

    event: Event
    invitations: list[Invitation]
