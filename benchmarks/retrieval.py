"""Dense candidate retrieval: the production HNSW query against an exact scan, same process.

    python benchmarks/retrieval.py [--documents 20000] [--queries 50]

Builds a scratch database on the configured server (the embedded one by default) with
clustered unit vectors (uniform random vectors are HNSW's worst case and say nothing
about real embeddings), runs `candidate_person_ids` (the query the service uses) through a
connection pool made by `db.create_pool`, as the service does (each query on a connection
that has been used and reset before), and the same query on a connection with index scans
disabled, and prints p50/p95 latency, the speed-up, the recall of the HNSW candidates
against the exact ones, and whether a repeated run returns the same candidates.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import asyncpg
import numpy as np

from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.settings import get_settings
from matcher.storage import candidates
from matcher.storage.embedding_queue import ensure_vector_index

DIM = 512
MODEL = "bench"


async def _setup(url: str, documents: int, rng: np.random.Generator) -> np.ndarray:
    conn = await db.connect(url)
    try:
        people = max(documents // 4, 1)
        await conn.execute(
            "INSERT INTO organisation (name) SELECT 'org ' || g FROM generate_series(1, 200) g"
        )
        await conn.execute(
            "INSERT INTO person (organisation_id, name, email, consent) "
            "SELECT 1 + (g % 200), 'p' || g, '', g % 10 <> 0 FROM generate_series(1, $1) g",
            people,
        )
        centres = rng.normal(size=(64, DIM)).astype(np.float32)
        vectors = centres[rng.integers(0, 64, documents)] + 0.6 * rng.normal(
            size=(documents, DIM)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        await conn.executemany(
            "INSERT INTO document (person_id, kind, body, text_hash, embedding, embedding_dim, "
            "embedding_model, embedding_hash) VALUES ($1, 'other', 'x', 'h', $2, $3, $4, 'h')",
            [(1 + i % people, vectors[i], DIM, MODEL) for i in range(documents)],
        )
        started = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '512MB'")
        await ensure_vector_index(conn, DIM)
        print(f"HNSW build over {documents} vectors: {time.perf_counter() - started:.1f} s")
        await conn.execute("ANALYZE")
        return vectors
    finally:
        await conn.close()


async def _query(conn: asyncpg.Connection, q: np.ndarray) -> tuple[float, set[int]]:
    started = time.perf_counter()
    ids = await candidates.candidate_person_ids(
        conn,
        vector=q,
        model_id=MODEL,
        lexemes=[],
        exclude_organisation_id=3,
        limit=db.CANDIDATE_DOCUMENTS,
    )
    return time.perf_counter() - started, set(ids)


async def _timed_pool(url: str, queries: np.ndarray) -> tuple[list[float], list[set[int]]]:
    """The production path: a pooled connection per query, as a request gets one."""
    pool = await db.create_pool(url, min_size=2, max_size=2)
    try:
        results = []
        for q in queries:
            async with pool.acquire() as conn:
                results.append(await _query(conn, q))
    finally:
        await pool.close()
    return [t for t, _ in results], [ids for _, ids in results]


async def _timed_exact(url: str, queries: np.ndarray) -> tuple[list[float], list[set[int]]]:
    # A connection of its own: asyncpg's statement cache would keep the old plan.
    conn = await db.connect(url)
    try:
        await conn.execute("SET enable_indexscan = off")
        results = [await _query(conn, q) for q in queries]
    finally:
        await conn.close()
    return [t for t, _ in results], [ids for _, ids in results]


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


async def main(documents: int, queries: int) -> None:
    """Build, measure both modes, print the figures."""
    rng = np.random.default_rng(7)
    url = db.database_url(get_settings())
    async with ScratchDatabase(url) as scratch:
        vectors = await _setup(scratch, documents, rng)
        sample = vectors[rng.choice(len(vectors), queries, replace=False)]
        hnsw_t, hnsw_ids = await _timed_pool(scratch, sample)
        _, repeat_ids = await _timed_pool(scratch, sample)
        exact_t, exact_ids = await _timed_exact(scratch, sample)
    recalls = [len(h & e) / len(e) for h, e in zip(hnsw_ids, exact_ids, strict=True) if e]
    same = sum(a == b for a, b in zip(hnsw_ids, repeat_ids, strict=True))
    print(
        f"{queries} queries, top-{db.CANDIDATE_DOCUMENTS} documents → candidate people, "
        "filters: consent, own org"
    )
    print(f"  HNSW through the pool: p50 {_p(hnsw_t, 0.5):.2f} ms, p95 {_p(hnsw_t, 0.95):.2f} ms")
    print(f"  exact scan:            p50 {_p(exact_t, 0.5):.2f} ms, p95 {_p(exact_t, 0.95):.2f} ms")
    print(
        f"  speed-up p50: {_p(exact_t, 0.5) / _p(hnsw_t, 0.5):.1f}x; candidate recall vs exact: "
        f"mean {statistics.fmean(recalls):.3f}, worst {min(recalls):.3f}; "
        f"candidates per query {statistics.fmean(len(h) for h in hnsw_ids):.0f} "
        f"(exact {statistics.fmean(len(e) for e in exact_ids):.0f}); "
        f"identical on a repeat: {same}/{len(sample)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.documents, args.queries))
