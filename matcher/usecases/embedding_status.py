"""Whether a profile or challenge has its vectors: the one roll-up every read path shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.records import Challenge, EmbeddingStatus, Person


@dataclass(frozen=True, slots=True)
class EmbeddingCheck:
    """What a stored vector is checked against: the configured model and the attempts allowed."""

    model_id: str
    max_attempts: int


@dataclass(frozen=True, slots=True)
class PersonEmbedding:
    """A profile's status (its worst text) and each of its texts' own."""

    status: EmbeddingStatus
    documents: dict[int, EmbeddingStatus]


def rolled_up(statuses: Iterable[EmbeddingStatus]) -> EmbeddingStatus:
    """failed if any text failed, else pending if any waits, else ready."""
    seen = set(statuses)
    for status in (EmbeddingStatus.failed, EmbeddingStatus.pending):
        if status in seen:
            return status
    return EmbeddingStatus.ready


def person_embedding(person: Person, check: EmbeddingCheck) -> PersonEmbedding:
    """The profile's status over all its texts (summary and speaker topics included)."""
    documents = {
        d.id: d.embedding_status(check.model_id, check.max_attempts) for d in person.documents
    }
    return PersonEmbedding(status=rolled_up(documents.values()), documents=documents)


def challenge_embedding(challenge: Challenge, check: EmbeddingCheck) -> EmbeddingStatus:
    """The challenge text's status."""
    return challenge.embedding_status(check.model_id, check.max_attempts)
