"""Readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import HealthOut
from matcher.usecases.embedding import pending_counts

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
async def health(request: Request) -> JSONResponse:
    """Database and model readiness, and how many texts wait for a vector (no key needed)."""
    state = request.app.state
    database = "ok"
    counts = {"pending": 0, "failed": 0}
    try:
        # A stopped or frozen database must not hold the probe: answer within the limit.
        counts = await asyncio.wait_for(
            pending_counts(state.pool, state.embedder.model_id, state.settings.embed_max_attempts),
            timeout=state.settings.health_timeout,
        )
    except Exception as exc:  # report, do not crash the probe
        database = f"unavailable: {type(exc).__name__}"
    model_ready = bool(getattr(state, "model_ready", False))
    body = HealthOut(
        status="ok" if database == "ok" and model_ready else "degraded",
        database=database,
        model={"id": state.embedder.model_id, "ready": model_ready},
        embeddings=counts,
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "ok" else 503)
