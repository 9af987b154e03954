"""English texts get a second vector (migration 0010): stored by the worker, read by scoring."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import numpy as np

from embeddings.hashing import HashingEmbedder
from embeddings.paired import WithEnglishModel
from matcher.matching.scoring import ScoringConfig
from matcher.records import ChallengeKind, ChallengeQuery
from matcher.storage import candidates as candidate_store
from matcher.storage import challenges as challenge_store
from matcher.usecases.embedding import embed_pending, pending_counts
from matcher.usecases.suggestions import score_query

ENGLISH = (
    "We model the migration of a solvent plume in a sandy aquifer and compare the results "
    "with observations from monitoring wells over two decades."
)
DUTCH = (
    "Wij hebben het informatiebeveiligingsbeleid van de gemeente opgesteld en met de "
    "organisatie een jaarlijkse evaluatie ingericht voor alle afdelingen."
)
MAIN = HashingEmbedder(32)
PAIRED = WithEnglishModel(MAIN, HashingEmbedder(16))


async def _seed(conn: asyncpg.Connection) -> tuple[int, int, int]:
    """Two organisations, a person with an English and a Dutch document, an English challenge."""
    asker = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Vrager', 'ict') RETURNING id"
    )
    org = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Org', 'ict') RETURNING id"
    )
    person = await conn.fetchval(
        "INSERT INTO person (organisation_id, name, email, consent) "
        "VALUES ($1, 'P', 'p@x.org', true) RETURNING id",
        org,
    )
    for n, body in enumerate((ENGLISH, DUTCH)):
        await conn.execute(
            "INSERT INTO document (person_id, kind, body, text_hash) VALUES ($1, 'project', $2, $3)",
            person,
            body,
            f"h{n}",
        )
    challenge = await conn.fetchval(
        "INSERT INTO challenge (organisation_id, title, description, kind, text_hash) "
        "VALUES ($1, '', $2, 'knowledge', 'c1') RETURNING id",
        asker,
        ENGLISH,
    )
    return person, challenge, asker


async def _english_columns(conn: asyncpg.Connection) -> list[tuple[str, bool, str | None]]:
    rows = await conn.fetch(
        "SELECT body, embedding_english IS NOT NULL AS has, embedding_english_model "
        "FROM document ORDER BY id"
    )
    return [(r["body"][:2], r["has"], r["embedding_english_model"]) for r in rows]


async def test_worker_stores_english_vectors_for_english_texts_only(
    pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    _, challenge, asker = await _seed(conn)
    report = await embed_pending(pool, PAIRED)
    assert report.embedded == 3
    assert await _english_columns(conn) == [("We", True, "hashing-16"), ("Wi", False, "hashing-16")]
    stored = await challenge_store.challenge_english_vector(conn, challenge)
    assert stored is not None and stored[1] == "hashing-16" and stored[0].shape == (16,)

    # Scoring a stored English challenge reads its English vector: the English document gets
    # the English model's cosine, the Dutch one does not.
    vector = await challenge_store.challenge_vector(conn, challenge, MAIN.model_id)
    query = ChallengeQuery(
        text=ENGLISH,
        kind=ChallengeKind.knowledge,
        organisation_id=asker,
        sector_code="ict",
        province=None,
        hours_needed=None,
        starts_on=None,
        needed_by=None,
        challenge_id=challenge,
    )
    [scored] = await score_query(
        conn,
        query,
        vector,
        model_id=MAIN.model_id,
        today=date.today(),
        config=ScoringConfig(),
        all_candidates=True,
    )
    by_body = {d.doc.body[:2]: d.doc for d in scored.docs}
    assert by_body["We"].dense_english is not None
    assert by_body["We"].dense_english > 0.99  # the same text
    assert by_body["Wi"].dense_english is None


async def test_a_new_english_model_makes_texts_pending_and_no_model_clears_them(
    pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    await _seed(conn)
    await embed_pending(pool, PAIRED)
    assert (await pending_counts(pool, MAIN.model_id, 6, english_model_id="hashing-16")) == {
        "pending": 0,
        "failed": 0,
    }
    other = WithEnglishModel(MAIN, HashingEmbedder(8))
    counts = await pending_counts(pool, MAIN.model_id, 6, english_model_id="hashing-8")
    assert counts["pending"] == 3
    await embed_pending(pool, other)
    assert await _english_columns(conn) == [("We", True, "hashing-8"), ("Wi", False, "hashing-8")]

    # Routing switched off: nothing is pending for it, and a text embedded again carries no
    # English vector of its old text.
    assert (await pending_counts(pool, MAIN.model_id, 6))["pending"] == 0
    await conn.execute(
        "UPDATE document SET body = body || ' Again.', text_hash = 'new' WHERE id = (SELECT min(id) FROM document)"
    )
    await embed_pending(pool, MAIN)
    assert (await _english_columns(conn))[0] == ("We", False, None)


async def test_loading_ignores_english_vectors_of_another_model_or_an_old_text(
    pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    person, _, _ = await _seed(conn)
    await embed_pending(pool, PAIRED)
    probe = PAIRED.english.embed_queries([ENGLISH])[0]
    today = date.today()
    window = (today, today + timedelta(days=30))

    async def english_cosines(model: str) -> list[float | None]:
        [loaded] = await candidate_store.load_candidates(
            conn,
            [person],
            vector=None,
            model_id=MAIN.model_id,
            window=window,
            challenge_id=None,
            english=(np.asarray(probe, dtype=np.float32), model),
        )
        return [d.dense_english for d in loaded.documents]

    first, second = await english_cosines("hashing-16")
    assert first is not None and first > 0.99 and second is None
    assert await english_cosines("another-model") == [None, None]
    # The text changed and waits for the worker: its old English vector is not used.
    await conn.execute("UPDATE document SET text_hash = 'changed' WHERE body = $1", ENGLISH)
    assert await english_cosines("hashing-16") == [None, None]
