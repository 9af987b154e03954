"""People, their documents and declared conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

import asyncpg
import numpy as np

from matcher.errors import AlreadyExists, InvalidInput, NotFound
from matcher.inputs import DocumentInput, NewPerson, PersonChanges, Unset, changed_fields
from matcher.matching.lexical import lexical_features
from matcher.records import Document, DocumentKind, Page, Person, document_text
from matcher.storage.person_texts import set_speaker_topics, set_summary
from matcher.storage.sql import id_by_ref, record, rows_affected, set_clause

_PERSON_COLUMNS = """
    p.id, p.organisation_id, p.name, p.role, p.email, p.languages, p.summary,
    p.capacity_hours_per_month::float8, p.available_from, p.available_until, p.willing_to_speak,
    p.speaker_topics, p.consent, p.external_ref, p.created_at, p.updated_at,
    COALESCE((SELECT array_agg(c.organisation_id ORDER BY c.organisation_id)
              FROM person_conflict c WHERE c.person_id = p.id), '{}') AS conflict_organisation_ids
"""

_DOC_COLUMNS = """
    id, person_id, kind, title, body, text_hash, embedding_model, embedding_hash,
    embed_attempts, embed_error
"""


def _document(row: asyncpg.Record) -> Document:
    return record(Document, row, kind=DocumentKind(row["kind"]))


def _person(row: asyncpg.Record, documents: Sequence[Document]) -> Person:
    return record(
        Person,
        row,
        languages=tuple(row["languages"]),
        speaker_topics=tuple(row["speaker_topics"]),
        conflict_organisation_ids=tuple(row["conflict_organisation_ids"]),
        documents=tuple(documents),
    )


async def _documents_by_person(
    conn: asyncpg.Connection, person_ids: Sequence[int]
) -> dict[int, list[Document]]:
    rows = await conn.fetch(
        f"SELECT {_DOC_COLUMNS} FROM document WHERE person_id = ANY($1::bigint[]) ORDER BY id",
        list(person_ids),
    )
    out: dict[int, list[Document]] = {pid: [] for pid in person_ids}
    for row in rows:
        out[row["person_id"]].append(_document(row))
    return out


async def get_person(
    conn: asyncpg.Connection, person_id: int, *, organisation_id: int | None = None
) -> Person:
    """One person; with organisation_id, only if they belong to it (else NotFound)."""
    row = await conn.fetchrow(
        f"SELECT {_PERSON_COLUMNS} FROM person p "
        "WHERE p.id = $1 AND ($2::bigint IS NULL OR p.organisation_id = $2)",
        person_id,
        organisation_id,
    )
    if row is None:
        raise NotFound(f"person {person_id} does not exist")
    docs = await _documents_by_person(conn, [person_id])
    return _person(row, docs[person_id])


async def list_people(
    conn: asyncpg.Connection, *, organisation_id: int | None, limit: int, offset: int
) -> Page[Person]:
    """A page of people, optionally of one organisation."""
    rows = await conn.fetch(
        f"SELECT {_PERSON_COLUMNS} FROM person p "
        "WHERE ($1::bigint IS NULL OR p.organisation_id = $1) ORDER BY p.name, p.id LIMIT $2 OFFSET $3",
        organisation_id,
        limit,
        offset,
    )
    total = await conn.fetchval(
        "SELECT count(*) FROM person WHERE ($1::bigint IS NULL OR organisation_id = $1)",
        organisation_id,
    )
    docs = await _documents_by_person(conn, [r["id"] for r in rows])
    return Page(
        items=[_person(r, docs[r["id"]]) for r in rows],
        total=int(total),
        limit=limit,
        offset=offset,
    )


async def person_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The id of the person with this external reference."""
    return await id_by_ref(conn, "person", external_ref)


_PERSON_FIELDS = tuple(f.name for f in fields(PersonChanges))


async def insert_person(
    conn: asyncpg.Connection,
    *,
    organisation_id: int,
    person: NewPerson,
    documents: Sequence[DocumentInput],
    conflict_organisation_ids: Sequence[int] = (),
    external_ref: str | None = None,
) -> int:
    """Insert a person with summary, documents and conflicts; the caller owns the transaction."""
    try:
        person_id = await conn.fetchval(
            """
            INSERT INTO person (organisation_id, external_ref, name, role, email, languages,
                                summary, capacity_hours_per_month, available_from,
                                available_until, willing_to_speak, speaker_topics, consent,
                                consent_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                    CASE WHEN $13 THEN now() END)
            RETURNING id
            """,
            organisation_id,
            external_ref,
            person.name,
            person.role,
            person.email,
            person.languages,
            person.summary,
            person.capacity_hours_per_month,
            person.available_from,
            person.available_until,
            person.willing_to_speak,
            person.speaker_topics,
            person.consent,
        )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists("a person with this external reference exists") from exc
    except asyncpg.CheckViolationError as exc:
        raise InvalidInput("available_from must not be after available_until") from exc
    await set_summary(conn, int(person_id), person.summary)
    await set_speaker_topics(conn, int(person_id), person.speaker_topics)
    await add_documents(conn, int(person_id), documents)
    await set_conflicts(conn, int(person_id), conflict_organisation_ids)
    return int(person_id)


async def update_person(conn: asyncpg.Connection, person_id: int, changes: PersonChanges) -> None:
    """Change person fields; a changed summary becomes pending for embedding."""
    sets = set_clause(changed_fields(changes), columns=_PERSON_FIELDS, first=2)
    if sets:
        consent = sets.params.get("consent")
        consent_sql = (
            f", consent_changed_at = CASE WHEN consent IS DISTINCT FROM {consent} "
            "THEN now() ELSE consent_changed_at END"
            if consent
            else ""
        )
        try:
            status = await conn.execute(
                f"UPDATE person SET {sets.sql}{consent_sql}, updated_at = now() WHERE id = $1",
                person_id,
                *sets.args,
            )
        except asyncpg.CheckViolationError as exc:
            raise InvalidInput("available_from must not be after available_until") from exc
        if rows_affected(status) == 0:
            raise NotFound(f"person {person_id} does not exist")
    if not isinstance(changes.summary, Unset):
        await set_summary(conn, person_id, changes.summary)
    if not isinstance(changes.speaker_topics, Unset):
        await set_speaker_topics(conn, person_id, changes.speaker_topics)


async def add_documents(
    conn: asyncpg.Connection, person_id: int, documents: Sequence[DocumentInput]
) -> list[int]:
    """Insert track-record items; returns their ids."""
    ids: list[int] = []
    for doc in documents:
        doc_id = await conn.fetchval(
            "INSERT INTO document (person_id, kind, title, body, text_hash) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            person_id,
            doc.kind,
            doc.title,
            doc.body,
            doc.text_hash,
        )
        ids.append(int(doc_id))
    return ids


async def add_embedded_documents(
    conn: asyncpg.Connection,
    rows: Sequence[tuple[int, DocumentInput, np.ndarray]],
    *,
    model_id: str,
    english_model_id: str | None = None,
    english: Sequence[np.ndarray | None] | None = None,
) -> None:
    """Insert (person id, document, vector) rows whose vectors are already known.

    ``english`` holds the English model's vector per row (None: not English) when there is one.
    """
    english_vectors = list(english) if english is not None else [None] * len(rows)
    await conn.executemany(
        "INSERT INTO document (person_id, kind, title, body, text_hash, embedding, embedding_dim, "
        "embedding_model, embedding_hash, embedding_english, embedding_english_model, "
        "lexical_features, lexical_hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $9, $10, $11, $5)",
        [
            (
                pid,
                doc.kind,
                doc.title,
                doc.body,
                doc.text_hash,
                vec,
                int(vec.shape[0]),
                model_id,
                english_vec,
                english_model_id,
                lexical_features(document_text(doc.title, doc.body)),
            )
            for (pid, doc, vec), english_vec in zip(rows, english_vectors, strict=True)
        ],
    )


async def sync_documents(
    conn: asyncpg.Connection, person_id: int, documents: Sequence[DocumentInput]
) -> bool:
    """Make the track record equal to documents, keeping unchanged items (and their vectors).

    Items the association's programme wrote (talks at its events, project outputs) are not
    the member's to sync and stay.
    """
    rows = await conn.fetch(
        "SELECT id, kind, text_hash FROM document d WHERE person_id = $1 "
        "AND kind NOT IN ('summary', 'speaker_topics') "
        "AND NOT EXISTS (SELECT 1 FROM event_invitation i WHERE i.document_id = d.id) "
        "AND NOT EXISTS (SELECT 1 FROM project_output_document o WHERE o.document_id = d.id)",
        person_id,
    )
    existing = {(r["kind"], r["text_hash"]): r["id"] for r in rows}
    wanted = {(d.kind, d.text_hash): d for d in documents}
    stale = [doc_id for key, doc_id in existing.items() if key not in wanted]
    new = [doc for key, doc in wanted.items() if key not in existing]
    if stale:
        await conn.execute("DELETE FROM document WHERE id = ANY($1::bigint[])", stale)
    if new:
        await add_documents(conn, person_id, new)
    return bool(stale or new)


async def update_document(
    conn: asyncpg.Connection, person_id: int, document_id: int, doc: DocumentInput
) -> None:
    """Replace one track-record item's text; it becomes pending when the text changed."""
    status = await conn.execute(
        """
        UPDATE document SET kind = $3, title = $4, body = $5, text_hash = $6,
            embed_attempts = CASE WHEN text_hash = $6 THEN embed_attempts ELSE 0 END,
            embed_error = CASE WHEN text_hash = $6 THEN embed_error ELSE NULL END,
            updated_at = now()
        WHERE id = $1 AND person_id = $2 AND kind NOT IN ('summary', 'speaker_topics')
        """,
        document_id,
        person_id,
        doc.kind,
        doc.title,
        doc.body,
        doc.text_hash,
    )
    if rows_affected(status) == 0:
        raise NotFound(f"document {document_id} does not exist")


async def delete_document(conn: asyncpg.Connection, person_id: int, document_id: int) -> None:
    """Remove one track-record item."""
    status = await conn.execute(
        "DELETE FROM document WHERE id = $1 AND person_id = $2 AND kind NOT IN ('summary', 'speaker_topics')",
        document_id,
        person_id,
    )
    if rows_affected(status) == 0:
        raise NotFound(f"document {document_id} does not exist")


async def set_conflicts(
    conn: asyncpg.Connection, person_id: int, organisation_ids: Sequence[int]
) -> None:
    """Replace the organisations this person must not be suggested to."""
    await conn.execute("DELETE FROM person_conflict WHERE person_id = $1", person_id)
    if organisation_ids:
        try:
            await conn.executemany(
                "INSERT INTO person_conflict (person_id, organisation_id) VALUES ($1, $2)",
                [(person_id, org) for org in sorted(set(organisation_ids))],
            )
        except asyncpg.ForeignKeyViolationError as exc:
            raise InvalidInput(
                "a conflict names an unknown organisation", field="conflict_organisation_ids"
            ) from exc


async def lock_people(conn: asyncpg.Connection, person_ids: Sequence[int]) -> set[int]:
    """Hold these people (FOR KEY SHARE, in id order) and return those that still exist.

    The lock order of the service: a person row before their documents and matches. Erasure
    takes the person first by deleting it; writers of documents and matches take it here
    first, so the two wait for each other instead of deadlocking.
    """
    if not person_ids:
        return set()
    rows = await conn.fetch(
        "SELECT id FROM person WHERE id = ANY($1::bigint[]) ORDER BY id FOR KEY SHARE",
        sorted(set(person_ids)),
    )
    return {int(r["id"]) for r in rows}


async def delete_person(conn: asyncpg.Connection, person_id: int) -> None:
    """Erase a person and everything hanging off them (documents, matches, reservations)."""
    status = await conn.execute("DELETE FROM person WHERE id = $1", person_id)
    if rows_affected(status) == 0:
        raise NotFound(f"person {person_id} does not exist")
