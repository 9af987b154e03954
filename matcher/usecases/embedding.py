"""Embedding work: give every stored text a vector from the configured model, retried."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import numpy as np

from embeddings.base import Embedder
from embeddings.paired import english_model
from matcher.logging import get_logger
from matcher.matching.language import is_english
from matcher.matching.terms import without_context_phrases
from matcher.storage import embedding_queue as queue
from matcher.storage import lexical_features as lexical_store
from matcher.storage import proposal_queue
from matcher.storage.embedding_queue import Table

log = get_logger(__name__)

ChallengeHook = Callable[[asyncpg.Connection, list[int]], Awaitable[None]]
"""Runs inside the transaction that clears the challenges' proposal mark; raising keeps it."""

PROPOSAL_MAX_ATTEMPTS = 8
# A row that vanished or a lock race: the next attempt sees the committed state and succeeds.
_RETRY_NOW = (
    asyncpg.ForeignKeyViolationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)


@dataclass(slots=True)
class EmbedReport:
    """What one pass did."""

    embedded: int = 0
    failed: int = 0
    challenges: list[int] = field(default_factory=list)


def english_model_id(embedder: Embedder) -> str | None:
    """The id of the English model paired with the embedder, or None (no routing)."""
    english = english_model(embedder)
    return english.model_id if english is not None else None


def english_vectors(
    embedder: Embedder, texts: Sequence[str], *, queries: bool
) -> list[np.ndarray | None]:
    """The paired English model's vector for each English text; None for the others.

    Blocking (it runs the model): call it off the event loop.
    """
    out: list[np.ndarray | None] = [None] * len(texts)
    english = english_model(embedder)
    if english is None:
        return out
    wanted = [i for i, text in enumerate(texts) if is_english(text)]
    if wanted:
        embed = english.embed_queries if queries else english.embed_documents
        for i, vector in zip(wanted, embed([texts[i] for i in wanted]), strict=True):
            out[i] = vector
    return out


def embed_both(
    embedder: Embedder, texts: Sequence[str], *, queries: bool
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """Both vectors of each text; a query (a challenge) is embedded without who asks."""
    if queries:
        texts = [without_context_phrases(text) for text in texts]
    main = embedder.embed_queries(texts) if queries else embedder.embed_documents(texts)
    return main, english_vectors(embedder, texts, queries=queries)


async def embed_batch(
    pool: asyncpg.Pool,
    embedder: Embedder,
    table: Table,
    *,
    batch_size: int,
    max_attempts: int,
    lease_seconds: int = 300,
) -> EmbedReport:
    """Claim one batch from a table, embed it off the event loop, store or record the failure."""
    report = EmbedReport()
    async with pool.acquire() as conn:
        claimed = await queue.claim_pending(
            conn,
            table,
            model_id=embedder.model_id,
            limit=batch_size,
            max_attempts=max_attempts,
            lease_seconds=lease_seconds,
            english_model_id=english_model_id(embedder),
        )
    if not claimed:
        return report
    texts = [p.text for p in claimed]
    try:
        vectors, english = await asyncio.to_thread(
            embed_both, embedder, texts, queries=table == "challenge"
        )
    except Exception as exc:  # any model failure: keep the text, retry later
        async with pool.acquire() as conn:
            await queue.record_failure(conn, table, [p.id for p in claimed], repr(exc))
        log.warning("embedding failed", table=table, count=len(claimed), error=repr(exc))
        report.failed = len(claimed)
        return report
    async with pool.acquire() as conn:
        # Its own statement: a first CREATE INDEX holds a table lock, which inside the storing
        # transaction would come before the person locks and could deadlock with an erasure.
        await queue.ensure_vector_index(conn, embedder.dimension)
    async with pool.acquire() as conn, conn.transaction():
        stored = await queue.store_vectors(
            conn,
            table,
            model_id=embedder.model_id,
            items=list(zip(claimed, vectors, strict=True)),
            english_model_id=english_model_id(embedder),
            english=english,
        )
    report.embedded = len(stored)
    if table == "challenge":
        report.challenges = stored
    return report


async def embed_pending(
    pool: asyncpg.Pool,
    embedder: Embedder,
    *,
    batch_size: int = 64,
    max_attempts: int = 6,
    lease_seconds: int = 300,
    on_challenges: ChallengeHook | None = None,
    progress: Callable[[int], None] | None = None,
) -> EmbedReport:
    """Embed everything pending now (documents first, then challenges); returns the totals."""
    total = EmbedReport()
    for table in ("document", "challenge"):
        while True:
            report = await embed_batch(
                pool,
                embedder,
                table,
                batch_size=batch_size,
                max_attempts=max_attempts,
                lease_seconds=lease_seconds,
            )
            total.embedded += report.embedded
            total.failed += report.failed
            total.challenges.extend(report.challenges)
            if progress is not None:
                progress(report.embedded + report.failed)
            if report.challenges and on_challenges is not None:
                await propose_due(pool, on_challenges)
            if report.embedded == 0 and report.failed == 0:
                break
            if report.failed:
                break
    if on_challenges is not None:
        # Marks left by a crash (or a failed attempt whose backoff has passed).
        await propose_due(pool, on_challenges)
    await fill_lexical_features(pool)
    return total


async def fill_lexical_features(pool: asyncpg.Pool, *, batch_size: int = 256) -> int:
    """Store n-gram features for every document without current ones; returns how many.

    Embedding stores them with the vector; this fills the rest (documents from before the
    features existed, texts written by a path that does not embed).
    """
    filled = 0
    while True:
        async with pool.acquire() as conn:
            done = await lexical_store.fill_lexical_features(conn, limit=batch_size)
        filled += done
        if done < batch_size:
            return filled


async def propose_due(
    pool: asyncpg.Pool,
    on_challenges: ChallengeHook,
    *,
    max_attempts: int = PROPOSAL_MAX_ATTEMPTS,
) -> int:
    """Run the hook for every challenge due for proposals, one transaction each; returns done.

    The mark is cleared in the hook's transaction, so a crash or an error leaves it due.
    """
    done = 0
    while True:
        challenge_id: int | None = None
        try:
            async with pool.acquire() as conn, conn.transaction():
                challenge_id = await proposal_queue.claim_due(conn, max_attempts=max_attempts)
                if challenge_id is None:
                    return done
                await on_challenges(conn, [challenge_id])
                await proposal_queue.mark_done(conn, challenge_id)
            done += 1
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if challenge_id is None:
                raise
            log.warning("proposing matches failed", challenge_id=challenge_id, error=repr(exc))
            async with pool.acquire() as conn:
                await proposal_queue.record_failure(
                    conn, challenge_id, repr(exc), retry_now=isinstance(exc, _RETRY_NOW)
                )


async def proposal_counts(pool: asyncpg.Pool) -> dict[str, int]:
    """Challenges waiting for proposals and challenges whose proposals gave up."""
    async with pool.acquire() as conn:
        return await proposal_queue.count_due(conn, max_attempts=PROPOSAL_MAX_ATTEMPTS)


async def pending_counts(
    pool: asyncpg.Pool,
    embedder_model_id: str,
    max_attempts: int,
    *,
    english_model_id: str | None = None,
) -> dict[str, int]:
    """Texts waiting for a vector and texts that gave up."""
    async with pool.acquire() as conn:
        return await queue.count_pending(
            conn,
            model_id=embedder_model_id,
            max_attempts=max_attempts,
            english_model_id=english_model_id,
        )
