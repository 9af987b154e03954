"""Apply a re-ranker to scored candidates before ranking."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.learning.decisions import SCORER_FEATURE
from matcher.learning.model import Reranker
from matcher.matching.scoring import ScoredCandidate


def candidate_features(s: ScoredCandidate) -> dict[str, float]:
    """The features a re-ranker reads for a candidate: the scorer's, plus its score."""
    return {**s.features, SCORER_FEATURE: s.score}


def policy_factor(s: ScoredCandidate) -> float:
    """Cross-sector and province preference and fair exposure, as the scorer applied them."""
    return (
        (1.0 + s.parts.get("cross_sector_bonus", 0.0))
        * (1.0 + s.parts.get("province_bonus", 0.0))
        * s.parts.get("exposure_factor", 1.0)
    )


def rerank(scored: Sequence[ScoredCandidate], model: Reranker) -> None:
    """Replace each score with the model's times the policy factors.

    The model learns expertise fit from decisions; the association's preferences stay
    policy and are not learned away. Parts keep the hand-tuned score as "scorer".
    """
    if not scored:
        return
    probabilities = model.predict([candidate_features(s) for s in scored])
    for s, p in zip(scored, probabilities, strict=True):
        learned = float(p)
        value = learned * policy_factor(s)
        s.parts["scorer"] = s.score
        s.parts["reranker"] = learned
        s.parts["score"] = value
        s.score = value
