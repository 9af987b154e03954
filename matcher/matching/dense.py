"""The dense similarity of a challenge and a document, routed by language.

Every text has a vector of the multilingual model (USE), which aligns Dutch with English.
English texts also get a vector of the English model (MiniLM), which ranks English
scientific and technical text clearly better (benchmarks/results/quality.md). For a pair of
two English texts the English model's cosine, mapped onto the multilingual model's scale so
that scores of English and Dutch documents stay comparable, replaces or is blended with the
multilingual cosine; every other pair keeps the multilingual cosine.
"""

from __future__ import annotations

from matcher.matching.config import ScoringConfig


def routed_dense(
    multilingual: float | None, english: float | None, config: ScoringConfig
) -> float | None:
    """The pair's dense similarity: the English model's for two English texts, else USE's."""
    if english is None or config.english_dense_weight <= 0:
        return multilingual
    mapped = config.english_scale * english + config.english_shift
    if multilingual is None:
        return mapped
    weight = min(config.english_dense_weight, 1.0)
    return (1.0 - weight) * multilingual + weight * mapped
