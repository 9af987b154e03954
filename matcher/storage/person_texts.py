"""The texts the storage keeps in step with a person's fields: summary and speaker topics.

Each is one document row of its own kind, embedded like the track record and re-embedded
when the text changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from embeddings.base import text_hash

# The kinds kept here; each has its own partial unique index, named in ON CONFLICT (an index
# predicate takes no parameter), so only these two constants ever reach that SQL.
_SUMMARY = "summary"
_SPEAKER_TOPICS = "speaker_topics"


async def _keep_text_document(
    conn: asyncpg.Connection, person_id: int, kind: str, body: str
) -> None:
    # One document per person and kind (a partial unique index); an empty body removes it, an
    # unchanged one keeps its vector.
    if kind not in (_SUMMARY, _SPEAKER_TOPICS):
        raise ValueError(f"not a kept text kind: {kind!r}")
    if not body:
        await conn.execute(
            "DELETE FROM document WHERE person_id = $1 AND kind = $2", person_id, kind
        )
        return
    await conn.execute(
        f"""
        INSERT INTO document (person_id, kind, title, body, text_hash)
        VALUES ($1, $2, '', $3, $4)
        ON CONFLICT (person_id) WHERE kind = '{kind}'
        DO UPDATE SET body = EXCLUDED.body, text_hash = EXCLUDED.text_hash,
                      embed_attempts = 0, embed_error = NULL, embed_after = now(), updated_at = now()
        WHERE document.text_hash IS DISTINCT FROM EXCLUDED.text_hash
        """,
        person_id,
        kind,
        body,
        text_hash(body),
    )


async def set_summary(conn: asyncpg.Connection, person_id: int, summary: str) -> None:
    """Keep the summary document in step with the person's summary (none when empty)."""
    await _keep_text_document(conn, person_id, _SUMMARY, summary.strip())


def speaker_topics_text(topics: Sequence[str]) -> str:
    """The text of a person's speaker-topics document."""
    return "; ".join(t.strip() for t in topics if t.strip())


async def set_speaker_topics(
    conn: asyncpg.Connection, person_id: int, topics: Sequence[str]
) -> None:
    """Keep the speaker-topics document (embedded, matched by meaning) in step with the topics."""
    await _keep_text_document(conn, person_id, _SPEAKER_TOPICS, speaker_topics_text(topics))
