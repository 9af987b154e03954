"""Every error becomes an RFC 9457 problem response, in one place."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.request_id import REQUEST_ID_HEADER, request_id_of
from matcher.errors import (
    AlreadyExists,
    Conflict,
    DatasetError,
    Forbidden,
    InvalidInput,
    MatcherError,
    NotFound,
    SchemaMissing,
    Unauthorized,
)
from matcher.logging import get_logger

log = get_logger(__name__)

PROBLEM_TYPE = "https://noord-matcher.example/problems/"

_STATUS: list[tuple[type[MatcherError], int, str]] = [
    (NotFound, 404, "Not found"),
    (AlreadyExists, 409, "Already exists"),
    (Conflict, 409, "Conflict"),
    (InvalidInput, 422, "Invalid input"),
    (DatasetError, 422, "Invalid dataset"),
    (Unauthorized, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (SchemaMissing, 503, "Service unavailable"),
]


def problem(status: int, title: str, detail: str, *, code: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


async def _matcher_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MatcherError)
    for kind, status, title in _STATUS:
        if isinstance(exc, kind):
            extra: dict[str, Any] = {}
            if isinstance(exc, InvalidInput) and exc.field:
                extra["errors"] = [{"field": exc.field, "message": exc.message}]
            return problem(status, title, exc.message, code=exc.code, **extra)
    log.error("unmapped domain error", error=repr(exc))
    return problem(500, "Internal error", "unexpected error", code="internal_error")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field(err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem(422, "Invalid input", detail, code="validation_error", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}
    return problem(
        exc.status_code,
        titles.get(exc.status_code, "Error"),
        str(exc.detail),
        code="http_" + str(exc.status_code),
    )


async def _database_data_error(request: Request, exc: Exception) -> JSONResponse:
    # A last line of defence: input the schemas let through but PostgreSQL refuses as data
    # (a NUL character in a query parameter, a number out of range) is the client's error.
    log.warning("database refused input", path=request.url.path, error=repr(exc))
    return problem(
        422,
        "Invalid input",
        "a value in the request cannot be stored or compared (out of range or invalid text)",
        code="invalid_value",
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # This handler runs outside the middleware (the request's log context is gone by now):
    # name the request id here, so the log line and the answer can be matched.
    request_id = request_id_of(request.scope)
    log.exception("unhandled error", path=request.url.path, request_id=request_id)
    response = problem(
        500, "Internal error", "unexpected error; this is a bug", code="internal_error"
    )
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Map domain, validation and HTTP errors to problem responses."""
    app.add_exception_handler(MatcherError, _matcher_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(asyncpg.DataError, _database_data_error)
    app.add_exception_handler(Exception, _unexpected)
