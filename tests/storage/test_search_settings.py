"""The vector search settings hold on every use of a pooled connection, not only the first."""

from __future__ import annotations

import asyncpg
import numpy as np

from matcher import db
from matcher.storage import candidates
from matcher.storage.embedding_queue import ensure_vector_index

DIM = 16
MODEL = "settings-test"


async def _settings(conn: asyncpg.Connection) -> tuple[str, str]:
    return (
        await conn.fetchval("SHOW hnsw.ef_search"),
        await conn.fetchval("SHOW hnsw.iterative_scan"),
    )


async def test_search_settings_and_candidate_count_survive_the_pool(db_url: str) -> None:
    rng = np.random.default_rng(3)
    setup = await db.connect(db_url)
    try:
        await setup.execute("INSERT INTO organisation (name) VALUES ('A'), ('B')")
        people = 1500
        await setup.execute(
            "INSERT INTO person (organisation_id, name, email, consent) "
            "SELECT 1 + g % 2, 'p' || g, '', true FROM generate_series(1, $1) g",
            people,
        )
        vectors = rng.normal(size=(people, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        await setup.executemany(
            "INSERT INTO document (person_id, kind, body, text_hash, embedding, embedding_dim, "
            "embedding_model, embedding_hash) VALUES ($1, 'other', 'x', 'h', $2, $3, $4, 'h')",
            [(i + 1, vectors[i], DIM, MODEL) for i in range(people)],
        )
        await ensure_vector_index(setup, DIM)
        await setup.execute("ANALYZE")
    finally:
        await setup.close()

    # One connection in the pool: the second acquire gets the same backend, after its reset.
    pool = await db.create_pool(db_url, min_size=1, max_size=1)
    try:
        pids = []
        found = []
        for _ in range(3):
            async with pool.acquire() as conn, conn.transaction():
                pids.append(await conn.fetchval("SELECT pg_backend_pid()"))
                assert await _settings(conn) == (
                    db.SEARCH_SETTINGS["hnsw.ef_search"],
                    "relaxed_order",
                )
                # Force the HNSW path, as the planner chooses at real corpus sizes.
                await conn.execute("SET LOCAL enable_seqscan = off")
                ids = await candidates.candidate_person_ids(
                    conn,
                    vector=vectors[0],
                    model_id=MODEL,
                    lexemes=[],
                    exclude_organisation_id=1,  # half the people are filtered out
                    limit=db.CANDIDATE_DOCUMENTS,
                )
                found.append(ids)
                # A session-level change must not leak into the next use either.
                await conn.execute("SET hnsw.ef_search = 10")
        assert len(set(pids)) == 1
        # The exact answer: the eligible people (organisation 2: odd ids) among the 200
        # nearest documents. With the server defaults (ef_search 40, no iterative scan) the
        # index returns 40 documents, so about 20 of these ~100 people.
        nearest = np.argsort(-(vectors @ vectors[0]), kind="stable")[: db.CANDIDATE_DOCUMENTS]
        exact = {int(i) + 1 for i in nearest if (int(i) + 1) % 2 == 1}
        for ids in found:
            assert len(set(ids) & exact) >= 0.95 * len(exact)
        assert found[0] == found[1] == found[2]
    finally:
        await pool.close()


async def test_concurrent_first_batches_create_the_vector_index_once(db_url: str) -> None:
    import asyncio

    pool = await db.create_pool(db_url, max_size=8)
    try:

        async def ensure() -> None:
            async with pool.acquire() as conn:
                await ensure_vector_index(conn, 24)

        await asyncio.gather(*(ensure() for _ in range(8)))
        async with pool.acquire() as conn:
            names = await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_embedding_hnsw_24'"
            )
        assert sorted(r["indexname"] for r in names) == [
            "challenge_embedding_hnsw_24",
            "document_embedding_hnsw_24",
        ]
    finally:
        await pool.close()


async def _graph(conn: asyncpg.Connection, name: str) -> list[str]:
    """The index's graph options, and "halfvec" when its keys are half precision."""
    options = await conn.fetchval("SELECT reloptions FROM pg_class WHERE relname = $1", name)
    definition = await conn.fetchval("SELECT pg_get_indexdef($1::regclass)", name)
    return sorted(options or []) + (["halfvec"] if "halfvec_cosine_ops" in definition else [])


async def test_vector_indexes_get_the_denser_graph_also_when_migrated(
    conn: asyncpg.Connection,
) -> None:
    from matcher import migrations

    await ensure_vector_index(conn, 12)
    assert await _graph(conn, "document_embedding_hnsw_12") == [
        "ef_construction=200",
        "m=32",
        "halfvec",
    ]
    assert await _graph(conn, "challenge_embedding_hnsw_12") == [
        "ef_construction=200",
        "m=32",
        "halfvec",
    ]

    # An index made before migration 0011 (pgvector's default graph) is rebuilt by it.
    await migrations.downgrade(conn, target=10)
    assert await _graph(conn, "document_embedding_hnsw_12") == []
    assert await migrations.upgrade(conn) == [11]
    assert await _graph(conn, "document_embedding_hnsw_12") == [
        "ef_construction=200",
        "m=32",
        "halfvec",
    ]
    assert await conn.fetchval(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'document_embedding_hnsw_12'::regclass"
    )
    assert "toast_tuple_target=8160" in await conn.fetchval(
        "SELECT reloptions FROM pg_class WHERE relname = 'document'"
    )
