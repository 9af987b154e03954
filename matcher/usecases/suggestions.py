"""Suggest people for a challenge: retrieve, score, diversify, explain."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import asyncpg
import numpy as np

from embeddings.base import Embedder
from matcher.db import CANDIDATE_DOCUMENTS as CANDIDATE_DOCS
from matcher.errors import Conflict
from matcher.learning.apply import rerank
from matcher.learning.model import RerankerFormatError, load_reranker
from matcher.logging import get_logger
from matcher.matching.capacity import challenge_window
from matcher.matching.explain import evidence_items, explanation_lines
from matcher.matching.lexical import LexicalStats, search_lexemes
from matcher.matching.scoring import (
    ScoredCandidate,
    ScoringConfig,
    documents_needed,
    rank,
    score_candidates,
)
from matcher.records import Challenge, ChallengeKind, ChallengeQuery, Principal, Suggestion
from matcher.storage import candidates as candidate_store
from matcher.storage import challenges as challenge_store
from matcher.storage import reranker as reranker_store
from matcher.usecases.embedding import embed_both, english_model_id
from matcher.usecases.jobs import JobRun
from matcher.usecases.members import require_own_challenge

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SuggestionOptions:
    """How many and in which language; scoring configuration."""

    top: int = 10
    lang: str = "nl"
    config: ScoringConfig = field(default_factory=ScoringConfig)
    all_candidates: bool = False
    include_email: bool = False


async def score_query(
    conn: asyncpg.Connection,
    query: ChallengeQuery,
    vector: np.ndarray | None,
    *,
    model_id: str,
    today: date,
    config: ScoringConfig,
    all_candidates: bool = False,
    english: tuple[np.ndarray, str] | None = None,
    stage: Callable[[str], None] | None = None,
) -> list[ScoredCandidate]:
    """Every eligible candidate scored for the query (unranked).

    ``english`` is the query's English-model vector and that model's id (an ad-hoc English
    text); a stored challenge's own is read here. Retrieval stays on the multilingual vector.
    ``stage`` is told when each step ends (benchmarks/scale_stages.py times them).
    """
    mark = stage or _no_stage
    if english is None and query.challenge_id is not None and config.english_dense_weight > 0:
        english = await challenge_store.challenge_english_vector(conn, query.challenge_id)
    lexemes = await candidate_store.query_lexemes(conn, query.text)
    stats = await candidate_store.lexical_stats(conn, lexemes)
    mark("lexemes and document frequencies")
    if all_candidates:
        ids = await candidate_store.all_person_ids(conn)
    else:
        ids = await candidate_store.candidate_person_ids(
            conn,
            vector=vector if config.use_dense else None,
            model_id=model_id,
            lexemes=_search_lexemes(lexemes, stats, config),
            exclude_organisation_id=query.organisation_id if config.use_constraints else None,
            limit=CANDIDATE_DOCS,
            lexical_limit=config.lexical_candidate_documents,
        )
    mark("candidate ids (HNSW + full text)")
    window = challenge_window(query.starts_on, query.needed_by, today=today)
    candidates = await candidate_store.load_candidates(
        conn,
        ids,
        vector=vector,
        model_id=model_id,
        window=(window.starts_on, window.ends_on),
        challenge_id=query.challenge_id,
        english=english,
        per_person=(
            partial(documents_needed, config)
            if config.use_dense and config.nearest_documents_only
            else None
        ),
    )
    mark("loading candidates")
    # CPU-bound numpy work off the event loop: numpy releases the GIL, so concurrent
    # requests use every core, and the loop keeps serving meanwhile.
    scored = await asyncio.to_thread(
        partial(
            score_candidates,
            query,
            candidates,
            query_lexemes=lexemes,
            stats=stats,
            today=today,
            config=config,
        )
    )
    mark("scoring")
    return scored


def _no_stage(name: str) -> None:
    """What score_query tells when nobody times its steps."""


def _search_lexemes(lexemes: list[str], stats: LexicalStats, config: ScoringConfig) -> list[str]:
    """The lexemes the full-text candidate query uses (the informative ones by default)."""
    if not config.use_lexical:
        return []
    if not config.selective_lexical_candidates:
        return lexemes
    return search_lexemes(lexemes, stats, wanted=CANDIDATE_DOCS)


def to_suggestions(
    ranked: list[ScoredCandidate],
    query: ChallengeQuery,
    *,
    own_sector_name: str | None,
    today: date,
    options: SuggestionOptions,
) -> list[Suggestion]:
    """Records with evidence and explanation for the ranked candidates."""
    out: list[Suggestion] = []
    for s in ranked:
        c = s.candidate
        lines = explanation_lines(
            s,
            query,
            today=today,
            sector_names=(own_sector_name, c.sector_name),
            lang=options.lang,
            cross_sector_bonus=options.config.cross_sector_bonus,
        )
        out.append(
            Suggestion(
                person_id=c.person_id,
                person_name=c.person_name,
                person_role=c.person_role,
                organisation_id=c.organisation_id,
                organisation_name=c.organisation_name,
                sector_code=c.sector_code,
                sector_name=c.sector_name,
                province=c.province,
                score=round(s.score, 6),
                score_parts={k: round(v, 6) for k, v in s.parts.items()},
                features={k: round(v, 6) for k, v in s.features.items()},
                evidence=evidence_items(s),
                explanation=" ".join(lines),
                explanation_lines=lines,
                free_hours=s.free_hours,
                email=c.email if options.include_email else None,
            )
        )
    return out


async def suggest_for_query(
    conn: asyncpg.Connection,
    query: ChallengeQuery,
    vector: np.ndarray | None,
    *,
    model_id: str,
    today: date,
    options: SuggestionOptions,
    english: tuple[np.ndarray, str] | None = None,
    stage: Callable[[str], None] | None = None,
) -> list[Suggestion]:
    """Ranked, explained suggestions for a stored or ad-hoc challenge (``stage``: as in
    score_query, and "ranking and explanations" last)."""
    scored = await score_query(
        conn,
        query,
        vector,
        model_id=model_id,
        today=today,
        config=options.config,
        all_candidates=options.all_candidates,
        english=english,
        stage=stage,
    )
    await apply_active_reranker(conn, scored)
    ranked = rank(scored, top=options.top, config=options.config)
    suggestions = await asyncio.to_thread(
        partial(
            to_suggestions,
            ranked,
            query,
            own_sector_name=query.sector_name,
            today=today,
            options=options,
        )
    )
    (stage or _no_stage)("ranking and explanations")
    return suggestions


# --- Learned re-ranker -------------------------------------------------------------------
# When `matcher train` has activated a model, it replaces each candidate's score before
# ranking; the hand-tuned score stays in the parts as "scorer", the model's as "reranker".


async def apply_active_reranker(
    conn: asyncpg.Connection, scored: list[ScoredCandidate]
) -> int | None:
    """Re-score candidates with the active re-ranker, if any; returns its version."""
    stored = await reranker_store.active_model(conn)
    if stored is None:
        return None
    try:
        model = load_reranker(stored.payload)
    except RerankerFormatError as exc:
        # Stored models are checked before they are saved; an unreadable one must not stop
        # suggestions: the scorer ranks, and the log says why.
        log.error("active re-ranker unreadable", version=stored.version, error=exc.message)
        return None
    rerank(scored, model)
    return stored.version


# -------------------------------------------------------------------------------------------


async def query_for_challenge(conn: asyncpg.Connection, challenge: Challenge) -> ChallengeQuery:
    """The matcher's view of a stored challenge."""
    sector, sector_name, province = await candidate_store.organisation_context(
        conn, challenge.organisation_id
    )
    return ChallengeQuery(
        text=challenge.text,
        kind=challenge.kind,
        organisation_id=challenge.organisation_id,
        sector_code=sector,
        province=province,
        hours_needed=challenge.hours_needed,
        starts_on=challenge.starts_on,
        needed_by=challenge.needed_by,
        challenge_id=challenge.id,
        sector_name=sector_name,
    )


async def own_embedded_challenge(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int, *, model_id: str, action: str
) -> tuple[Challenge, np.ndarray]:
    """A challenge its caller may ask about, with its vector (409 while it waits for one)."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action=action)
    vector = await challenge_store.challenge_vector(conn, challenge_id, model_id)
    if vector is None:
        raise Conflict(
            "the challenge is waiting for its embedding; try again in a moment",
            code="embedding_pending",
        )
    return challenge, vector


async def suggest_for_challenge(
    conn: asyncpg.Connection,
    principal: Principal,
    challenge_id: int,
    *,
    model_id: str,
    today: date,
    options: SuggestionOptions,
) -> list[Suggestion]:
    """Suggestions for a stored challenge; its own organisation and staff may ask."""
    challenge, vector = await own_embedded_challenge(
        conn, principal, challenge_id, model_id=model_id, action="sees its suggestions"
    )
    query = await query_for_challenge(conn, challenge)
    opts = SuggestionOptions(
        top=options.top,
        lang=options.lang,
        config=options.config,
        include_email=principal.is_staff,
    )
    return await suggest_for_query(
        conn,
        query,
        np.asarray(vector, dtype=np.float32),
        model_id=model_id,
        today=today,
        options=opts,
    )


async def suggest_for_text(
    conn: asyncpg.Connection,
    embedder: Embedder,
    text: str,
    *,
    kind: ChallengeKind | None,
    organisation_id: int | None,
    hours_needed: float | None,
    today: date,
    options: SuggestionOptions,
) -> list[Suggestion]:
    """Suggestions for an ad-hoc challenge text (the CLI's suggest)."""
    vectors, [english_vector] = await asyncio.to_thread(embed_both, embedder, [text], queries=True)
    english_id = english_model_id(embedder)
    sector, sector_name, province = await candidate_store.organisation_context(
        conn, organisation_id
    )
    query = ChallengeQuery(
        text=text,
        kind=kind,
        organisation_id=organisation_id,
        sector_code=sector,
        province=province,
        hours_needed=hours_needed,
        starts_on=None,
        needed_by=None,
        sector_name=sector_name,
    )
    return await suggest_for_query(
        conn,
        query,
        vectors[0],
        model_id=embedder.model_id,
        today=today,
        options=options,
        english=(
            (english_vector, english_id)
            if english_vector is not None and english_id is not None
            else None
        ),
    )


async def run_lexeme_fold_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """Fold pending document-frequency changes into the base counts (reads are exact anyway)."""
    async with pool.acquire() as conn:
        folded = await candidate_store.fold_lexeme_frequencies(conn)
    log.info("document frequencies folded", job_id=run.job_id, changes=folded)
