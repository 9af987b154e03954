"""Request and response bodies of the association's programme: events, invitations, speakers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, StringConstraints

from api.schemas import Id, SectorCode, Strict, SuggestionOut
from matcher.records_programme import EventKind, EventState, InvitationState

Theme = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Slots = Annotated[int, Field(ge=1, le=20, description="Speaker slots (1–20)")]


def _plausible(moment: datetime) -> datetime:
    # Far-off years would overflow date arithmetic later (a 500): refuse them here.
    if not 2000 <= moment.year <= 2100:
        raise ValueError("the year must lie between 2000 and 2100")
    return moment


Moment = Annotated[
    datetime,
    AfterValidator(_plausible),
    Field(description="ISO 8601; without a time zone it is Dutch local time"),
]


class EventIn(Strict):
    """A new event."""

    kind: EventKind
    theme: Theme
    description: LongText = ""
    starts_at: Moment
    ends_at: Moment | None = Field(default=None, description="Default: two hours after the start")
    place: Place = ""
    online: bool = False
    speaker_slots: Slots = 1
    sector: SectorCode | None = Field(default=None, description="Required for a sector meeting")
    network_id: Id | None = None


class EventPatch(Strict):
    """Changes to an event; moving it keeps it in its series."""

    theme: Theme | None = None
    description: LongText | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    place: Place | None = None
    online: bool | None = None
    speaker_slots: Slots | None = None


class InvitationIn(Strict):
    """Invite a person to speak."""

    person_id: Id
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class AnswerIn(Strict):
    """An optional note with an answer to an invitation."""

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class HeldIn(Strict):
    """Who spoke; default: every speaker who accepted."""

    speaker_person_ids: list[Id] | None = Field(default=None, max_length=20)


class InvitationOut(BaseModel):
    """A speaker invitation."""

    id: int
    event_id: int
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    sector: str | None
    state: InvitationState
    topic: str
    score: float | None
    note: str | None
    track_record_document_id: int | None
    email: str | None = Field(default=None, description="Staff and the speaker's organisation")
    created_at: datetime
    updated_at: datetime


class EventOut(BaseModel):
    """An event with the part of its programme the caller may see."""

    id: int
    kind: EventKind
    theme: str
    description: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    day: date
    place: str
    online: bool
    speaker_slots: int
    state: EventState
    series_date: date | None = Field(description="The third Thursday a theme event belongs to")
    sector: str | None
    network_id: int | None
    invitations: list[InvitationOut]


class SpeakerSuggestionOut(SuggestionOut):
    """A suggested speaker with the rotation state."""

    proposed: bool = Field(description="In the proposed set (rotation and sector mix applied)")
    resting: bool = Field(description="Spoke (or is booked) within the rest period")
    organisation_resting: bool = Field(
        description="The organisation is on stage at the previous or next theme event"
    )


class LunchOrganisationOut(BaseModel):
    """An organisation suggested to present at a lunch session."""

    organisation_id: int
    organisation_name: str
    sector_name: str | None
    strength: float
    people: list[SuggestionOut]


class SpeakerSuggestionsOut(BaseModel):
    """Speaker suggestions for an event, the proposed set first."""

    event_id: int
    open_slots: int
    model: str
    notes: list[str]
    items: list[SpeakerSuggestionOut]
    organisations: list[LunchOrganisationOut]


class CalendarOut(BaseModel):
    """The theme events a calendar run created."""

    created: list[EventOut]
