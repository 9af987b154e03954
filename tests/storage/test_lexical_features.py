"""Stored n-gram features follow each document's text; candidates bring their nearest documents."""

from __future__ import annotations

from datetime import date

import asyncpg
import numpy as np

from embeddings.hashing import HashingEmbedder
from matcher.inputs import DocumentInput, NewPerson
from matcher.matching.lexical import decode_terms, text_terms
from matcher.records import document_text
from matcher.storage import people as people_store
from matcher.storage.candidates import load_candidates
from matcher.storage.lexical_features import fill_lexical_features
from matcher.usecases.embedding import embed_pending

TEXTS = [
    ("Beveiliging", "Informatiebeveiliging volgens de BIO bij een gemeente"),
    ("", "Cloudmigratie naar Azure en beveiliging van de werkplek"),
    ("DPIA", "Privacy impact assessment voor een zorginstelling"),
    ("", "Datagedreven werken met Power BI en een datawarehouse"),
]
WINDOW = (date(2026, 1, 1), date(2026, 12, 31))


async def _person(conn: asyncpg.Connection) -> int:
    org = await conn.fetchval("INSERT INTO organisation (name) VALUES ('A') RETURNING id")
    person = await people_store.insert_person(
        conn,
        organisation_id=org,
        person=NewPerson(name="P", email="", speaker_topics=("cloud", "privacy")),
        documents=[DocumentInput("project", t, b) for t, b in TEXTS],
    )
    return int(person)


async def _stored(conn: asyncpg.Connection) -> dict[int, tuple[str, bytes | None]]:
    rows = await conn.fetch(
        "SELECT id, title, body, CASE WHEN lexical_hash = text_hash THEN lexical_features END AS f "
        "FROM document ORDER BY id"
    )
    return {r["id"]: (document_text(r["title"], r["body"]), r["f"]) for r in rows}


def _assert_current(stored: dict[int, tuple[str, bytes | None]]) -> None:
    for text, features in stored.values():
        assert features is not None, text
        terms = decode_terms(features)
        assert terms is not None
        expected = text_terms(text)
        np.testing.assert_array_equal(terms.ids, expected.ids)
        np.testing.assert_array_equal(terms.counts, expected.counts)


async def test_embedding_stores_features_and_a_changed_text_gets_new_ones(
    pool: asyncpg.Pool, embedder: HashingEmbedder
) -> None:
    async with pool.acquire() as conn:
        person = await _person(conn)
        assert all(f is None for _, f in (await _stored(conn)).values())
    await embed_pending(pool, embedder)
    async with pool.acquire() as conn:
        _assert_current(await _stored(conn))
        doc_id = await conn.fetchval("SELECT min(id) FROM document WHERE kind = 'project'")
        await people_store.update_document(
            conn, person, doc_id, DocumentInput("project", "", "Netwerkbeheer en segmentatie")
        )
        # The old features no longer belong to the text: readers get none until refilled.
        assert (await _stored(conn))[doc_id][1] is None
        [candidate] = await load_candidates(
            conn,
            [person],
            vector=None,
            model_id=embedder.model_id,
            window=WINDOW,
            challenge_id=None,
        )
        changed = next(d for d in candidate.documents if d.document_id == doc_id)
        assert changed.lexical_features is None and changed.body == "Netwerkbeheer en segmentatie"
    await embed_pending(pool, embedder)
    async with pool.acquire() as conn:
        _assert_current(await _stored(conn))


async def test_documents_without_features_are_filled(
    pool: asyncpg.Pool, embedder: HashingEmbedder
) -> None:
    async with pool.acquire() as conn:
        await _person(conn)
        assert await fill_lexical_features(conn, limit=2) == 2
        assert await fill_lexical_features(conn, limit=100) == len(TEXTS) + 1 - 2
        assert await fill_lexical_features(conn, limit=100) == 0
        _assert_current(await _stored(conn))
        # As after the migration: rows from before the features existed.
        await conn.execute("UPDATE document SET lexical_features = NULL, lexical_hash = NULL")
    await embed_pending(pool, embedder)  # the worker's pass fills them too
    async with pool.acquire() as conn:
        _assert_current(await _stored(conn))


async def test_a_candidate_brings_its_nearest_documents_and_speaker_topics(
    pool: asyncpg.Pool, embedder: HashingEmbedder
) -> None:
    async with pool.acquire() as conn:
        person = await _person(conn)
    await embed_pending(pool, embedder)
    query = embedder.embed_queries(["cloudmigratie en azure werkplek"])[0]
    async with pool.acquire() as conn:
        everything = await load_candidates(
            conn,
            [person],
            vector=query,
            model_id=embedder.model_id,
            window=WINDOW,
            challenge_id=None,
        )
        nearest = await load_candidates(
            conn,
            [person],
            vector=query,
            model_id=embedder.model_id,
            window=WINDOW,
            challenge_id=None,
            per_person=lambda documents: 2,
        )
    track = [d for d in everything[0].documents if d.kind != "speaker_topics"]
    best = sorted(track, key=lambda d: (-(d.dense or 0.0), d.document_id))[:2]
    got = nearest[0].documents
    assert [d.document_id for d in got if d.kind != "speaker_topics"] == [
        d.document_id for d in best
    ]
    assert [d.kind for d in got].count("speaker_topics") == 1
    assert nearest[0].track_record_size == everything[0].track_record_size == len(TEXTS)
    for d in got:
        same = next(e for e in everything[0].documents if e.document_id == d.document_id)
        assert d.dense == same.dense and d.lexical_features == same.lexical_features
