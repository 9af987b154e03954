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

    def lookup(self, query: str, documents: Sequence[str]) -> tuple[list[Terms], Terms, int, float]:
        """Everything one scoring call needs, under one lock.

        Returns the documents' terms, the query's terms that some document has, the
        vocabulary size, and the sum of squared term frequencies of the query's other
        n-grams (they count in the query's length).
        """
        q_counts = char_ngrams(query)
        with self._lock:
            if len(self._vocabulary) > self.max_ngrams:
                self._texts.clear()
                self._vocabulary = {}
            terms = [self._document_terms(d) for d in documents]
            vocabulary = self._vocabulary
            known = {vocabulary[g]: c for g, c in q_counts.items() if g in vocabulary}
            unknown = [c for g, c in q_counts.items() if g not in vocabulary]
            size = len(vocabulary)
        query_terms = Terms(
            ids=np.fromiter(known.keys(), dtype=np.int32, count=len(known)),
            tf=_sublinear(known.values()),
        )
        unknown_square = float(np.sum(_sublinear(unknown) ** 2))
        return terms, query_terms, size, unknown_square


_DEFAULT_INDEX = NgramIndex()


def similarities(
    query: str, documents: Sequence[str], *, index: NgramIndex | None = None
) -> npt.NDArray[np.float64]:
    """TF-IDF cosine of the query with each document; IDF over these documents."""
    n = len(documents)
    out = np.zeros(n)
    if n == 0:
        return out
    terms, q_terms, size, unknown_square = (_DEFAULT_INDEX if index is None else index).lookup(
        query, documents
    )
    size = max(size, 1)
    lengths = np.fromiter((len(t.ids) for t in terms), dtype=np.int64, count=n)
    all_ids = np.concatenate([t.ids for t in terms])
    all_tf = np.concatenate([t.tf for t in terms]).astype(np.float64)
    # Smoothed IDF as in scikit-learn: ln((1 + n) / (1 + df)) + 1.
    idf = np.log((1.0 + n) / (1.0 + np.bincount(all_ids, minlength=size))) + 1.0
    query_weight = np.zeros(size)
    query_weight[q_terms.ids] = q_terms.tf * idf[q_terms.ids]
    # Query n-grams that no document has (df 0) still make the query longer.
    q_norm = math.sqrt(
        float(np.sum(query_weight**2)) + unknown_square * (math.log(1.0 + n) + 1.0) ** 2
    )
    nonempty = lengths > 0
    if q_norm == 0 or not nonempty.any():
        return out
    weights = all_tf * idf[all_ids]
    starts = (np.cumsum(lengths) - lengths)[nonempty]
    doc_norm = np.sqrt(np.add.reduceat(weights * weights, starts))
    dot = np.add.reduceat(weights * query_weight[all_ids], starts)
    out[nonempty] = dot / (doc_norm * q_norm)
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


def shared_lexemes(query: Iterable[str], document: Iterable[str], stats: LexicalStats) -> list[str]:
    """Key lexemes the query and document share, rarest first.

    A lexeme found in more than 5% of all documents ("volgens", "organisatie") says little
    about expertise, so it is not shown as a key term.
    """
    limit = max(2.0, KEY_TERM_MAX_SHARE * stats.documents)
    common = {
        lex for lex in set(query) & set(document) if stats.document_frequency.get(lex, 0) <= limit
    }
    return sorted(common, key=lambda lex: (-idf(stats, lex), lex))


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
