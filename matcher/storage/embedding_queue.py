"""The embedding queue: rows whose vector is missing or stale claim, store and fail here."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Literal

import asyncpg
import numpy as np

from matcher.matching.lexical import lexical_features
from matcher.records import PendingText
from matcher.storage.sql import rows_affected

Table = Literal["document", "challenge"]

_TEXT_SQL: dict[Table, str] = {
    "document": "CASE WHEN title = '' THEN body ELSE title || '. ' || body END",
    "challenge": "CASE WHEN title = '' THEN description ELSE title || '. ' || description END",
}


def _pending(english_param: int) -> str:
    """Pending for the main model ($1), or for the English model in parameter english_param.

    A NULL English model (routing off) adds nothing; otherwise a text the English model has
    not looked at yet (whatever its language: the worker tells) needs the worker again.
    """
    return (
        f"(embedding_model IS DISTINCT FROM $1 OR embedding_hash IS DISTINCT FROM text_hash "
        f"OR (${english_param}::text IS NOT NULL "
        f"AND embedding_english_model IS DISTINCT FROM ${english_param}::text))"
    )


async def claim_pending(
    conn: asyncpg.Connection,
    table: Table,
    *,
    model_id: str,
    limit: int,
    max_attempts: int,
    lease_seconds: int = 300,
    english_model_id: str | None = None,
) -> list[PendingText]:
    """Lease up to limit texts needing a vector; a crashed worker's lease simply expires."""
    rows = await conn.fetch(
        f"""
        UPDATE {table} SET embed_after = now() + make_interval(secs => $4),
                           embed_attempts = embed_attempts + 1
        WHERE id IN (
            SELECT id FROM {table}
            WHERE {_pending(5)} AND embed_after <= now() AND embed_attempts < $3
            ORDER BY embed_after, id
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        RETURNING id, {_TEXT_SQL[table]} AS text, text_hash
        """,
        model_id,
        limit,
        max_attempts,
        lease_seconds,
        english_model_id,
    )
    rows = sorted(rows, key=lambda r: r["id"])
    return [
        PendingText(table=table, id=r["id"], text=r["text"], text_hash=r["text_hash"]) for r in rows
    ]


async def store_vectors(
    conn: asyncpg.Connection,
    table: Table,
    *,
    model_id: str,
    items: Sequence[tuple[PendingText, np.ndarray]],
    english_model_id: str | None = None,
    english: Sequence[np.ndarray | None] | None = None,
) -> list[int]:
    """Store vectors for texts that did not change meanwhile; returns the ids stored.

    With an English model, ``english`` holds its vector for each item (None: not English);
    without one, any English vector of an older text is cleared with it.
    """
    english_vectors = list(english) if english is not None else [None] * len(items)
    if table == "document" and items:
        # The person rows first (in id order), as erasure takes them: see people.lock_people.
        await conn.execute(
            """
            SELECT id FROM person
            WHERE id IN (SELECT person_id FROM document WHERE id = ANY($1::bigint[]))
            ORDER BY id FOR KEY SHARE
            """,
            [pending.id for pending, _ in items],
        )
    stored: list[int] = []
    # A challenge's new vector makes it due for proposals in the same transaction, so a crash
    # before they are written leaves the mark for the next worker (see proposal_queue).
    due = (
        ", proposals_due_at = now(), proposal_attempts = 0, proposal_error = NULL"
        if table == "challenge"
        else ""
    )
    # A document keeps its n-gram features beside its vector (see lexical_features).
    features = ", lexical_features = $8, lexical_hash = $5" if table == "document" else ""
    computed = (
        await asyncio.to_thread(lambda: [[lexical_features(p.text)] for p, _ in items])
        if table == "document"
        else [[] for _ in items]
    )
    for (pending, vector), english_vector, extra in zip(
        items, english_vectors, computed, strict=True
    ):
        status = await conn.execute(
            f"""
            UPDATE {table} SET embedding = $2, embedding_dim = $3, embedding_model = $4,
                embedding_hash = $5, embedded_at = now(), embed_attempts = 0, embed_error = NULL,
                embed_after = now(), embedding_english = $6,
                embedding_english_model = $7{due}{features}
            WHERE id = $1 AND text_hash = $5
            """,
            pending.id,
            vector,
            int(vector.shape[0]),
            model_id,
            pending.text_hash,
            english_vector,
            english_model_id,
            *extra,
        )
        if rows_affected(status) > 0:
            stored.append(pending.id)
    return stored


async def record_failure(
    conn: asyncpg.Connection, table: Table, ids: Sequence[int], error: str
) -> None:
    """Note a failed attempt; the row is retried after a backoff that grows per attempt."""
    await conn.execute(
        f"""
        UPDATE {table} SET embed_error = $2,
            embed_after = now() + make_interval(secs => least(3600, 5 * power(2, embed_attempts)))
        WHERE id = ANY($1::bigint[])
        """,
        list(ids),
        error[:2000],
    )


async def count_pending(
    conn: asyncpg.Connection,
    *,
    model_id: str,
    max_attempts: int,
    english_model_id: str | None = None,
) -> dict[str, int]:
    """Texts waiting for a vector and texts that gave up, over both tables."""
    out: dict[str, int] = {"pending": 0, "failed": 0}
    for table in ("document", "challenge"):
        row = await conn.fetchrow(
            f"""
            SELECT count(*) FILTER (WHERE embed_attempts < $2) AS pending,
                   count(*) FILTER (WHERE embed_attempts >= $2) AS failed
            FROM {table} WHERE {_pending(3)}
            """,
            model_id,
            max_attempts,
            english_model_id,
        )
        assert row is not None
        out["pending"] += int(row["pending"])
        out["failed"] += int(row["failed"])
    return out


async def reset_failures(
    conn: asyncpg.Connection, *, model_id: str, english_model_id: str | None = None
) -> int:
    """Give texts that gave up a fresh set of attempts (reindex does this)."""
    total = 0
    for table in ("document", "challenge"):
        status = await conn.execute(
            f"UPDATE {table} SET embed_attempts = 0, embed_after = now() WHERE {_pending(2)}",
            model_id,
            english_model_id,
        )
        total += rows_affected(status)
    return total


_INDEX_LOCK = 731_044_202  # advisory lock class (int4) for creating vector indexes

HNSW_GRAPH = "m = 32, ef_construction = 200"
"""The vector indexes' graph (migration 0011 made older ones again so): denser than
pgvector's default (16, 64), so a short candidate list (db.SEARCH_SETTINGS) finds the nearest.
Its keys are half precision (candidates.candidate_person_ids searches with the same cast)."""


async def ensure_vector_index(conn: asyncpg.Connection, dimension: int) -> None:
    """An HNSW (cosine) index per vector dimension in use; a model change adds one, not a migration.

    Called on every embedding batch: the catalogue is asked first, because CREATE INDEX IF NOT
    EXISTS locks the table against writes (until commit) even when the index is there.
    """
    dim = int(dimension)
    for table in ("document", "challenge"):
        name = f"{table}_embedding_hnsw_{dim}"
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name):
            continue
        # Two workers may both find it missing: IF NOT EXISTS alone then races in the
        # catalogue (a unique violation on pg_class), so creators take turns. The table lock
        # CREATE INDEX takes makes the second one see the first one's index.
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", _INDEX_LOCK, dim)
            await conn.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING hnsw ((embedding::halfvec({dim})) halfvec_cosine_ops) "
                f"WITH ({HNSW_GRAPH}) WHERE embedding_dim = {dim}"
            )
