"""The embedding-status roll-up every read path of a profile shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matcher.records import Document, DocumentKind, EmbeddingStatus, Person
from matcher.usecases.embedding_status import EmbeddingCheck, person_embedding, rolled_up

CHECK = EmbeddingCheck(model_id="m", max_attempts=3)


def _doc(id_: int, *, model: str | None, attempts: int = 0) -> Document:
    return Document(
        id=id_,
        person_id=1,
        kind=DocumentKind.project,
        title="",
        body="tekst",
        text_hash="h",
        embedding_model=model,
        embedding_hash="h" if model else None,
        embed_attempts=attempts,
        embed_error=None,
    )


def _person(*documents: Document) -> Person:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    return Person(
        id=1,
        organisation_id=1,
        name="P",
        role="",
        email="p@example.org",
        languages=(),
        summary="",
        capacity_hours_per_month=0.0,
        available_from=None,
        available_until=None,
        willing_to_speak=False,
        speaker_topics=(),
        consent=True,
        external_ref=None,
        conflict_organisation_ids=(),
        documents=documents,
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], EmbeddingStatus.ready),
        ([EmbeddingStatus.ready, EmbeddingStatus.ready], EmbeddingStatus.ready),
        ([EmbeddingStatus.ready, EmbeddingStatus.pending], EmbeddingStatus.pending),
        ([EmbeddingStatus.pending, EmbeddingStatus.failed], EmbeddingStatus.failed),
        ([EmbeddingStatus.failed, EmbeddingStatus.ready], EmbeddingStatus.failed),
    ],
)
def test_the_worst_text_decides(statuses: list[EmbeddingStatus], expected: EmbeddingStatus) -> None:
    assert rolled_up(statuses) == expected


def test_a_profile_reports_each_text_and_its_worst() -> None:
    person = _person(_doc(1, model="m"), _doc(2, model="other"), _doc(3, model=None, attempts=3))
    embedding = person_embedding(person, CHECK)
    assert embedding.documents == {
        1: EmbeddingStatus.ready,
        2: EmbeddingStatus.pending,  # a vector from another model: waits for a re-embed
        3: EmbeddingStatus.failed,
    }
    assert embedding.status == EmbeddingStatus.failed
    assert person_embedding(_person(_doc(1, model="m")), CHECK).status == EmbeddingStatus.ready
