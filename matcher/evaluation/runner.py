"""Score a labelled dataset with the production pipeline on a scratch database."""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean

import asyncpg
import numpy as np

from embeddings.base import Embedder
from matcher import db, migrations
from matcher.evaluation.dataset import Dataset, EvalChallenge, EvalProfile
from matcher.evaluation.metrics import ndcg_at_k, pairwise_loss, recall_at_k, reciprocal_rank
from matcher.inputs import DocumentInput, NewPerson
from matcher.matching.scoring import ScoredCandidate, ScoringConfig, rank
from matcher.records import PROVINCES, ChallengeKind, ChallengeQuery, document_text
from matcher.storage import candidates as candidate_store
from matcher.storage import embedding_queue as queue_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage.embedding_queue import ensure_vector_index
from matcher.usecases.embedding import embed_both, english_model_id, english_vectors
from matcher.usecases.suggestions import score_query

# Values that make the capacity, consent and speaker rules neutral for people whose data
# does not describe them: the rules "simply do not apply".
EVAL_TODAY = date(2026, 1, 1)


@dataclass(slots=True)
class ChallengeResult:
    """One challenge's ranking and metrics."""

    challenge_id: str
    ranking: list[str]
    scores: dict[str, float]
    ndcg: float
    recall: float
    rr: float


@dataclass(slots=True)
class EvalResult:
    """Metrics over a dataset for one configuration."""

    metrics: dict[str, float | str | int]
    per_challenge: dict[str, ChallengeResult] = field(default_factory=dict)
    features: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)


def _slug(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40]
    return slug or "x"


class ScratchDatabase:
    """A temporary database with the schema applied, dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.name = f"matcher_eval_{secrets.token_hex(4)}"

    async def __aenter__(self) -> str:
        url = await db.create_database(self.server_url, self.name)
        conn = await db.connect(url, vectors=False)
        try:
            await migrations.upgrade(conn)
        finally:
            await conn.close()
        return url

    async def __aexit__(self, *exc: object) -> None:
        await db.drop_database(self.server_url, self.name)


def _neutral_person(profile: EvalProfile) -> NewPerson:
    """A consenting person with room for work; speaking data when the profile declares it."""
    willing = profile.extra.get("willing_to_speak")
    topics = profile.extra.get("speaker_topics")
    return NewPerson(
        name=profile.name or profile.id,
        email="",
        consent=True,
        capacity_hours_per_month=40.0,
        willing_to_speak=willing if isinstance(willing, bool) else True,
        speaker_topics=tuple(
            t
            for t in (topics if isinstance(topics, list) else ())
            if isinstance(t, str) and t.strip()
        ),
    )


async def _embed_pending_documents(conn: asyncpg.Connection, embedder: Embedder) -> None:
    """Embed the documents the storage layer derived (speaker topics), as the worker does."""
    english_id = english_model_id(embedder)
    while pending := await queue_store.claim_pending(
        conn,
        "document",
        model_id=embedder.model_id,
        limit=256,
        max_attempts=1,
        english_model_id=english_id,
    ):
        texts = [p.text for p in pending]
        vectors = await asyncio.to_thread(embedder.embed_documents, texts)
        english = await asyncio.to_thread(english_vectors, embedder, texts, queries=False)
        await queue_store.store_vectors(
            conn,
            "document",
            model_id=embedder.model_id,
            items=list(zip(pending, vectors, strict=True)),
            english_model_id=english_id,
            english=english,
        )


def _own_organisation_name(profile_id: str, named: set[str]) -> str:
    """A name for the organisation of a profile without one, unlike every named one."""
    name = f"profiel {profile_id}"
    while name in named:
        name += "'"
    return name


async def _load(
    conn: asyncpg.Connection, dataset: Dataset, embedder: Embedder
) -> tuple[dict[int, str], dict[str, int], dict[str, str]]:
    """Store organisations, profiles and documents with their vectors; returns id maps."""
    sectors: set[str] = {p.sector for p in dataset.profiles if p.sector}
    sectors |= {c.sector for c in dataset.challenges if c.sector}
    sector_codes = {
        name: await org_store.ensure_sector(conn, code=_slug(name), name=name)
        for name in sorted(sectors)
    }
    org_ids: dict[str, int] = {}

    async def organisation(name: str, sector: str | None, region: str | None) -> int:
        if name not in org_ids:
            created = await org_store.create_organisation(
                conn,
                name=name,
                sector_code=sector_codes.get(sector) if sector else None,
                province=region if region in PROVINCES else None,
                contact_email="",
            )
            org_ids[name] = created.id
        return org_ids[name]

    named = {p.organisation for p in dataset.profiles if p.organisation}
    named |= {c.organisation for c in dataset.challenges if c.organisation}
    person_profile: dict[int, str] = {}
    doc_rows: list[tuple[int, DocumentInput]] = []
    for profile in dataset.profiles:
        org_name = profile.organisation or _own_organisation_name(profile.id, named)
        org_id = await organisation(org_name, profile.sector, profile.region)
        person_id = await people_store.insert_person(
            conn,
            organisation_id=org_id,
            person=_neutral_person(profile),
            documents=(),
        )
        person_profile[person_id] = profile.id
        for doc in profile.documents:
            doc_rows.append(
                (person_id, DocumentInput(kind="other", title=doc.title or "", body=doc.text))
            )
    for challenge in dataset.challenges:
        if challenge.organisation:
            await organisation(challenge.organisation, challenge.sector, None)
    texts = [document_text(doc.title, doc.body) for _, doc in doc_rows]
    vectors = await asyncio.to_thread(embedder.embed_documents, texts)
    english = await asyncio.to_thread(english_vectors, embedder, texts, queries=False)
    await people_store.add_embedded_documents(
        conn,
        [(pid, doc, vec) for (pid, doc), vec in zip(doc_rows, vectors, strict=True)],
        model_id=embedder.model_id,
        english_model_id=english_model_id(embedder),
        english=english,
    )
    await _embed_pending_documents(conn, embedder)
    await ensure_vector_index(conn, int(vectors.shape[1]))
    await candidate_store.refresh_statistics(conn)
    return person_profile, org_ids, sector_codes


def _query(
    challenge: EvalChallenge, org_ids: Mapping[str, int], sector_code: str | None
) -> ChallengeQuery:
    kind = (
        ChallengeKind(challenge.kind)
        if challenge.kind and challenge.kind in ChallengeKind.__members__
        else None
    )
    text = document_text(challenge.title or "", challenge.text)
    return ChallengeQuery(
        text=text,
        kind=kind,
        organisation_id=org_ids.get(challenge.organisation) if challenge.organisation else None,
        sector_code=sector_code,
        province=None,
        hours_needed=None,
        starts_on=None,
        needed_by=None,
    )


def metrics_from(
    rankings: Mapping[str, Sequence[str]],
    scores: Mapping[tuple[str, str], float],
    judgments: Mapping[str, Mapping[str, float]],
    *,
    k: int = 10,
) -> tuple[dict[str, float], dict[str, tuple[float, float, float]]]:
    """nDCG@k, recall@k and MRR over graded challenges; pairwise losses over raw scores."""
    per: dict[str, tuple[float, float, float]] = {}
    for cid, grades in judgments.items():
        if max(grades.values(), default=0.0) <= 0 or cid not in rankings:
            continue
        ranking = list(rankings[cid])
        per[cid] = (
            ndcg_at_k(ranking, grades, k),
            recall_at_k(ranking, grades, k),
            reciprocal_rank(ranking, grades),
        )
    values = list(per.values())
    out = {
        f"ndcg@{k}": fmean(v[0] for v in values) if values else math.nan,
        f"recall@{k}": fmean(v[1] for v in values) if values else math.nan,
        "mrr": fmean(v[2] for v in values) if values else math.nan,
        "pairwise_loss_by_profile": pairwise_loss(scores, judgments, by="profile"),
        "pairwise_loss_by_challenge": pairwise_loss(scores, judgments, by="challenge"),
    }
    return out, per


async def evaluate_dataset(
    dataset: Dataset,
    embedder: Embedder,
    *,
    server_url: str,
    configs: Mapping[str, ScoringConfig] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, EvalResult]:
    """Run the production retrieval and scoring for each configuration (default: the defaults)."""
    configs = configs or {"default": ScoringConfig()}
    started = time.perf_counter()
    results: dict[str, EvalResult] = {}
    async with ScratchDatabase(server_url) as url:
        pool = await db.create_pool(url, max_size=2)
        try:
            async with pool.acquire() as conn:
                person_profile, org_ids, sector_codes = await _load(conn, dataset, embedder)
                profile_ids = [p.id for p in dataset.profiles]
                challenge_texts = [document_text(c.title or "", c.text) for c in dataset.challenges]
                qvecs, english_queries = await asyncio.to_thread(
                    embed_both, embedder, challenge_texts, queries=True
                )
                english_id = english_model_id(embedder)
                load_seconds = time.perf_counter() - started
                for name, config in configs.items():
                    t0 = time.perf_counter()
                    result = EvalResult(metrics={})
                    rankings: dict[str, list[str]] = {}
                    scores: dict[tuple[str, str], float] = {}
                    by_challenge: dict[str, dict[str, float]] = {}
                    for challenge, vec, english_vec in zip(
                        dataset.challenges, qvecs, english_queries, strict=True
                    ):
                        if challenge.id not in dataset.judgments:
                            continue
                        sector_code = (
                            sector_codes.get(challenge.sector) if challenge.sector else None
                        )
                        if sector_code is None and challenge.organisation in org_ids:
                            sector_code, _, _ = await candidate_store.organisation_context(
                                conn, org_ids[challenge.organisation]
                            )
                        query = _query(challenge, org_ids, sector_code)
                        scored = await score_query(
                            conn,
                            query,
                            np.asarray(vec, dtype=np.float32),
                            model_id=embedder.model_id,
                            today=EVAL_TODAY,
                            config=config,
                            all_candidates=True,
                            english=(
                                (english_vec, english_id)
                                if english_vec is not None and english_id is not None
                                else None
                            ),
                        )
                        ranked = rank(scored, top=len(scored), config=config)
                        ranking = [person_profile[s.candidate.person_id] for s in ranked]
                        seen = set(ranking)
                        ranking += [pid for pid in profile_ids if pid not in seen]
                        rankings[challenge.id] = ranking
                        own = by_challenge[challenge.id] = {}
                        for s in scored:
                            pid = person_profile[s.candidate.person_id]
                            scores[(challenge.id, pid)] = own[pid] = s.score
                            result.features[(challenge.id, pid)] = _features(s)
                        if progress is not None:
                            progress(1)
                    metrics, per = metrics_from(rankings, scores, dataset.judgments)
                    scoring_seconds = time.perf_counter() - t0
                    result.metrics = {
                        **metrics,
                        "seconds": round(load_seconds + scoring_seconds, 3),
                        "load_seconds": round(load_seconds, 3),
                        "scoring_seconds": round(scoring_seconds, 3),
                        "model": embedder.model_id,
                        "challenges": len(per),
                    }
                    result.per_challenge = {
                        cid: ChallengeResult(
                            challenge_id=cid,
                            ranking=rankings[cid],
                            scores=by_challenge[cid],
                            ndcg=v[0],
                            recall=v[1],
                            rr=v[2],
                        )
                        for cid, v in per.items()
                    }
                    results[name] = result
        finally:
            await pool.close()
    return results


def subset_metrics(
    result: EvalResult,
    challenge_ids: Iterable[str],
    judgments: Mapping[str, Mapping[str, float]],
    *,
    k: int = 10,
) -> dict[str, float]:
    """The metrics of an evaluated configuration over some of its challenges only."""
    wanted = [cid for cid in challenge_ids if cid in result.per_challenge]
    rankings = {cid: result.per_challenge[cid].ranking for cid in wanted}
    scores = {
        (cid, pid): value
        for cid in wanted
        for pid, value in result.per_challenge[cid].scores.items()
    }
    metrics, per = metrics_from(rankings, scores, {cid: judgments[cid] for cid in wanted}, k=k)
    return {**metrics, "challenges": float(len(per))}


def challenge_subsets(dataset: Dataset) -> dict[str, list[str]]:
    """Graded challenges grouped by language, from the "lang" field of profiles and challenges.

    ``en`` holds the English challenges; ``nl->en`` the Dutch challenges with a top-graded
    profile written in English, ``en->nl`` the reverse; ``same`` the challenges whose
    top-graded profiles are all in the challenge's language. Without "lang" fields, every
    group is empty.
    """
    profile_lang = {p.id: p.extra.get("lang") for p in dataset.profiles}
    out: dict[str, list[str]] = {"en": [], "nl->en": [], "en->nl": [], "same": []}
    for challenge in dataset.challenges:
        grades = dataset.judgments.get(challenge.id, {})
        best = max(grades.values(), default=0.0)
        lang = challenge.extra.get("lang")
        if best <= 0 or not isinstance(lang, str):
            continue
        if lang == "en":
            out["en"].append(challenge.id)
        top_langs = {profile_lang.get(pid) for pid, g in grades.items() if g == best}
        others = {t for t in top_langs if isinstance(t, str) and t != lang}
        if not others:
            out["same"].append(challenge.id)
        for other in sorted(others):
            out.setdefault(f"{lang}->{other}", []).append(challenge.id)
    return out


def _features(s: ScoredCandidate) -> dict[str, float]:
    return {**s.features, "score": s.score}
