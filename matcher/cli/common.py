"""What every command shares: consoles, settings, the database URL, one connection, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import NoReturn, TypeVar

import asyncpg
import typer
from rich.console import Console

from matcher import db, migrations
from matcher.errors import MatcherError
from matcher.logging import configure_logging
from matcher.settings import Settings, get_settings

out = Console()
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine; domain errors become a clear message and exit code 2."""
    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except MatcherError as exc:
        fail(exc.message, exc)


def fail(message: str, cause: BaseException | None = None) -> NoReturn:
    """Print a clear error and exit with code 2."""
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2) from cause


def settings() -> Settings:
    """The settings, with quiet logs for the command line unless asked otherwise."""
    current = get_settings()
    configure_logging("WARNING" if current.log_level == "INFO" else current.log_level)
    return current


def url(current: Settings) -> str:
    """The configured database URL (starting the embedded server when none is set)."""
    return db.database_url(current)


@asynccontextmanager
async def connection(
    database_url: str, *, vectors: bool = True
) -> AsyncIterator[asyncpg.Connection]:
    """One connection (with vector support unless the schema may not exist yet), closed on exit."""
    conn = await db.connect(database_url, vectors=vectors)
    try:
        yield conn
    finally:
        await conn.close()


async def upgrade(database_url: str) -> list[int]:
    """Apply pending migrations; returns the versions applied."""
    async with connection(database_url, vectors=False) as conn:
        return await migrations.upgrade(conn)
