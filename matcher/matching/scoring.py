"""Scoring: constraints, features, score parts, ranking with diversity."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from matcher.matching.capacity import challenge_window, free_hours

# Re-exported: callers import the configuration from here.
from matcher.matching.config import ABLATION_COMPONENTS as ABLATION_COMPONENTS
from matcher.matching.config import ScoringConfig as ScoringConfig
from matcher.matching.evidence import DENSE_MEAN_TOP as DENSE_MEAN_TOP
from matcher.matching.evidence import DocScore as DocScore
from matcher.matching.evidence import aggregate, dense_mean, doc_scores, lexical_scores
from matcher.matching.evidence import documents_needed as documents_needed
from matcher.matching.evidence import evidence_weights as evidence_weights
from matcher.matching.lexical import LexicalStats
from matcher.matching.speaker import speaker_topic_fit
from matcher.matching.terms import acronyms, expertise_text, is_key_word, shared_key_terms
from matcher.matching.text import content_words
from matcher.records import (
    Candidate,
    ChallengeKind,
    ChallengeQuery,
    EvidenceDoc,
    document_text,
)


@dataclass(frozen=True, slots=True)
class TermContext:
    """What finding a document's shared terms needs; kept so they are found only when shown."""

    query_lexemes: tuple[str, ...]
    stats: LexicalStats
    query_text: str


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
    factor: float = 1.0
    """The product of the factors (bonuses, penalties) applied to the relevance."""
    placed_as_nth_of_organisation: int = 0
    """Set by rank when diversity put this person below a lower score: n-th of their organisation."""


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
    query_words = [w for w in content_words(query.text) if is_key_word(w)]
    lexical = lexical_scores(query, candidates, config)
    topics = (
        speaker_topic_fit(
            [
                c
                for c in candidates
                if not config.use_constraints or exclusion_reason(c, query, 1.0) is None
            ],
            query_words,
            relative=config.speaker_topic_relative,
            by_meaning=config.use_dense,
            query_acronyms=acronyms(expertise_text(query.text)),
        )
        if query.kind is ChallengeKind.speaker
        else {}
    )
    terms = TermContext(tuple(query_lexemes), stats, query.text)
    centre = dense_mean(candidates, config)
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
        docs = doc_scores(cand, lexical, config, centre)
        # Only the nearest documents may be loaded; the track record counts all of them.
        track_record = len(docs) if cand.track_record_size is None else cand.track_record_size
        relevance = aggregate(docs, config, track_record)
        parts: dict[str, float] = {"relevance": relevance}
        features: dict[str, float] = {
            "dense_best": max((d.dense for d in docs), default=0.0),
            "dense_mean_top": _mean(
                [d.dense for d in sorted(docs, key=lambda d: -d.dense)][:DENSE_MEAN_TOP]
            ),
            "lexical_best": max((d.lexical for d in docs), default=0.0),
            "relevance": relevance,
            "documents": float(track_record),
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
            topic_fit, topics_matched = topics.get(cand.person_id, (0.0, []))
            features["willing_to_speak"] = 1.0 if cand.willing_to_speak else 0.0
            features["speaker_topic_match"] = topic_fit
            if not cand.willing_to_speak:
                speaker_factor = config.unwilling_speaker_factor
            else:
                speaker_factor = 1.0 + config.speaker_topic_bonus * topic_fit
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
                score=apply_factor(relevance, factor),
                relevance=relevance,
                parts=parts,
                features=features,
                docs=docs,
                free_hours=round(free, 1),
                cross_sector=cross,
                speaker_topics_matched=topics_matched,
                terms=terms,
                factor=factor,
            )
        )
    if query.kind is ChallengeKind.partner and config.partner_organisation_weight:
        _blend_organisation_strength(scored, config.partner_organisation_weight)
    for s in scored:
        s.parts["score"] = s.score
    return scored


def apply_factor(value: float, factor: float) -> float:
    """Scale a relevance by a factor so a bonus always helps, also for a negative relevance."""
    return value * factor if value >= 0 or factor <= 0 else value / factor


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
        org_part = strength[s.candidate.organisation_id] / 1.5
        s.features["organisation_strength"] = org_part
        s.parts["organisation_strength"] = org_part
        s.score = apply_factor((1.0 - weight) * s.relevance + weight * org_part, s.factor)


def fill_shared_terms(scored: ScoredCandidate, *, documents: int = 3) -> None:
    """Set shared_terms on the candidate's best documents (once; only shown ones need it)."""
    if scored.terms is None:
        return
    for d in scored.docs[:documents]:
        if not d.terms_filled:
            d.shared_terms = shared_terms(d.doc, scored.terms)
            d.terms_filled = True


def shared_terms(doc: EvidenceDoc, terms: TermContext, limit: int = 5) -> list[str]:
    """Key terms the challenge and the document share, as words a member finds in both."""
    return shared_key_terms(
        terms.query_text,
        document_text(doc.title, doc.body),
        query_lexemes=terms.query_lexemes,
        stats=terms.stats,
        limit=limit,
    )


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

    def place(picked: ScoredCandidate) -> None:
        org = picked.candidate.organisation_id
        lower_above = any(c.score < picked.score for c in chosen)
        picked.placed_as_nth_of_organisation = per_org[org] + 1 if lower_above else 0
        per_org[org] += 1
        chosen.append(picked)

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
            for picked in remaining[: top - len(chosen)]:
                place(picked)
            break
        place(remaining.pop(best_index))
    return chosen
