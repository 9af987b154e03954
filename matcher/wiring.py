"""Wiring shared by the entry points (HTTP app, CLI, worker): settings → pool, embedder, hooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import asyncpg

from embeddings.base import Embedder
from embeddings.factory import make_embedder
from matcher import db
from matcher.settings import Settings
from matcher.usecases.assignment import assignment_options, make_assignment_hook
from matcher.usecases.embedding import ChallengeHook
from matcher.usecases.proposals import make_proposal_hook

if TYPE_CHECKING:
    from matcher.worker import Worker


def build_embedder(settings: Settings, backend: str | None = None) -> Embedder:
    """The configured embedder (or the named backend) with the persistent vector cache."""
    if backend is not None:
        settings = settings.model_copy(update={"embedding_model": backend})
    return make_embedder(
        settings.embedding_model,
        query_prefix=settings.query_prefix,
        document_prefix=settings.document_prefix,
        cache_path=settings.embedding_cache_path,
        english=settings.english_model,
    )


def proposal_hook(embedder: Embedder, settings: Settings) -> ChallengeHook:
    """What happens when challenges get their vectors: proposals, within the hours left."""
    if settings.proposals_within_hours:
        return make_assignment_hook(embedder.model_id, assignment_options(settings))
    return make_proposal_hook(embedder.model_id, top=settings.suggestions_stored)


async def resolve_database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started off the event loop)."""
    return await asyncio.to_thread(db.database_url, settings)


async def create_pool(
    url: str, *, max_size: int = 10, settings: Settings | None = None
) -> asyncpg.Pool:
    """The pool every entry point uses (vector support; the service's time limits if given)."""
    if settings is None:
        return await db.create_pool(url, max_size=max_size)
    return await db.create_pool(url, max_size=max_size, **db.pool_timeouts(settings))


def make_worker(
    pool: asyncpg.Pool,
    embedder: Embedder,
    settings: Settings,
    *,
    on_challenges: ChallengeHook | None = None,
    jobs: bool = True,
) -> Worker:
    """The background worker (embedding loop and job runner) on an existing pool."""
    from matcher.worker import Worker

    hook = on_challenges if on_challenges is not None else proposal_hook(embedder, settings)
    return Worker(pool, embedder, settings, on_challenges=hook, jobs=jobs)


@asynccontextmanager
async def running_worker(
    pool: asyncpg.Pool,
    embedder: Embedder,
    settings: Settings,
    *,
    on_challenges: ChallengeHook | None = None,
) -> AsyncIterator[Worker]:
    """Start the worker in this event loop and stop it on exit."""
    worker = make_worker(pool, embedder, settings, on_challenges=on_challenges)
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def run_worker_until_stopped(
    settings: Settings, database_url: str, *, ready: Callable[[str], None] | None = None
) -> None:
    """The `matcher worker` process: its own pool and embedder, running until cancelled."""
    pool = await create_pool(database_url, max_size=6, settings=settings)
    try:
        embedder = build_embedder(settings)
        async with running_worker(pool, embedder, settings):
            if ready is not None:
                ready(embedder.model_id)
            await asyncio.Event().wait()
    finally:
        await pool.close()
