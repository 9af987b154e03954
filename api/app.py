"""The FastAPI application: lifespan (pool, model, embedding worker), routers, errors."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api.errors import install_error_handlers
from api.hardening import harden
from api.routers import (
    challenges,
    events,
    health,
    inbox,
    keys,
    mail_links,
    matches,
    networks,
    organisations,
    partners,
    people,
    projects,
    review_actions,
    review_mail,
    review_programme,
    review_themes,
    themes,
)
from api.routers import review as review_pages
from api.web_templates import STATIC_DIR
from embeddings.base import Embedder
from matcher import wiring
from matcher.logging import configure_logging, get_logger
from matcher.settings import Settings, get_settings
from matcher.usecases.embedding import ChallengeHook

log = get_logger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    database_url: str | None = None,
    embedder: Embedder | None = None,
    on_challenges: ChallengeHook | None = None,
) -> FastAPI:
    """Build the app; tests pass their own database URL and embedder."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url: str = (
            database_url
            if database_url is not None
            else await wiring.resolve_database_url(settings)
        )
        app.state.settings = settings
        app.state.pool = await wiring.create_pool(url, settings=settings)
        app.state.embedder = embedder or wiring.build_embedder(settings)
        app.state.model_ready = False
        app.state.worker = None
        warm = asyncio.create_task(_warm_up(app))
        hook = (
            on_challenges
            if on_challenges is not None
            else wiring.proposal_hook(app.state.embedder, settings)
        )
        app.state.on_challenges = hook
        if settings.embed_in_process:
            worker = wiring.make_worker(
                app.state.pool, app.state.embedder, settings, on_challenges=hook
            )
            await worker.start()
            app.state.worker = worker
        # Mail goes out from the worker (in this process or a separate `matcher worker`).
        app.state.mail = app.state.worker.mail if app.state.worker is not None else None
        gc.freeze()  # see _warm_up
        try:
            yield
        finally:
            warm.cancel()
            if app.state.worker is not None:
                await app.state.worker.stop()
            await app.state.pool.close()
            gc.unfreeze()

    # Swagger UI from the fastapi-offline package: /docs needs no CDN. No ReDoc: its bundle
    # fetches a logo from its CDN (tests/browser/test_same_origin.py caught it).
    app = FastAPIOffline(
        redoc_url=None,
        title="Noord matcher",
        version="0.1.0",
        summary="Member matchmaking and capacity sharing for a regional IT association.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    harden(app, settings)
    app.include_router(health.router)
    app.include_router(organisations.router)
    app.include_router(people.router)
    app.include_router(challenges.router)
    app.include_router(inbox.router)
    app.include_router(matches.router)
    app.include_router(keys.router)
    app.include_router(events.router)
    app.include_router(partners.router)
    app.include_router(networks.router)
    app.include_router(projects.router)
    app.include_router(themes.router)
    app.include_router(review_actions.router)
    app.include_router(review_pages.router)
    review_pages.install(app)
    app.include_router(mail_links.router)
    app.include_router(review_mail.router)
    app.include_router(review_programme.router)
    app.include_router(review_themes.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


async def _warm_up(app: FastAPI) -> None:
    """Load the model off the event loop so /health can report it and the first request is fast."""
    try:
        await asyncio.to_thread(app.state.embedder.embed_queries, ["opwarmen"])
        app.state.model_ready = True
        # What is loaded by now (app, pool, model) lives as long as the app: out of the
        # collector's generations, the full collections that requests' allocations set off
        # no longer walk it (benchmarks/scale.py at 100k documents, five runs each way: HTTP
        # p95 76-79 ms against 79-147, 18.3-19.0 req/s with 20 clients against 17.3-18.5).
        # The lifespan moves it back when the app stops.
        gc.freeze()
    except Exception as exc:
        log.error("model failed to load", error=repr(exc))
