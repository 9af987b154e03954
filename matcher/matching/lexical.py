"""Lexical evidence: character n-gram TF-IDF over a candidate pool, and shared stems.

Dutch glues words together ("informatiebeveiligingsbeleid", "beleid voor de beveiliging van
informatie"), so whole-word matching misses most of the overlap between a challenge and a
profile. Character n-grams of 4 to 6 letters inside each word (padded with a space at both
ends, as scikit-learn's ``char_wb`` analyzer does) match the parts of compounds, inflections
and English/Dutch cognates ("continuïteit" / "continuity") without a stemmer or a
decompounding dictionary. Stop words are dropped first: their n-grams are everywhere and
only add noise.

Scores are TF-IDF cosines (sublinear term frequency, smoothed inverse document frequency
over the documents being scored), in [0, 1]. Each document's n-gram counts are cached per
process by text, so a suggestion request does the expensive part (splitting texts into
n-grams) once per document, not once per request.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from matcher.matching.text import STOP_WORDS, words

NGRAM_MIN = 4
NGRAM_MAX = 6


def _fold(text: str) -> str:
    """Lower case without diacritics: "Continuïteit" and "continuiteit" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lexical_tokens(text: str) -> list[str]:
    """Word tokens that carry meaning (stop words out; numbers such as 27001 stay)."""
    return [w for w in words(_fold(text)) if w not in STOP_WORDS]


def char_ngrams(text: str, *, low: int = NGRAM_MIN, high: int = NGRAM_MAX) -> Counter[str]:
    """Counts of the character n-grams inside each padded token ("  bio " for short ones)."""
    counts: Counter[str] = Counter()
    for token in lexical_tokens(text):
        padded = f" {token} "
        if len(padded) <= low:
            counts[padded] += 1
            continue
        for n in range(low, min(high, len(padded)) + 1):
            for i in range(len(padded) - n + 1):
                counts[padded[i : i + n]] += 1
    return counts


@dataclass(frozen=True, slots=True)
class Terms:
    """One text as n-gram ids with sublinear term frequencies (1 + log count)."""

    ids: npt.NDArray[np.int32]
    tf: npt.NDArray[np.float32]


def _sublinear(counts: Iterable[int]) -> npt.NDArray[np.float32]:
    return (1.0 + np.log(np.fromiter(counts, dtype=np.float32))).astype(np.float32)


class NgramIndex:
    """A process-wide n-gram vocabulary and a bounded LRU cache of each text's n-gram counts.

    The least recently used texts leave the cache one by one when it is full (a request that
    touches thousands of documents no longer wipes it). Only when the vocabulary itself passes
    its bound does everything start afresh: ids are only compared within one call. About 3 kB
    a document text (int32 ids, float32 frequencies), so the default bound is ~150 MB.
    """

    def __init__(self, max_texts: int = 50_000, max_ngrams: int = 5_000_000) -> None:
        self.max_texts = max_texts
        self.max_ngrams = max_ngrams
        self._vocabulary: dict[str, int] = {}
        self._texts: LRUCache[str, Terms] = LRUCache(maxsize=max_texts)
        self._lock = threading.RLock()
        # The last pool of documents and its IDF-weighted matrix: a challenge scored again,
        # or every challenge of an evaluation, meets the same pool.
        self._pool_texts: tuple[str, ...] = ()
        self._pool: _Pool | None = None

    def __len__(self) -> int:
        return len(self._texts)

    def _document_terms(self, text: str) -> Terms:
        cached = self._texts.get(text)
        if cached is not None:
            return cached
        counts = char_ngrams(text)
        vocabulary = self._vocabulary
        ids = np.fromiter(
            (vocabulary.setdefault(g, len(vocabulary)) for g in counts),
            dtype=np.int32,
            count=len(counts),
        )
        terms = Terms(ids=ids, tf=_sublinear(counts.values()))
        self._texts[text] = terms
        return terms

    def lookup(self, query: str, documents: Sequence[str]) -> tuple[_Pool, Terms, float]:
        """Everything one scoring call needs, under one lock.

        Returns the documents' pool (n-gram ids, IDF weights, norms), the query's terms that
        the vocabulary has, and the sum of squared term frequencies of the query's other
        n-grams (they count in the query's length).
        """
        q_counts = char_ngrams(query)
        texts = tuple(documents)
        with self._lock:
            pool = self._pool
            if pool is None or self._pool_texts != texts:
                if len(self._vocabulary) > self.max_ngrams:
                    self._texts.clear()
                    self._vocabulary = {}
                pool = _Pool.build([self._document_terms(d) for d in texts])
                self._pool_texts, self._pool = texts, pool
            vocabulary = self._vocabulary
            known = {vocabulary[g]: c for g, c in q_counts.items() if g in vocabulary}
            unknown = [c for g, c in q_counts.items() if g not in vocabulary]
        query_terms = Terms(
            ids=np.fromiter(known.keys(), dtype=np.int32, count=len(known)),
            tf=_sublinear(known.values()),
        )
        unknown_square = float(np.sum(_sublinear(unknown) ** 2))
        return pool, query_terms, unknown_square


@dataclass(frozen=True, slots=True)
class _Pool:
    """A pool of documents as one IDF-weighted sparse matrix (smoothed IDF over the pool)."""

    size: int
    idf: npt.NDArray[np.float64]
    ids: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float64]
    starts: npt.NDArray[np.int64]
    norms: npt.NDArray[np.float64]
    nonempty: npt.NDArray[np.bool_]
    tf: npt.NDArray[np.float64]

    @property
    def unseen_idf(self) -> float:
        """The IDF of an n-gram no document of the pool has."""
        return math.log(1.0 + len(self.nonempty)) + 1.0

    @staticmethod
    def build(terms: Sequence[Terms]) -> _Pool:
        n = len(terms)
        lengths = np.fromiter((len(t.ids) for t in terms), dtype=np.int64, count=n)
        ids = np.concatenate([t.ids for t in terms]) if n else np.zeros(0, dtype=np.int32)
        tf = np.concatenate([t.tf for t in terms]).astype(np.float64) if n else np.zeros(0)
        size = int(ids.max()) + 1 if len(ids) else 1
        # Smoothed IDF as in scikit-learn: ln((1 + n) / (1 + df)) + 1.
        idf = np.log((1.0 + n) / (1.0 + np.bincount(ids, minlength=size))) + 1.0
        weights = tf * idf[ids]
        nonempty = lengths > 0
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        norms = np.sqrt(np.add.reduceat(weights * weights, starts)) if len(starts) else np.zeros(0)
        return _Pool(size, idf, ids, weights, starts, norms, nonempty, tf)


_DEFAULT_INDEX = NgramIndex()


def similarities(
    query: str, documents: Sequence[str], *, index: NgramIndex | None = None
) -> npt.NDArray[np.float64]:
    """TF-IDF cosine of the query with each document; IDF over these documents."""
    n = len(documents)
    out = np.zeros(n)
    if n == 0:
        return out
    pool, q_terms, unknown_square = (_DEFAULT_INDEX if index is None else index).lookup(
        query, documents
    )
    unseen = pool.unseen_idf
    inside = q_terms.ids < pool.size
    query_weight = np.zeros(pool.size)
    query_weight[q_terms.ids[inside]] = q_terms.tf[inside] * pool.idf[q_terms.ids[inside]]
    # Query n-grams that no document of the pool has (df 0) still make the query longer.
    outside = float(np.sum(q_terms.tf[~inside].astype(np.float64) ** 2))
    q_norm = math.sqrt(float(np.sum(query_weight**2)) + (outside + unknown_square) * unseen**2)
    if q_norm == 0 or not pool.nonempty.any():
        return out
    dot = np.add.reduceat(pool.weights * query_weight[pool.ids], pool.starts)
    out[pool.nonempty] = dot / (pool.norms * q_norm)
    return out


def saturated_similarities(
    query: str,
    documents: Sequence[str],
    *,
    k1: float = 1.2,
    b: float = 0.75,
    index: NgramIndex | None = None,
) -> npt.NDArray[np.float64]:
    """BM25-style n-gram evidence in [0, 1]: term frequency saturates with document length.

    Each query n-gram contributes idf · tf(k1+1)/(tf + k1(1 − b + b·len/avg len)); the sum is
    divided by its maximum (every n-gram of the query present and saturated), so a long
    abstract no longer gains from repeating the same terms, nor loses for being long.
    """
    n = len(documents)
    out = np.zeros(n)
    if n == 0:
        return out
    pool, q_terms, unknown_square = (_DEFAULT_INDEX if index is None else index).lookup(
        query, documents
    )
    if not pool.nonempty.any():
        return out
    counts = np.exp(pool.tf - 1.0)  # tf is 1 + ln(count)
    doc_len = np.add.reduceat(counts, pool.starts)
    relative = doc_len / doc_len.mean()
    lengths = np.diff(np.append(pool.starts, len(pool.ids)))
    norm_per_entry = np.repeat(k1 * (1.0 - b + b * relative), lengths)
    saturated = counts * (k1 + 1.0) / (counts + norm_per_entry)
    unseen = pool.unseen_idf
    inside = q_terms.ids < pool.size
    query_weight = np.zeros(pool.size)
    query_weight[q_terms.ids[inside]] = q_terms.tf[inside] * pool.idf[q_terms.ids[inside]]
    outside = float(np.sum(q_terms.tf[~inside])) + math.sqrt(unknown_square)
    best = (float(np.sum(query_weight)) + outside * unseen) * (k1 + 1.0)
    if best == 0:
        return out
    dot = np.add.reduceat(saturated * query_weight[pool.ids], pool.starts)
    out[pool.nonempty] = dot / best
    return out


@dataclass(frozen=True, slots=True)
class LexicalStats:
    """Corpus statistics for the query's stemmed lexemes (from PostgreSQL's configurations)."""

    documents: int
    document_frequency: Mapping[str, int]


def idf(stats: LexicalStats, lexeme: str) -> float:
    """Inverse document frequency of a stemmed lexeme (always positive)."""
    n = max(stats.documents, 1)
    df = stats.document_frequency.get(lexeme, 0)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


KEY_TERM_MAX_SHARE = 0.05
"""A lexeme found in more than this share of all documents is too common to be a key term."""


SEARCH_LEXEMES_MAX = 16


def search_lexemes(lexemes: Iterable[str], stats: LexicalStats, *, wanted: int) -> list[str]:
    """The query's lexemes worth a full-text candidate search, rarest first.

    A lexeme no document has finds nothing; one found in more than 5% of the documents (and
    more than twice the documents wanted) matches a large part of the corpus and ranks by
    noise, so it is left to the dense search and the scoring. At most 16 are kept.
    """
    common = max(2.0 * wanted, KEY_TERM_MAX_SHARE * stats.documents)
    frequency = stats.document_frequency
    kept = [lex for lex in set(lexemes) if 0 < frequency.get(lex, 0) <= common]
    return sorted(kept, key=lambda lex: (frequency[lex], lex))[:SEARCH_LEXEMES_MAX]
