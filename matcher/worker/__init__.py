"""The worker entry point: embedding, the job runner and mail delivery, in-process or alone."""

from __future__ import annotations

import asyncpg

from embeddings.base import Embedder
from matcher.settings import Settings
from matcher.usecases.embedding import ChallengeHook
from matcher.usecases.mail_runtime import MailRuntime, start_mail
from matcher.worker.embedding import EmbeddingWorker
from matcher.worker.jobs import JobRunner


class Worker:
    """Everything that runs in the background: embedding (row leases), queued jobs, mail."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        embedder: Embedder,
        settings: Settings,
        *,
        on_challenges: ChallengeHook | None,
        jobs: bool = True,
        mail: bool = True,
    ) -> None:
        self._pool = pool
        self._settings = settings
        self._deliver_mail = mail
        self.mail: MailRuntime | None = None
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
        if self._deliver_mail:
            # The loopback SMTP server starts here when no MATCHER_SMTP_URL is set.
            self.mail = await start_mail(self._pool, self._settings, deliver=True)

    def wake(self) -> None:
        """Something was written: look for embedding work now."""
        self.embedding.wake()

    async def stop(self) -> None:
        """Stop every loop (work in flight is retried by the next worker)."""
        if self.mail is not None:
            await self.mail.stop()
            self.mail = None
        if self.jobs is not None:
            await self.jobs.stop()
        await self.embedding.stop()
