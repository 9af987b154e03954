"""Domain records: plain data that crosses every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Role(StrEnum):
    """Who holds an API key."""

    member = "member"
    programme_manager = "programme_manager"
    admin = "admin"


class ChallengeKind(StrEnum):
    """What a member asks the network for."""

    partner = "partner"
    speaker = "speaker"
    capacity = "capacity"
    knowledge = "knowledge"


class ChallengeStatus(StrEnum):
    """Where a challenge is in its life."""

    open = "open"
    matched = "matched"
    closed = "closed"
    withdrawn = "withdrawn"


class DocumentKind(StrEnum):
    """Kinds of track-record item; the summary is kept as one too."""

    summary = "summary"
    speaker_topics = "speaker_topics"
    project = "project"
    talk = "talk"
    certification = "certification"
    publication = "publication"
    other = "other"


class EmbeddingStatus(StrEnum):
    """Whether a text has a vector from the configured model."""

    ready = "ready"
    pending = "pending"
    failed = "failed"


PROVINCES = ("Friesland", "Groningen", "Drenthe", "elders")


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind an API key."""

    key_id: int
    role: Role
    organisation_id: int | None

    @property
    def is_staff(self) -> bool:
        """Programme managers and admins see across organisations."""
        return self.role in (Role.programme_manager, Role.admin)


@dataclass(frozen=True, slots=True)
class Sector:
    """One of the association's sectors."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Organisation:
    """A member organisation."""

    id: int
    name: str
    sector_code: str | None
    sector_name: str | None
    province: str | None
    contact_email: str
    external_ref: str | None
    created_at: datetime
    updated_at: datetime


class EmbeddedText:
    """A stored text with the state of its vector (mixed into Document and Challenge)."""

    __slots__ = ()
    text_hash: str
    embedding_model: str | None
    embedding_hash: str | None
    embed_attempts: int

    def embedding_status(self, model_id: str, max_attempts: int) -> EmbeddingStatus:
        """ready when the vector matches this text and model."""
        return embedding_status(
            model_id=model_id,
            embedding_model=self.embedding_model,
            embedding_hash=self.embedding_hash,
            text_hash=self.text_hash,
            attempts=self.embed_attempts,
            max_attempts=max_attempts,
        )


@dataclass(frozen=True, slots=True)
class Document(EmbeddedText):
    """A track-record item (or the summary) with its embedding state."""

    id: int
    person_id: int
    kind: DocumentKind
    title: str
    body: str
    text_hash: str
    embedding_model: str | None
    embedding_hash: str | None
    embed_attempts: int
    embed_error: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A member's staff profile."""

    id: int
    organisation_id: int
    name: str
    role: str
    email: str
    languages: tuple[str, ...]
    summary: str
    capacity_hours_per_month: float
    available_from: date | None
    available_until: date | None
    willing_to_speak: bool
    speaker_topics: tuple[str, ...]
    consent: bool
    external_ref: str | None
    conflict_organisation_ids: tuple[int, ...]
    documents: tuple[Document, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Challenge(EmbeddedText):
    """An IT challenge a member posted."""

    id: int
    organisation_id: int
    title: str
    description: str
    kind: ChallengeKind
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    status: ChallengeStatus
    external_ref: str | None
    text_hash: str
    embedding_model: str | None
    embedding_hash: str | None
    embed_attempts: int
    embed_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def text(self) -> str:
        """The text that is embedded and searched."""
        return challenge_text(self.title, self.description)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class PendingText:
    """A text waiting for its vector."""

    table: str
    id: int
    text: str
    text_hash: str


@dataclass(slots=True)
class EvidenceDoc:
    """One of a candidate's documents with its retrieval scores for a challenge."""

    document_id: int
    kind: str
    title: str
    body: str
    dense: float | None
    lexemes: tuple[str, ...] = ()
    dense_english: float | None = None
    """Cosine of the English model's vectors when the challenge and this document are English."""
    lexical_features: bytes | None = None
    """The n-gram features stored with the document's current text (None: not yet stored)."""


@dataclass(slots=True)
class Candidate:
    """A person considered for a challenge, with what scoring needs to know."""

    person_id: int
    person_name: str
    person_role: str
    email: str
    organisation_id: int | None
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    province: str | None
    languages: tuple[str, ...]
    consent: bool
    capacity_hours_per_month: float
    available_from: date | None
    available_until: date | None
    reserved_hours: float
    willing_to_speak: bool
    speaker_topics: tuple[str, ...]
    conflict_organisation_ids: tuple[int, ...]
    recent_exposure: int
    documents: list[EvidenceDoc] = field(default_factory=list)
    track_record_size: int | None = None
    """Track-record documents the person has (None: all of them are in documents)."""


@dataclass(frozen=True, slots=True)
class ChallengeQuery:
    """What the matcher needs of a challenge, stored or ad hoc."""

    text: str
    kind: ChallengeKind | None
    organisation_id: int | None
    sector_code: str | None
    province: str | None
    hours_needed: float | None
    starts_on: date | None
    needed_by: date | None
    challenge_id: int | None = None
    sector_name: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked person for a challenge, with score parts and an explanation."""

    person_id: int
    person_name: str
    person_role: str
    organisation_id: int | None
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    province: str | None
    score: float
    score_parts: dict[str, float]
    features: dict[str, float]
    evidence: list[dict[str, Any]]
    explanation: str
    explanation_lines: list[str]
    free_hours: float | None
    email: str | None = None


def challenge_text(title: str, description: str) -> str:
    """Title and description as one text."""
    return f"{title.strip()}. {description.strip()}" if title.strip() else description.strip()


def document_text(title: str, body: str) -> str:
    """Title and body of a track-record item as one text."""
    return f"{title.strip()}. {body.strip()}" if title.strip() else body.strip()


def embedding_status(
    *,
    model_id: str,
    embedding_model: str | None,
    embedding_hash: str | None,
    text_hash: str,
    attempts: int,
    max_attempts: int,
) -> EmbeddingStatus:
    """Status of a text's vector against the configured model."""
    if embedding_model == model_id and embedding_hash == text_hash:
        return EmbeddingStatus.ready
    if attempts >= max_attempts:
        return EmbeddingStatus.failed
    return EmbeddingStatus.pending
