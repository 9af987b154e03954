"""Scoring: constraints, features, score parts, ranking with diversity."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from matcher.matching.capacity import challenge_window, free_hours
from matcher.matching.lexical import LexicalStats, shared_lexemes
from matcher.matching.lexical import similarities as lexical_similarities
from matcher.matching.text import compound_matches, content_words, related_words
from matcher.records import (
    Candidate,
    ChallengeKind,
    ChallengeQuery,
    EvidenceDoc,
    document_text,
)


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights and switches of the scorer; the defaults are the best measured configuration.

    See docs/matching.md for what each part does and benchmarks/results/quality.md for what
    each is worth.
    """

    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    top_k: int = 3
    evidence_decay: float = 0.5
    cross_sector_bonus: float = 0.05
    province_bonus: float = 0.02
    speaker_topic_bonus: float = 0.15
    unwilling_speaker_factor: float = 0.5
    capacity_penalty: float = 0.6
    exposure_penalty: float = 0.05
    partner_organisation_weight: float = 0.3
    organisation_decay: float = 0.9
    max_per_organisation: int = 2
    use_dense: bool = True
    use_lexical: bool = True
    use_constraints: bool = True
    use_diversity: bool = True
    selective_lexical_candidates: bool = True

    def without(self, component: str) -> ScoringConfig:
        """This configuration with one component switched off (for ablation)."""
        switches = {
            "dense": {"use_dense": False},
            "lexical": {"use_lexical": False},
            "aggregation": {"top_k": 1},
            "cross_sector": {"cross_sector_bonus": 0.0},
            "province": {"province_bonus": 0.0},
            "speaker": {"speaker_topic_bonus": 0.0, "unwilling_speaker_factor": 1.0},
            "capacity": {"capacity_penalty": 0.0},
            "exposure": {"exposure_penalty": 0.0},
            "partner": {"partner_organisation_weight": 0.0},
            "diversity": {"use_diversity": False},
        }
        if component not in switches:
            raise ValueError(f"unknown component {component!r}; known: {', '.join(switches)}")
        return replace(self, **switches[component])  # type: ignore[arg-type]


ABLATION_COMPONENTS = (
    "dense",
    "lexical",
    "aggregation",
    "cross_sector",
    "province",
    "speaker",
    "capacity",
    "exposure",
    "partner",
    "diversity",
)


@dataclass(slots=True)
class DocScore:
    """A document's contribution to a candidate's relevance."""

    doc: EvidenceDoc
    dense: float
    lexical: float
    relevance: float
    share: float = 0.0
    shared_terms: list[str] = field(default_factory=list)
    terms_filled: bool = False


@dataclass(frozen=True, slots=True)
class TermContext:
    """What finding a document's shared terms needs; kept so they are found only when shown."""

    query_lexemes: tuple[str, ...]
    stats: LexicalStats
    query_words: tuple[str, ...]


@dataclass(slots=True)
class ScoredCandidate:
    """A candidate with features, score parts and the documents that carry the score."""

    candidate: Candidate
    score: float
    relevance: float
    parts: dict[str, float]
    features: dict[str, float]
    docs: list[DocScore]
    free_hours: float | None
    cross_sector: bool
    speaker_topics_matched: list[str]
    terms: TermContext | None = field(default=None, repr=False)


def exclusion_reason(candidate: Candidate, query: ChallengeQuery, free: float | None) -> str | None:
    """Why a candidate may never be suggested for this challenge, or None."""
    if not candidate.consent:
        return "no_consent"
    if query.organisation_id is not None and candidate.organisation_id == query.organisation_id:
        return "own_organisation"
    if (
        query.organisation_id is not None
        and query.organisation_id in candidate.conflict_organisation_ids
    ):
        return "conflict"
    if query.kind is ChallengeKind.capacity and (free is None or free <= 0):
        return "no_capacity"
    return None


def _lexical_scores(
    query: ChallengeQuery, candidates: Sequence[Candidate], config: ScoringConfig
) -> dict[int, float]:
    """Character n-gram TF-IDF cosine per document id, over every candidate's documents."""
    docs = [d for c in candidates for d in c.documents]
    if not config.use_lexical or not docs:
        return {}
    values = lexical_similarities(query.text, [document_text(d.title, d.body) for d in docs])
    return {d.document_id: float(v) for d, v in zip(docs, values, strict=True)}


def _doc_scores(
    candidate: Candidate, lexical: Mapping[int, float], config: ScoringConfig
) -> list[DocScore]:
    out: list[DocScore] = []
    for doc in candidate.documents:
        dense = doc.dense if (doc.dense is not None and config.use_dense) else 0.0
        lex = lexical.get(doc.document_id, 0.0)
        relevance = config.dense_weight * dense + config.lexical_weight * lex
        out.append(DocScore(doc=doc, dense=dense, lexical=lex, relevance=relevance))
    out.sort(key=lambda d: (-d.relevance, d.doc.document_id))
    return out


def evidence_weights(config: ScoringConfig) -> list[float]:
    """Weight of the best, second, ... document: 1, decay, decay², ... for the top k."""
    return [config.evidence_decay**i for i in range(max(config.top_k, 1))]


def _aggregate(docs: list[DocScore], config: ScoringConfig) -> float:
    """Evidence-weighted sum of the best documents; sets each document's share of it.

    Divided by the full weight sum, so a person with k equally good documents scores like
    one such document and a person with fewer supporting documents scores less.
    """
    weights = evidence_weights(config)
    norm = sum(weights)
    contributions = [w * d.relevance / norm for w, d in zip(weights, docs, strict=False)]
    total = sum(contributions)
    for d, c in zip(docs, contributions, strict=False):
        d.share = c / total if total > 0 else 0.0
    return total


def _speaker_topics_matched(candidate: Candidate, query_words: Sequence[str]) -> list[str]:
    matched = []
    for topic in candidate.speaker_topics:
        topic_words = content_words(topic)
        if any(related_words(t, q) for t in topic_words for q in query_words):
            matched.append(topic)
    return matched


def score_candidates(
    query: ChallengeQuery,
    candidates: Sequence[Candidate],
    *,
    query_lexemes: Sequence[str],
    stats: LexicalStats,
    today: date,
    config: ScoringConfig | None = None,
) -> list[ScoredCandidate]:
    """Score every eligible candidate; ineligible ones are left out, never down-weighted."""
    config = config or ScoringConfig()
    window = challenge_window(query.starts_on, query.needed_by, today=today)
    query_words = content_words(query.text)
    lexical = _lexical_scores(query, candidates, config)
    terms = TermContext(tuple(query_lexemes), stats, tuple(query_words))
    scored: list[ScoredCandidate] = []
    for cand in candidates:
        free = free_hours(
            hours_per_month=cand.capacity_hours_per_month,
            available_from=cand.available_from,
            available_until=cand.available_until,
            reserved=cand.reserved_hours,
            window=window,
        )
        if config.use_constraints and exclusion_reason(cand, query, free) is not None:
            continue
        docs = _doc_scores(cand, lexical, config)
        relevance = _aggregate(docs, config)
        parts: dict[str, float] = {"relevance": relevance}
        features: dict[str, float] = {
            "dense_best": max((d.dense for d in docs), default=0.0),
            "dense_mean_top": _mean([d.dense for d in sorted(docs, key=lambda d: -d.dense)][:3]),
            "lexical_best": max((d.lexical for d in docs), default=0.0),
            "relevance": relevance,
            "documents": float(len(docs)),
        }
        factor = 1.0
        cross = bool(
            query.sector_code and cand.sector_code and query.sector_code != cand.sector_code
        )
        features["cross_sector"] = 1.0 if cross else 0.0
        if cross and config.cross_sector_bonus:
            parts["cross_sector_bonus"] = config.cross_sector_bonus
            factor *= 1.0 + config.cross_sector_bonus
        same_province = bool(query.province and cand.province and query.province == cand.province)
        features["same_province"] = 1.0 if same_province else 0.0
        if same_province and config.province_bonus:
            parts["province_bonus"] = config.province_bonus
            factor *= 1.0 + config.province_bonus
        needed = query.hours_needed
        if needed:
            fit = min(free / needed, 1.0)
            features["capacity_fit"] = fit
            weight = (
                config.capacity_penalty
                if query.kind is ChallengeKind.capacity
                else config.capacity_penalty / 2
            )
            capacity_factor = (1.0 - weight) + weight * fit
            if capacity_factor != 1.0:
                parts["capacity_factor"] = capacity_factor
            factor *= capacity_factor
        else:
            features["capacity_fit"] = 1.0 if free > 0 else 0.0
        topics_matched: list[str] = []
        if query.kind is ChallengeKind.speaker:
            topics_matched = _speaker_topics_matched(cand, query_words)
            features["willing_to_speak"] = 1.0 if cand.willing_to_speak else 0.0
            features["speaker_topic_match"] = 1.0 if topics_matched else 0.0
            if not cand.willing_to_speak:
                speaker_factor = config.unwilling_speaker_factor
            else:
                speaker_factor = 1.0 + (config.speaker_topic_bonus if topics_matched else 0.0)
            if speaker_factor != 1.0:
                parts["speaker_factor"] = speaker_factor
            factor *= speaker_factor
        features["recent_exposure"] = float(cand.recent_exposure)
        if cand.recent_exposure and config.exposure_penalty:
            exposure_factor = 1.0 / (1.0 + config.exposure_penalty * cand.recent_exposure)
            parts["exposure_factor"] = exposure_factor
            factor *= exposure_factor
        scored.append(
            ScoredCandidate(
                candidate=cand,
                score=relevance * factor,
                relevance=relevance,
                parts=parts,
                features=features,
                docs=docs,
                free_hours=round(free, 1),
                cross_sector=cross,
                speaker_topics_matched=topics_matched,
                terms=terms,
            )
        )
    if query.kind is ChallengeKind.partner and config.partner_organisation_weight:
        _blend_organisation_strength(scored, config.partner_organisation_weight)
    for s in scored:
        s.parts["score"] = s.score
    return scored


def organisation_strength(scored: Sequence[ScoredCandidate]) -> dict[int | None, float]:
    """Per organisation: its best person's relevance plus half of the second best."""
    by_org: dict[int | None, list[float]] = defaultdict(list)
    for s in scored:
        by_org[s.candidate.organisation_id].append(s.relevance)
    out: dict[int | None, float] = {}
    for org, values in by_org.items():
        values.sort(reverse=True)
        out[org] = values[0] + 0.5 * (values[1] if len(values) > 1 else 0.0)
    return out


def _blend_organisation_strength(scored: list[ScoredCandidate], weight: float) -> None:
    """Partner challenges look for an organisation: blend in how strong the person's team is."""
    strength = organisation_strength(scored)
    for s in scored:
        factor = s.score / s.relevance if s.relevance else 0.0
        org_part = strength[s.candidate.organisation_id] / 1.5
        s.features["organisation_strength"] = org_part
        s.parts["organisation_strength"] = org_part
        s.score = ((1.0 - weight) * s.relevance + weight * org_part) * factor


def fill_shared_terms(scored: ScoredCandidate, *, documents: int = 3) -> None:
    """Set shared_terms on the candidate's best documents (once; only shown ones need it)."""
    if scored.terms is None:
        return
    for d in scored.docs[:documents]:
        if not d.terms_filled:
            d.shared_terms = shared_terms(d.doc, scored.terms)
            d.terms_filled = True


def shared_terms(doc: EvidenceDoc, terms: TermContext, limit: int = 5) -> list[str]:
    """Words the challenge and the document share, as the challenge wrote them.

    Same stem first (rarest first), then compound parts ("beveiliging" inside
    "informatiebeveiligingsbeleid").
    """
    out: list[str] = []
    for lex in shared_lexemes(terms.query_lexemes, doc.lexemes, terms.stats):
        word = next((w for w in terms.query_words if w.startswith(lex)), lex)
        if word not in out:
            out.append(word)
    if len(out) < limit:
        doc_words = content_words(document_text(doc.title, doc.body))
        for word in compound_matches(terms.query_words, doc_words):
            if word not in out and not any(word in w or w in word for w in out):
                out.append(word)
    return out[:limit]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def rank(
    scored: Sequence[ScoredCandidate], *, top: int, config: ScoringConfig | None = None
) -> list[ScoredCandidate]:
    """Top candidates, at most max_per_organisation from one organisation while others remain."""
    config = config or ScoringConfig()
    ordered = sorted(scored, key=lambda s: (-s.score, s.candidate.person_id))
    if not config.use_diversity:
        return ordered[:top]
    chosen: list[ScoredCandidate] = []
    per_org: dict[int | None, int] = defaultdict(int)
    remaining = list(ordered)
    while remaining and len(chosen) < top:
        best_index = 0
        best_value = -math.inf
        for i, s in enumerate(remaining):
            org = s.candidate.organisation_id
            if per_org[org] >= config.max_per_organisation:
                continue
            value = s.score * (config.organisation_decay ** per_org[org])
            if value > best_value:
                best_index, best_value = i, value
        if best_value == -math.inf:
            # Only over-represented organisations are left: fill by score.
            chosen.extend(remaining[: top - len(chosen)])
            break
        picked = remaining.pop(best_index)
        per_org[picked.candidate.organisation_id] += 1
        chosen.append(picked)
    return chosen
