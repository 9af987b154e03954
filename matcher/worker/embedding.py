"""The embedding loop: embeds what is pending whenever woken and every few seconds regardless."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

import asyncpg
import structlog

from embeddings.base import Embedder
from matcher.logging import get_logger
from matcher.usecases.embedding import ChallengeHook, embed_pending

log = get_logger(__name__)


class EmbeddingWorker:
    """Runs embed_pending whenever woken (after a write) and every few seconds regardless."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        embedder: Embedder,
        *,
        batch_size: int,
        max_attempts: int,
        lease_seconds: int = 300,
        on_challenges: ChallengeHook | None = None,
        interval: float = 5.0,
    ) -> None:
        self._pool = pool
        self._embedder = embedder
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._lease_seconds = lease_seconds
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
        for run in itertools.count(1):
            self._wake.clear()
            # Every log line of this pass names it (this task's own context, reset after).
            with structlog.contextvars.bound_contextvars(embedding_run=run):
                try:
                    await embed_pending(
                        self._pool,
                        self._embedder,
                        batch_size=self._batch_size,
                        max_attempts=self._max_attempts,
                        lease_seconds=self._lease_seconds,
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
