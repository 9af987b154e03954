"""Embedding work: give every stored text a vector from the configured model, retried."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg

from embeddings.base import Embedder
from matcher.logging import get_logger
from matcher.storage import candidates as candidate_store
from matcher.storage import embedding_queue as queue
from matcher.storage.embedding_queue import Table

log = get_logger(__name__)

ChallengeHook = Callable[[asyncpg.Connection, list[int]], Awaitable[None]]


@dataclass(slots=True)
class EmbedReport:
    """What one pass did."""

    embedded: int = 0
    failed: int = 0
    challenges: list[int] = field(default_factory=list)


async def embed_batch(
    pool: asyncpg.Pool,
    embedder: Embedder,
    table: Table,
    *,
    batch_size: int,
    max_attempts: int,
) -> EmbedReport:
    """Claim one batch from a table, embed it off the event loop, store or record the failure."""
    report = EmbedReport()
    async with pool.acquire() as conn:
        claimed = await queue.claim_pending(
            conn, table, model_id=embedder.model_id, limit=batch_size, max_attempts=max_attempts
        )
    if not claimed:
        return report
    texts = [p.text for p in claimed]
    embed = embedder.embed_queries if table == "challenge" else embedder.embed_documents
    try:
        vectors = await asyncio.to_thread(embed, texts)
    except Exception as exc:  # any model failure: keep the text, retry later
        async with pool.acquire() as conn:
            await queue.record_failure(conn, table, [p.id for p in claimed], repr(exc))
        log.warning("embedding failed", table=table, count=len(claimed), error=repr(exc))
        report.failed = len(claimed)
        return report
    async with pool.acquire() as conn, conn.transaction():
        await queue.ensure_vector_index(conn, embedder.dimension)
        stored = await queue.store_vectors(
            conn, table, model_id=embedder.model_id, items=list(zip(claimed, vectors, strict=True))
        )
    report.embedded = len(stored)
    if table == "challenge":
        report.challenges = stored
    elif stored:
        # Corpus statistics follow the documents here, off the request path.
        async with pool.acquire() as conn:
            await candidate_store.refresh_lexeme_statistics(conn, only_if_stale=True)
    return report


async def embed_pending(
    pool: asyncpg.Pool,
    embedder: Embedder,
    *,
    batch_size: int = 64,
    max_attempts: int = 6,
    on_challenges: ChallengeHook | None = None,
    progress: Callable[[int], None] | None = None,
) -> EmbedReport:
    """Embed everything pending now (documents first, then challenges); returns the totals."""
    total = EmbedReport()
    for table in ("document", "challenge"):
        while True:
            report = await embed_batch(
                pool, embedder, table, batch_size=batch_size, max_attempts=max_attempts
            )
            total.embedded += report.embedded
            total.failed += report.failed
            total.challenges.extend(report.challenges)
            if progress is not None:
                progress(report.embedded + report.failed)
            if report.challenges and on_challenges is not None:
                async with pool.acquire() as conn, conn.transaction():
                    await on_challenges(conn, report.challenges)
            if report.embedded == 0 and report.failed == 0:
                break
            if report.failed:
                break
    return total


async def pending_counts(
    pool: asyncpg.Pool, embedder_model_id: str, max_attempts: int
) -> dict[str, int]:
    """Texts waiting for a vector and texts that gave up."""
    async with pool.acquire() as conn:
        return await queue.count_pending(
            conn, model_id=embedder_model_id, max_attempts=max_attempts
        )


class EmbeddingWorker:
    """Runs embed_pending whenever woken (after a write) and every few seconds regardless."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        embedder: Embedder,
        *,
        batch_size: int,
        max_attempts: int,
        on_challenges: ChallengeHook | None = None,
        interval: float = 5.0,
    ) -> None:
        self._pool = pool
        self._embedder = embedder
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._on_challenges = on_challenges
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.idle = asyncio.Event()

    def wake(self) -> None:
        """Something was written: look for work now."""
        self.idle.clear()
        self._wake.set()

    def start(self) -> None:
        """Run in the background of the current event loop."""
        self._task = asyncio.create_task(self._run(), name="embedding-worker")

    async def stop(self) -> None:
        """Stop after the current batch."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await embed_pending(
                    self._pool,
                    self._embedder,
                    batch_size=self._batch_size,
                    max_attempts=self._max_attempts,
                    on_challenges=self._on_challenges,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away; try again later
                log.warning("embedding pass failed", error=repr(exc))
            if not self._wake.is_set():
                self.idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
