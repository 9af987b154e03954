"""Request dependencies: one connection and transaction per request, the caller's principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError

from embeddings.base import Embedder
from matcher.errors import Forbidden, Unauthorized
from matcher.records import Principal, Role
from matcher.settings import Settings
from matcher.usecases.embedding_status import EmbeddingCheck
from matcher.usecases.keys import authenticate


async def get_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection inside a transaction: committed on success, rolled back on error.

    Used with scope="function" (below): the transaction ends when the route returns, before
    the response is sent, so a 2xx always means committed and a failing commit is an error
    response, never a success.
    """
    pool: asyncpg.Pool = request.app.state.pool
    settings: Settings = request.app.state.settings
    # Waiting for a free connection is bounded too (as long as one statement may take): past
    # it the answer is a 503, not a hang. Shorter, and a burst of slow requests would get
    # 503s while the database is fine (measured: 35 of 600 at 100k documents, 20 clients).
    async with pool.acquire(timeout=settings.db_command_timeout) as conn:
        async with conn.transaction():
            yield conn
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            worker = getattr(request.app.state, "worker", None)
            if worker is not None:
                worker.wake()
            mail = getattr(request.app.state, "mail", None)
            if mail is not None:
                mail.wake()  # committed mail (an introduction, an answer) goes out now


Conn = Annotated[asyncpg.Connection, Depends(get_conn, scope="function")]


def bearer_key(request: Request) -> str:
    """The key from an Authorization: Bearer header."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("send the API key as 'Authorization: Bearer <key>'")
    return key.strip()


async def get_principal(request: Request, conn: Conn) -> Principal:
    """The authenticated caller (bound to the request's log context: key id, never the key)."""
    principal = await authenticate(conn, bearer_key(request))
    bind_caller(principal)
    return principal


def bind_caller(principal: Principal) -> None:
    """Name the caller in every log line of this request: key id, role, organisation."""
    structlog.contextvars.bind_contextvars(
        key_id=principal.key_id,
        role=principal.role.value,
        organisation_id=principal.organisation_id,
    )


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> object:
    """A dependency that lets only these roles through (403 otherwise)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")
        return principal

    return Depends(check)


StaffPrincipal = Annotated[Principal, require_roles(Role.programme_manager, Role.admin)]


def get_settings_dep(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_embedder(request: Request) -> Embedder:
    """The app's embedder (loaded once per process)."""
    embedder: Embedder = request.app.state.embedder
    return embedder


def get_embedding_check(request: Request) -> EmbeddingCheck:
    """The configured model and attempts a stored vector is checked against."""
    embedder: Embedder = request.app.state.embedder
    settings: Settings = request.app.state.settings
    return EmbeddingCheck(model_id=embedder.model_id, max_attempts=settings.embed_max_attempts)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
EmbeddingCheckDep = Annotated[EmbeddingCheck, Depends(get_embedding_check)]


@dataclass(frozen=True, slots=True)
class Paging:
    """limit/offset query parameters."""

    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> Paging:
    """Validated pagination."""
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]


MAX_ID = 2**63 - 1
"""Ids are PostgreSQL bigints: anything outside 1..2^63-1 is a 422, never a database error."""

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _declared_query(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _declared_query(sub)
    return names


async def reject_unknown_query(request: Request) -> None:
    """422 for query parameters the route does not declare (a typo must not widen a listing)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    unknown = sorted(set(request.query_params) - _declared_query(dependant))
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "unknown query parameter",
                    "input": request.query_params.get(name),
                }
                for name in unknown
            ]
        )


StrictQuery = Depends(reject_unknown_query)
