"""Apply a re-ranker to scored candidates before ranking."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.learning.decisions import SCORER_FEATURE
from matcher.learning.model import Reranker
from matcher.matching.scoring import ScoredCandidate


def candidate_features(s: ScoredCandidate) -> dict[str, float]:
    """The features a re-ranker reads for a candidate: the scorer's, plus its score."""
    return {**s.features, SCORER_FEATURE: s.score}


def rerank(scored: Sequence[ScoredCandidate], model: Reranker) -> None:
    """Replace each score with the model's; parts keep the hand-tuned one as "scorer"."""
    if not scored:
        return
    probabilities = model.predict([candidate_features(s) for s in scored])
    for s, p in zip(scored, probabilities, strict=True):
        value = float(p)
        s.parts["scorer"] = s.score
        s.parts["reranker"] = value
        s.parts["score"] = value
        s.score = value
