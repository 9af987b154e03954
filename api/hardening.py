"""What the service adds around every route: body guard, retries, headers, 503/429 problems,
and the completed OpenAPI contract."""

from __future__ import annotations

from fastapi import FastAPI

from api.availability import install_availability_handlers
from api.contract import install_contract
from api.middleware import install_middleware
from api.ratelimit import RateLimiter
from matcher.settings import Settings


def harden(app: FastAPI, settings: Settings) -> None:
    """Install the middleware and the availability handlers (after the error handlers)."""
    app.state.rate_limiter = RateLimiter(settings.rate_limit)
    install_availability_handlers(app)
    install_middleware(app, max_body_bytes=settings.max_body_bytes)
    install_contract(app)
