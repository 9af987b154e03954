"""BM25 over stemmed lexemes (from PostgreSQL's dutch and english configurations)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LexicalStats:
    """Corpus statistics for the query's lexemes."""

    documents: int
    average_length: float
    document_frequency: Mapping[str, int]


def idf(stats: LexicalStats, lexeme: str) -> float:
    """BM25's inverse document frequency (always positive)."""
    n = max(stats.documents, 1)
    df = stats.document_frequency.get(lexeme, 0)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def bm25(
    query: Iterable[str],
    document: Iterable[str],
    stats: LexicalStats,
    *,
    k1: float = 1.2,
    b: float = 0.75,
) -> float:
    """BM25 of a document (its distinct lexemes) for a query (distinct lexemes)."""
    doc = set(document)
    if not doc:
        return 0.0
    length_norm = k1 * (1 - b + b * len(doc) / max(stats.average_length, 1.0))
    score = 0.0
    for lexeme in set(query):
        if lexeme in doc:
            score += idf(stats, lexeme) * (k1 + 1) / (1 + length_norm)
    return score


def shared_lexemes(query: Iterable[str], document: Iterable[str], stats: LexicalStats) -> list[str]:
    """Lexemes the query and document share, rarest first."""
    common = set(query) & set(document)
    return sorted(common, key=lambda lex: (-idf(stats, lex), lex))
