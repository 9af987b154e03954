"""Where a warm suggestion request's time goes, stage by stage, in process (as the route)."""

from __future__ import annotations

import functools
import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from matcher import db
from matcher.storage import challenges as challenge_store
from matcher.usecases.suggestions import SuggestionOptions, query_for_challenge, suggest_for_query


def _mark(marks: list[tuple[str, float]], stage: str) -> None:
    marks.append((stage, time.perf_counter()))


async def suggest_as_the_route(
    conn: Any, data: dict[str, Any], cid: int, vector: Any, stage: Callable[[str], None]
) -> None:
    """A stored challenge's suggestions made as the route makes them (the service's own
    code), telling ``stage`` when each step ends."""
    challenge = await challenge_store.get_challenge(conn, cid)
    query = await query_for_challenge(conn, challenge)
    stage("challenge and its organisation")
    await suggest_for_query(
        conn,
        query,
        vector,
        model_id=data["model_id"],
        today=date.today(),
        options=SuggestionOptions(),
        stage=stage,
    )


async def stage_times(url: str, data: dict[str, Any], rounds: int = 3) -> dict[str, float]:
    """Mean milliseconds per stage of a warm suggestion request, in process (as the route):
    the service's own code (suggest_for_query) tells when each step ends."""
    totals: dict[str, float] = defaultdict(float)
    count = 0
    pool = await db.create_pool(url, max_size=1)
    try:
        async with pool.acquire() as conn:
            for round_ in range(rounds):
                for cid, _, vector in data["challenges"]:
                    marks = [("start", time.perf_counter())]
                    await suggest_as_the_route(
                        conn, data, cid, vector, functools.partial(_mark, marks)
                    )
                    if round_ == 0:
                        continue  # the first round warms caches and plans
                    count += 1
                    for (_, before), (stage, after) in itertools.pairwise(marks):
                        totals[stage] += (after - before) * 1000
    finally:
        await pool.close()
    return {stage: total / max(count, 1) for stage, total in totals.items()}
