"""The database stops or freezes under a running app: 503 problems, /health answers, recovery.

The app talks to the real embedded PostgreSQL through a Unix-socket relay that the test can
cut (the server is gone) or freeze (the server accepts but never answers).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from embeddings.hashing import HashingEmbedder
from matcher.records import Role
from matcher.settings import Settings
from matcher.usecases.keys import create_key

SOCKET = ".s.PGSQL.5432"


class Relay:
    """Forwards a PostgreSQL Unix socket; can be cut, frozen, thawed and restarted."""

    def __init__(self, target_dir: str) -> None:
        self.target = str(Path(target_dir) / SOCKET)
        self.dir = tempfile.mkdtemp(prefix="relay-")
        Path(self.dir).chmod(0o755)
        self.server: asyncio.AbstractServer | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thawed = asyncio.Event()
        self.thawed.set()

    async def start(self) -> None:
        """Listen (again)."""
        self.server = await asyncio.start_unix_server(
            self._serve, path=str(Path(self.dir) / SOCKET)
        )

    async def cut(self) -> None:
        """Stop listening and drop every connection, as a stopped server would."""
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(self.dir, SOCKET))

    def freeze(self) -> None:
        """Keep connections open but pass nothing on."""
        self.thawed.clear()

    def thaw(self) -> None:
        """Pass data on again."""
        self.thawed.set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            await self.thawed.wait()
            up_reader, up_writer = await asyncio.open_unix_connection(self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers.add(up_writer)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    await self.thawed.wait()
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def relay(db_url: str) -> AsyncIterator[tuple[Relay, str]]:
    """A relay in front of this test's database, and the URL through it."""
    host = re.search(r"host=([^&]+)", db_url)
    assert host is not None
    r = Relay(host.group(1))
    await r.start()
    yield r, db_url.replace(host.group(0), f"host={r.dir}")
    r.thaw()
    with contextlib.suppress(Exception):
        await r.cut()


async def _until_ok(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    """The service recovers on its own: a few requests at most."""
    for _ in range(10):
        response = await client.get("/sectors", headers=headers)
        if response.status_code == 200:
            return 200
        await asyncio.sleep(0.2)
    return response.status_code


def _is_unavailable(response: httpx.Response) -> bool:
    return (
        response.status_code == 503
        and response.headers["content-type"] == "application/problem+json"
        and int(response.headers["retry-after"]) > 0
    )


async def test_stopped_and_frozen_database_give_503_and_the_service_recovers(
    relay: tuple[Relay, str], tmp_path: Path
) -> None:
    from api.app import create_app

    proxy, url = relay
    settings = Settings(
        data_dir=tmp_path,
        embed_in_process=False,
        cookie_secure=False,
        db_connect_timeout=1,
        db_command_timeout=1,
        db_statement_timeout=5,
        health_timeout=0.5,
    )
    app = create_app(settings, database_url=url, embedder=HashingEmbedder(dimension=64))
    async with app.router.lifespan_context(app):
        async with app.state.pool.acquire() as conn:
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
        headers = {"Authorization": f"Bearer {key}"}
        transport = httpx.ASGITransport(app=app)
        # The client's own timeout only guards the test run; the answers come much sooner.
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=20) as c:
            assert (await c.get("/sectors", headers=headers)).status_code == 200
            assert (await c.get("/health")).json()["database"] == "ok"

            await proxy.cut()
            down = [
                await c.get("/sectors", headers=headers),
                await c.post(
                    "/organisations",
                    headers=headers,
                    json={
                        "name": "X",
                        "sector": "ict",
                        "province": "Drenthe",
                        "contact_email": "x@x.nl",
                    },
                ),
                await c.get("/people", headers=headers),
            ]
            assert [_is_unavailable(r) for r in down] == [True, True, True], [r.text for r in down]
            health = await c.get("/health")
            assert health.status_code == 503
            assert health.json()["database"].startswith("unavailable")

            await proxy.start()
            assert await _until_ok(c, headers) == 200

            proxy.freeze()
            frozen = await c.get("/people", headers=headers)
            assert _is_unavailable(frozen), frozen.text
            health = await c.get("/health")
            assert health.status_code == 503
            assert health.json()["database"].startswith("unavailable")

            proxy.thaw()
            assert await _until_ok(c, headers) == 200
        async with app.state.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM organisation") == 0
