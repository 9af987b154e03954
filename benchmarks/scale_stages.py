"""Where a warm suggestion request's time goes, stage by stage, in process (as the route)."""

from __future__ import annotations

import functools
import itertools
import json
import time
from collections import defaultdict
from datetime import date
from typing import Any

from matcher import db
from matcher.matching.capacity import challenge_window
from matcher.matching.lexical import search_lexemes
from matcher.matching.scoring import documents_needed, rank, score_candidates
from matcher.storage import candidates as candidate_store
from matcher.storage import challenges as challenge_store
from matcher.usecases.suggestions import (
    SuggestionOptions,
    apply_active_reranker,
    query_for_challenge,
    to_suggestions,
)


def _mark(marks: list[tuple[str, float]], stage: str) -> None:
    marks.append((stage, time.perf_counter()))


async def stage_times(url: str, data: dict[str, Any], rounds: int = 3) -> dict[str, float]:
    """Mean milliseconds per stage of a warm suggestion request, in process (as the route)."""
    totals: dict[str, float] = defaultdict(float)
    count = 0
    options = SuggestionOptions()
    config = options.config
    pool = await db.create_pool(url, max_size=1)
    try:
        async with pool.acquire() as conn:
            for round_ in range(rounds):
                for cid, _, vector in data["challenges"]:
                    marks = [("start", time.perf_counter())]
                    mark = functools.partial(_mark, marks)

                    challenge = await challenge_store.get_challenge(conn, cid)
                    query = await query_for_challenge(conn, challenge)
                    mark("challenge and its organisation")
                    lexemes = await candidate_store.query_lexemes(conn, query.text)
                    stats = await candidate_store.lexical_stats(conn, lexemes)
                    mark("lexemes and document frequencies")
                    ids = await candidate_store.candidate_person_ids(
                        conn,
                        vector=vector,
                        model_id=data["model_id"],
                        lexemes=search_lexemes(lexemes, stats, wanted=db.CANDIDATE_DOCUMENTS),
                        exclude_organisation_id=query.organisation_id,
                        limit=db.CANDIDATE_DOCUMENTS,
                        lexical_limit=config.lexical_candidate_documents,
                    )
                    mark("candidate ids (HNSW + full text)")
                    window = challenge_window(query.starts_on, query.needed_by, today=date.today())
                    candidates = await candidate_store.load_candidates(
                        conn,
                        ids,
                        vector=vector,
                        model_id=data["model_id"],
                        window=(window.starts_on, window.ends_on),
                        challenge_id=cid,
                        per_person=(
                            functools.partial(documents_needed, config)
                            if config.nearest_documents_only
                            else None
                        ),
                    )  # as score_query loads them
                    mark("loading candidates")
                    scored = score_candidates(
                        query,
                        candidates,
                        query_lexemes=lexemes,
                        stats=stats,
                        today=date.today(),
                        config=config,
                    )
                    mark("scoring")
                    await apply_active_reranker(conn, scored)
                    ranked = rank(scored, top=10, config=config)
                    suggestions = to_suggestions(
                        ranked, query, own_sector_name=None, today=date.today(), options=options
                    )
                    json.dumps([s.explanation for s in suggestions])
                    mark("ranking and explanations")
                    if round_ == 0:
                        continue  # the first round warms caches and plans
                    count += 1
                    for (_, before), (stage, after) in itertools.pairwise(marks):
                        totals[stage] += (after - before) * 1000
    finally:
        await pool.close()
    return {stage: total / max(count, 1) for stage, total in totals.items()}
