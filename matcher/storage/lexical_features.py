"""Each document's stored n-gram features: written with its vector, filled where missing."""

from __future__ import annotations

import asyncio

import asyncpg

from matcher.matching.lexical import lexical_features
from matcher.records import document_text


async def fill_lexical_features(conn: asyncpg.Connection, *, limit: int = 256) -> int:
    """Store features for up to limit documents whose text has none (yet); returns how many.

    One row per statement, outside any transaction: a document is locked only while its own
    row is written, so this never waits in a lock cycle with an erasure. A text changed in
    the meantime keeps its (new) hash and is picked up by the next call.
    """
    rows = await conn.fetch(
        """
        SELECT id, title, body, text_hash FROM document
        WHERE lexical_hash IS DISTINCT FROM text_hash
        ORDER BY id LIMIT $1
        """,
        limit,
    )
    features = await asyncio.to_thread(
        lambda: [lexical_features(document_text(r["title"], r["body"])) for r in rows]
    )
    for r, data in zip(rows, features, strict=True):
        await conn.execute(
            "UPDATE document SET lexical_features = $2, lexical_hash = $3 "
            "WHERE id = $1 AND text_hash = $3",
            r["id"],
            data,
            r["text_hash"],
        )
    return len(rows)
