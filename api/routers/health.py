"""Readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import HealthOut, ScheduleOut, WorkerOut
from matcher.usecases.embedding import english_model_id, pending_counts, proposal_counts
from matcher.usecases.jobs import worker_status

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
async def health(request: Request) -> JSONResponse:
    """Database and model readiness, texts waiting for a vector, the worker's schedules and jobs (no key needed)."""
    state = request.app.state
    database = "ok"
    counts = {"pending": 0, "failed": 0}
    proposals: dict[str, int] = {}
    worker: WorkerOut | None = None
    try:
        # A stopped or frozen database must not hold the probe: answer within the limit.
        counts = await asyncio.wait_for(
            pending_counts(
                state.pool,
                state.embedder.model_id,
                state.settings.embed_max_attempts,
                english_model_id=english_model_id(state.embedder),
            ),
            timeout=state.settings.health_timeout,
        )
        proposals = await proposal_counts(state.pool)
        status = await worker_status(state.pool)
        worker = WorkerOut(
            schedules=[ScheduleOut.model_validate(s) for s in status.schedules],
            jobs=status.jobs,
        )
    except Exception as exc:  # report, do not crash the probe
        database = f"unavailable: {type(exc).__name__}"
    model_ready = bool(getattr(state, "model_ready", False))
    body = HealthOut(
        status="ok" if database == "ok" and model_ready else "degraded",
        database=database,
        model={"id": state.embedder.model_id, "ready": model_ready},
        embeddings=counts,
        proposals=proposals,
        worker=worker,
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=200 if body.status == "ok" else 503
    )
