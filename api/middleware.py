"""ASGI middleware: the request's log context, response hardening, the body limit, retry of
rolled-back transactions."""

from __future__ import annotations

import json

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.availability import RETRY_AFTER_SECONDS, UNAVAILABLE
from api.request_id import REQUEST_ID_HEADER, choose_request_id
from matcher.errors import MatcherError
from matcher.logging import get_logger
from matcher.retry import is_retryable, retrying
from matcher.usecases.keys import authenticate, split_key

log = get_logger(__name__)

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Pages that do not use a bearer key: the review page signs in with a form and then carries
# a session cookie; the links in mail carry a signed single-use token in the path.
_COOKIE_PREFIXES = ("/review", "/introductie/", "/mail/voorkeuren/")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _send_problem(
    send: Send, status: int, title: str, detail: str, code: str, headers: dict[str, str]
) -> None:
    body = json.dumps(
        {
            "type": "https://noord-matcher.example/problems/" + code,
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
        }
    ).encode()
    raw = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _set_header(
    headers: list[tuple[bytes, bytes]], name: bytes, value: str
) -> list[tuple[bytes, bytes]]:
    """The raw headers with one header (lower-case name) set to value, earlier values dropped."""
    return [(k, v) for k, v in headers if k.lower() != name] + [(name, value.encode("latin-1"))]


class RequestContextMiddleware:
    """Bind a request id (a sane incoming X-Request-ID, or a new one) to the log context and
    echo it in the response; whatever the request bound is cleared when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id bound; restore the caller's log context after."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = choose_request_id(_header(scope, REQUEST_ID_HEADER.lower().encode()))
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = _set_header(
                    message.get("headers", []), REQUEST_ID_HEADER.lower().encode(), request_id
                )
                message = {**message, "headers": headers}
            await send(message)

        outer = structlog.contextvars.get_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # The caller bound by the auth dependency goes too. A server runs each request in
            # a task of its own, but an in-process client (httpx's ASGI transport) runs the
            # app in the caller's task: without this the request's context would outlive it.
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**outer)


class HardeningMiddleware:
    """Every response: nosniff; JSON responses: no-store (they carry member data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = _set_header(
                    message.get("headers", []), b"x-content-type-options", "nosniff"
                )
                content_type = dict(headers).get(b"content-type", b"")
                if b"json" in content_type and not any(
                    k.lower() == b"cache-control" for k, _ in headers
                ):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_hardened)


class GuardedBodyMiddleware:
    """Refuse unauthenticated and oversized bodies before reading them; replay the read body
    when the request's transaction was rolled back by a deadlock or serialization failure."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check, buffer (bounded), run with a bounded retry."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path: str = scope.get("path", "")
        if method in _BODY_METHODS and not path.startswith(_COOKIE_PREFIXES):
            try:
                refusal = await self._unauthenticated(scope)
            except UNAVAILABLE:
                await _send_problem(
                    send,
                    503,
                    "Service unavailable",
                    "the database is not answering right now; nothing was changed",
                    "database_unavailable",
                    {"Retry-After": str(RETRY_AFTER_SECONDS)},
                )
                return
            if refusal is not None:
                await _send_problem(
                    send,
                    401,
                    "Unauthorized",
                    refusal,
                    "unauthorized",
                    {"WWW-Authenticate": "Bearer"},
                )
                return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body_bytes
            except ValueError:
                await _send_problem(
                    send, 400, "Bad request", "Content-Length is not a number", "bad_request", {}
                )
                return
            if too_big:
                await self._too_large(send)
                return
        chunks: list[bytes] = []
        size = 0
        more = method in _BODY_METHODS or declared not in (None, "0")
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        await self._run_with_retry(scope, body, receive, send)

    async def _unauthenticated(self, scope: Scope) -> str | None:
        """Why the request's key is refused (None: a live key), asked before its body is read."""
        header = _header(scope, b"authorization") or ""
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return "send the API key as 'Authorization: Bearer <key>'"
        pool = getattr(scope["app"].state, "pool", None) if "app" in scope else None
        try:
            if pool is None:
                split_key(key)
            else:
                async with pool.acquire() as conn:
                    await authenticate(conn, key.strip())
        except MatcherError as exc:
            return exc.message
        return None

    async def _too_large(self, send: Send) -> None:
        await _send_problem(
            send,
            413,
            "Request body too large",
            f"the request body is larger than {self.max_body_bytes} bytes",
            "body_too_large",
            {"Connection": "close"},
        )

    async def _run_with_retry(
        self, scope: Scope, body: bytes, receive: Receive, send: Send
    ) -> None:
        started = False

        async def attempt() -> None:
            delivered = False

            async def replay() -> Message:
                nonlocal delivered
                if not delivered:
                    delivered = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            async def tracked_send(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            await self.app(scope, replay, tracked_send)

        try:
            await retrying(attempt, may_retry=lambda exc: not started and is_retryable(exc))
        except Exception as exc:
            if started or not is_retryable(exc):
                raise
            log.error("transaction kept rolling back", path=scope.get("path"))
            await _send_problem(
                send,
                503,
                "Service unavailable",
                "the request collided with other work several times; try again",
                "retry_later",
                {"Retry-After": "1"},
            )


def install_middleware(app: FastAPI, *, max_body_bytes: int) -> None:
    """Wrap the app: the log context outermost, then hardening, the body guard and retry."""
    app.add_middleware(GuardedBodyMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(HardeningMiddleware)
    app.add_middleware(RequestContextMiddleware)
