"""The texts the storage keeps in step with a person's fields: summary and speaker topics.

Each is one document row of its own kind, embedded like the track record and re-embedded
when the text changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from embeddings.base import text_hash


async def set_summary(conn: asyncpg.Connection, person_id: int, summary: str) -> None:
    """Keep the summary document in step with the person's summary (none when empty)."""
    summary = summary.strip()
    if not summary:
        await conn.execute(
            "DELETE FROM document WHERE person_id = $1 AND kind = 'summary'", person_id
        )
        return
    digest = text_hash(summary)
    await conn.execute(
        """
        INSERT INTO document (person_id, kind, title, body, text_hash)
        VALUES ($1, 'summary', '', $2, $3)
        ON CONFLICT (person_id) WHERE kind = 'summary'
        DO UPDATE SET body = EXCLUDED.body, text_hash = EXCLUDED.text_hash,
                      embed_attempts = 0, embed_error = NULL, embed_after = now(), updated_at = now()
        WHERE document.text_hash IS DISTINCT FROM EXCLUDED.text_hash
        """,
        person_id,
        summary,
        digest,
    )


def speaker_topics_text(topics: Sequence[str]) -> str:
    """The text of a person's speaker-topics document."""
    return "; ".join(t.strip() for t in topics if t.strip())


async def set_speaker_topics(
    conn: asyncpg.Connection, person_id: int, topics: Sequence[str]
) -> None:
    """Keep the speaker-topics document (embedded, matched by meaning) in step with the topics."""
    body = speaker_topics_text(topics)
    if not body:
        await conn.execute(
            "DELETE FROM document WHERE person_id = $1 AND kind = 'speaker_topics'", person_id
        )
        return
    await conn.execute(
        """
        INSERT INTO document (person_id, kind, title, body, text_hash)
        VALUES ($1, 'speaker_topics', '', $2, $3)
        ON CONFLICT (person_id) WHERE kind = 'speaker_topics'
        DO UPDATE SET body = EXCLUDED.body, text_hash = EXCLUDED.text_hash,
                      embed_attempts = 0, embed_error = NULL, embed_after = now(), updated_at = now()
        WHERE document.text_hash IS DISTINCT FROM EXCLUDED.text_hash
        """,
        person_id,
        body,
        text_hash(body),
    )
