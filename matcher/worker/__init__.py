"""The worker entry point: the embedding loop and the job runner, in-process or on their own."""

from __future__ import annotations

import asyncpg

from embeddings.base import Embedder
from matcher.settings import Settings
from matcher.usecases.embedding import ChallengeHook
from matcher.worker.embedding import EmbeddingWorker
from matcher.worker.jobs import JobRunner


class Worker:
    """Everything that runs in the background: embedding (row leases) and queued jobs."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        embedder: Embedder,
        settings: Settings,
        *,
        on_challenges: ChallengeHook | None,
        jobs: bool = True,
    ) -> None:
        self.embedding = EmbeddingWorker(
            pool,
            embedder,
            batch_size=settings.embed_batch_size,
            max_attempts=settings.embed_max_attempts,
            lease_seconds=settings.embed_lease_seconds,
            on_challenges=on_challenges,
        )
        self.jobs = JobRunner(pool, settings) if jobs else None

    async def start(self) -> None:
        """Start every loop in the background of the current event loop."""
        self.embedding.start()
        self.embedding.wake()
        if self.jobs is not None:
            await self.jobs.start()

    def wake(self) -> None:
        """Something was written: look for embedding work now."""
        self.embedding.wake()

    async def stop(self) -> None:
        """Stop every loop (work in flight is retried by the next worker)."""
        if self.jobs is not None:
            await self.jobs.stop()
        await self.embedding.stop()
