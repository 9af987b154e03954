"""Problems for a database that is away, slow or busy (503) and for throttled keys (429)."""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.errors import problem
from matcher.errors import RateLimited
from matcher.logging import get_logger

log = get_logger(__name__)

RETRY_AFTER_SECONDS = 5

# Errors that say "the database cannot answer now", not "this request is wrong": the server
# is stopped or unreachable (OSError, connection errors), frozen (client-side timeout, which
# is a TimeoutError and so an OSError), too slow (statement_timeout), shutting down or full.
UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
)


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable", path=request.url.path, error=repr(exc))
    response = problem(
        503,
        "Service unavailable",
        "the database is not answering right now; nothing was changed, try again shortly",
        code="database_unavailable",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _interface_error(request: Request, exc: Exception) -> JSONResponse:
    # A closed connection surfaces as an InterfaceError; anything else of that kind is a bug.
    if "closed" in str(exc) or "connection" in str(exc).lower():
        return await _unavailable(request, exc)
    log.exception("unhandled database client error", path=request.url.path)
    return problem(500, "Internal error", "unexpected error; this is a bug", code="internal_error")


async def _foreign_key(request: Request, exc: Exception) -> JSONResponse:
    # A record this request refers to was removed by a concurrent request.
    log.info("referenced record vanished", path=request.url.path, error=repr(exc))
    return problem(
        409,
        "Conflict",
        "a record this request refers to was removed meanwhile",
        code="reference_removed",
    )


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimited)
    response = problem(429, "Too many requests", exc.message, code=exc.code)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install_availability_handlers(app: FastAPI) -> None:
    """503 with Retry-After for an unreachable database, 429 for throttling, 409 for races."""
    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)
    app.add_exception_handler(asyncpg.InterfaceError, _interface_error)
    app.add_exception_handler(asyncpg.ForeignKeyViolationError, _foreign_key)
    app.add_exception_handler(RateLimited, _rate_limited)
