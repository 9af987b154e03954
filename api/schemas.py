"""Request and response bodies: the OpenAPI contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema

from matcher.records import ChallengeKind, ChallengeStatus, EmbeddingStatus

T = TypeVar("T")

Province = Literal["Friesland", "Groningen", "Drenthe", "elders"]
SectorCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]
"""An id in a body: a JSON integer, never "12" or true."""
StrictFlag = Annotated[bool, Field(strict=True)]
"""true or false, never "yes", 1 or "true"."""
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


# Hours in a body are JSON numbers, never "12" or true.
MonthlyHours = Annotated[float, Field(ge=0, le=744, strict=True)]
TaskHours = Annotated[float, Field(ge=0, le=10000, strict=True)]


def _date_text(value: Any) -> Any:
    # Lax parsing would read a number as seconds since 1970 (1.9e-70 became 1970-01-01).
    if isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise ValueError("a date is written as YYYY-MM-DD")


def _plausible_year(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"a date must lie between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


PlausibleDate = Annotated[
    date,
    BeforeValidator(_date_text),
    AfterValidator(_plausible_year),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-03-19"]}),
]
"""A calendar date in a body: the text YYYY-MM-DD, in the years 2000 to 2100."""
DocumentKindIn = Literal["project", "talk", "certification", "publication", "other"]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Strict(BaseModel):
    """Unknown fields are an error, not silently dropped; text never holds NUL characters."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot store NUL: refuse it here with the field's name.
        if _has_nul(value):
            raise ValueError("text must not contain NUL (\\u0000) characters")
        return value


class PageOut(BaseModel, Generic[T]):
    """One page of a listing."""

    items: list[T]
    total: int
    limit: int
    offset: int


# Organisations


class OrganisationIn(Strict):
    """A new member organisation."""

    name: Name
    sector: SectorCode = Field(description="Sector code, see GET /sectors")
    province: Province
    contact_email: EmailStr


class OrganisationPatch(Strict):
    """Fields to change on an organisation."""

    name: Name | None = None
    sector: SectorCode | None = None
    province: Province | None = None
    contact_email: EmailStr | None = None


class OrganisationOut(BaseModel):
    """A member organisation."""

    id: int
    name: str
    sector: str | None
    sector_name: str | None
    province: str | None
    contact_email: str | None = Field(description="Shown to the organisation itself and staff")


class SectorOut(BaseModel):
    """A sector."""

    code: str
    name: str


# People


class DocumentIn(Strict):
    """A track-record item: a project, talk, certification or publication."""

    kind: DocumentKindIn = "project"
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]


class DocumentOut(BaseModel):
    """A track-record item with the state of its vector."""

    id: int
    kind: str
    title: str
    text: str
    embedding_status: EmbeddingStatus


def _dates_in_order(start: date | None, end: date | None, name: str) -> None:
    if start is not None and end is not None and start > end:
        raise ValueError(f"{name} must not be before the start date")


class PersonFields(Strict):
    """Profile fields shared by create and update."""

    name: Name | None = None
    role: ShortText | None = None
    email: EmailStr | None = None
    languages: Annotated[list[Language], Field(max_length=10)] | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None = None
    capacity_hours_per_month: MonthlyHours | None = None
    available_from: PlausibleDate | None = None
    available_until: PlausibleDate | None = None
    willing_to_speak: StrictFlag | None = None
    speaker_topics: Annotated[list[Topic], Field(max_length=20)] | None = None
    consent: StrictFlag | None = Field(
        default=None, description="The person agreed to be suggested to other members"
    )
    conflict_organisation_ids: Annotated[list[Id], Field(max_length=50)] | None = Field(
        default=None, description="Organisations this person must not be suggested to"
    )

    @model_validator(mode="after")
    def _check_dates(self) -> PersonFields:
        _dates_in_order(self.available_from, self.available_until, "available_until")
        return self


class PersonIn(PersonFields):
    """A new staff profile with its track record."""

    organisation_id: Id | None = Field(
        default=None, description="Required for staff keys; a member key uses its own"
    )
    name: Name
    email: EmailStr
    documents: Annotated[list[DocumentIn], Field(max_length=50)] = []


class PersonPatch(PersonFields):
    """Fields to change on a profile (documents have their own endpoints)."""


class PersonOut(BaseModel):
    """A staff profile."""

    id: int
    organisation_id: int
    name: str
    role: str
    email: str
    languages: list[str]
    summary: str
    capacity_hours_per_month: float
    available_from: date | None
    available_until: date | None
    willing_to_speak: bool
    speaker_topics: list[str]
    consent: bool
    conflict_organisation_ids: list[int]
    embedding_status: EmbeddingStatus
    documents: list[DocumentOut]


# Challenges


class ChallengeFields(Strict):
    """Challenge fields shared by create and update."""

    title: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
        | None
    ) = None
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=8000)]
        | None
    ) = None
    kind: ChallengeKind | None = None
    hours_needed: TaskHours | None = None
    starts_on: PlausibleDate | None = None
    needed_by: PlausibleDate | None = None
    status: ChallengeStatus | None = None

    @model_validator(mode="after")
    def _check_dates(self) -> ChallengeFields:
        _dates_in_order(self.starts_on, self.needed_by, "needed_by")
        return self


class ChallengeIn(ChallengeFields):
    """A new challenge."""

    organisation_id: Id | None = Field(
        default=None, description="Required for staff keys; a member key uses its own"
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=10, max_length=8000)
    ]
    kind: ChallengeKind


class ChallengePatch(ChallengeFields):
    """Fields to change on a challenge."""


class ChallengeOut(BaseModel):
    """A challenge with the state of its vector."""

    id: int
    organisation_id: int
    title: str
    description: str
    kind: ChallengeKind
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    status: ChallengeStatus
    embedding_status: EmbeddingStatus
    created_at: str
    updated_at: str


# Suggestions


class SuggestionOrganisation(BaseModel):
    """Where a suggested person works."""

    id: int | None
    name: str
    sector: str | None
    sector_name: str | None
    province: str | None


class SuggestionOut(BaseModel):
    """A suggested person with score parts and evidence."""

    person_id: int
    person_name: str
    person_role: str
    organisation: SuggestionOrganisation
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    evidence: list[dict[str, Any]]
    explanation: str
    explanation_lines: list[str]
    free_hours: float | None
    email: str | None = Field(
        default=None, description="Only for staff; members see it after an accepted introduction"
    )


class SuggestionsOut(BaseModel):
    """Suggestions for one challenge."""

    challenge_id: int
    model: str
    items: list[SuggestionOut]


class ScheduleOut(BaseModel):
    """One job schedule: when it last ran, how that went, when it runs next."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    cron: str
    time_zone: str
    last_run_at: datetime | None
    last_state: Literal["queued", "successful", "failed"] | None
    next_run_at: datetime


class WorkerOut(BaseModel):
    """The job runner: schedules, and jobs queued, running and failed for good."""

    schedules: list[ScheduleOut]
    jobs: dict[str, int]


class HealthOut(BaseModel):
    """Readiness of the database and the model, and what the worker is doing."""

    status: Literal["ok", "degraded"]
    database: str
    model: dict[str, Any]
    embeddings: dict[str, int]
    proposals: dict[str, int] = Field(default_factory=dict)
    worker: WorkerOut | None = None
