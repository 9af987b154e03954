"""What the database part of a suggestion request sustains alone, with 20 concurrent clients.

The route's own code runs (scale_stages.suggest_as_the_route) until the candidates are
loaded; a stage callback stops it there, so scoring, ranking, explanations and HTTP are left
out. The requests per second this reaches on the same cores bound what the whole request
can reach, whatever the server process does. The dense candidate query alone (the HNSW scan
the recall goal asks for) is measured the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from scale_stages import suggest_as_the_route

from matcher import db
from matcher.storage import candidates as candidate_store

CLIENTS = 20


class _Loaded(Exception):
    """Raised by the stage callback once the candidates are loaded."""


def _stop_after_loading(stage: str) -> None:
    if stage == "loading candidates":
        raise _Loaded


async def _throughput(url: str, jobs: list[Any], one: Any) -> float:
    """Requests per second of ``one(conn, job)`` over the jobs with CLIENTS connections."""
    pool = await db.create_pool(url, min_size=CLIENTS, max_size=CLIENTS)
    try:
        async with pool.acquire() as conn:  # warm plans and caches
            for job in jobs[:10]:
                await one(conn, job)
        queue = list(jobs)

        async def client_loop() -> None:
            async with pool.acquire() as conn:
                while queue:
                    await one(conn, queue.pop())

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
        return len(jobs) / (time.perf_counter() - started)
    finally:
        await pool.close()


async def database_ceiling(url: str, data: dict[str, Any], requests: int) -> dict[str, float]:
    """Requests per second of the database part of a request, and of its dense query alone."""
    jobs = [data["challenges"][i % len(data["challenges"])] for i in range(requests)]

    async def until_loaded(conn: Any, job: tuple[int, int, Any]) -> None:
        cid, _, vector = job
        with contextlib.suppress(_Loaded):
            await suggest_as_the_route(conn, data, cid, vector, _stop_after_loading)

    async def dense_only(conn: Any, job: tuple[int, int, Any]) -> None:
        _, org, vector = job
        await candidate_store.candidate_person_ids(
            conn,
            vector=vector,
            model_id=data["model_id"],
            lexemes=[],
            exclude_organisation_id=org,
            limit=db.CANDIDATE_DOCUMENTS,
        )

    return {
        "database_rps_20_clients": await _throughput(url, jobs, until_loaded),
        "dense_rps_20_clients": await _throughput(url, jobs, dense_only),
    }
