"""Lexical evidence: character n-gram TF-IDF over a candidate pool, and shared stems.

Dutch glues words together ("informatiebeveiligingsbeleid", "beleid voor de beveiliging van
informatie"), so whole-word matching misses most of the overlap between a challenge and a
profile. Character n-grams of 4 to 6 letters inside each word (padded with a space at both
ends, as scikit-learn's ``char_wb`` analyzer does) match the parts of compounds, inflections
and English/Dutch cognates ("continuïteit" / "continuity") without a stemmer or a
decompounding dictionary. Stop words are dropped first: their n-grams are everywhere and
only add noise.

Scores are TF-IDF cosines (sublinear term frequency, smoothed inverse document frequency
over the documents being scored), in [0, 1]. A document's n-grams are counted once, when
its text is stored or embedded, and kept with it as compact features (hashed n-gram ids and
counts, see ``lexical_features``); a request only decodes them, so there is no per-process
cache to warm and the first request after a start costs what any other does.
"""

from __future__ import annotations

import math
import threading
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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


FEATURES_VERSION = 1
"""First byte of stored features; raise it when tokens or n-grams change (stored ones go stale)."""

_COUNT_MAX = 65535


def ngram_id(gram: str) -> int:
    """A stable 32-bit id of an n-gram (the same in every process and on every machine)."""
    return zlib.crc32(gram.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Terms:
    """One text as sorted, distinct hashed n-gram ids with their counts."""

    ids: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.uint16]

    @property
    def tf(self) -> npt.NDArray[np.float64]:
        """Sublinear term frequencies (1 + ln count)."""
        return 1.0 + np.log(self.counts.astype(np.float64))


def text_terms(text: str) -> Terms:
    """The text's character n-grams as hashed ids and counts (two n-grams sharing a hash add up)."""
    grams = char_ngrams(text)
    ids = np.fromiter((ngram_id(g) for g in grams), dtype=np.uint32, count=len(grams))
    counts = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
    unique, inverse = np.unique(ids, return_inverse=True)
    counts = np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
    return Terms(ids=unique, counts=np.minimum(counts, _COUNT_MAX).astype(np.uint16))


def encode_terms(terms: Terms) -> bytes:
    """Terms as stored bytes: a version byte, then the ids, then the counts (little endian)."""
    return (
        bytes([FEATURES_VERSION])
        + terms.ids.astype("<u4").tobytes()
        + terms.counts.astype("<u2").tobytes()
    )


def decode_terms(data: bytes) -> Terms | None:
    """Stored bytes as terms, or None when they were written by another features version."""
    if not data or data[0] != FEATURES_VERSION or (len(data) - 1) % 6:
        return None
    n = (len(data) - 1) // 6
    ids = np.frombuffer(data, dtype="<u4", count=n, offset=1).astype(np.uint32)
    counts = np.frombuffer(data, dtype="<u2", count=n, offset=1 + 4 * n).astype(np.uint16)
    return Terms(ids=ids, counts=counts)


def lexical_features(text: str) -> bytes:
    """What a document keeps for its lexical evidence: its n-gram terms, encoded."""
    return encode_terms(text_terms(text))


Document = str | Terms
"""A document to score: its text, or its stored terms."""


def _terms(document: Document) -> Terms:
    return document if isinstance(document, Terms) else text_terms(document)


@dataclass(frozen=True, slots=True)
class _Pool:
    """A pool of documents as one IDF-weighted sparse matrix (smoothed IDF over the pool).

    Entries are the documents' n-grams, document after document; ``vocabulary`` holds the
    pool's distinct hashed ids in order and ``column`` each entry's position in it.
    """

    vocabulary: npt.NDArray[np.uint32]
    idf: npt.NDArray[np.float64]
    column: npt.NDArray[np.int64]
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
        ids = np.concatenate([t.ids for t in terms]) if n else np.zeros(0, dtype=np.uint32)
        tf = np.concatenate([t.tf for t in terms]) if n else np.zeros(0)
        vocabulary, column = _columns(ids)
        # Smoothed IDF as in scikit-learn: ln((1 + n) / (1 + df)) + 1 (an id is once per text).
        df = np.bincount(column, minlength=len(vocabulary))
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        weights = tf * idf[column]
        nonempty = lengths > 0
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        norms = np.sqrt(np.add.reduceat(weights * weights, starts)) if len(starts) else np.zeros(0)
        return _Pool(vocabulary, idf, column, weights, starts, norms, nonempty, tf)

    def query_weights(
        self, query: Terms
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The query's TF-IDF weight per pool column, and the tf of its n-grams not in the pool."""
        weights = np.zeros(len(self.vocabulary))
        if not len(query.ids):
            return weights, np.zeros(0)
        position = np.searchsorted(self.vocabulary, query.ids)
        inside = position < len(self.vocabulary)
        inside[inside] = self.vocabulary[position[inside]] == query.ids[inside]
        tf = query.tf
        weights[position[inside]] = tf[inside] * self.idf[position[inside]]
        return weights, tf[~inside]


def _columns(ids: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """Distinct ids in order, and each id's index among them (np.unique, without an argsort).

    Sorting the ids packed with their positions into one 64-bit key is several times faster
    than the argsort that np.unique's inverse needs.
    """
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    packed = (ids.astype(np.uint64) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
    packed.sort()
    sorted_ids = (packed >> np.uint64(32)).astype(np.uint32)
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(sorted_ids[1:], sorted_ids[:-1], out=first[1:])
    column = np.empty(n, dtype=np.int64)
    column[(packed & np.uint64(0xFFFFFFFF)).astype(np.int64)] = np.cumsum(first) - 1
    return sorted_ids[first], column


class _LastPool:
    """The last pool built: a challenge scored again, or every challenge of an evaluation,
    meets the same documents. Keyed by the documents themselves, so it is never stale."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] = ()
        self._pool: _Pool | None = None

    def get(self, documents: Sequence[Document]) -> _Pool:
        key = tuple(
            d if isinstance(d, str) else d.ids.tobytes() + d.counts.tobytes() for d in documents
        )
        with self._lock:
            if self._pool is not None and self._key == key:
                return self._pool
        pool = _Pool.build([_terms(d) for d in documents])
        with self._lock:
            self._key, self._pool = key, pool
        return pool


_LAST_POOL = _LastPool()


def similarities(query: str, documents: Sequence[Document]) -> npt.NDArray[np.float64]:
    """TF-IDF cosine of the query with each document; IDF over these documents."""
    n = len(documents)
    out = np.zeros(n)
    if n == 0:
        return out
    pool = _LAST_POOL.get(documents)
    query_weight, outside_tf = pool.query_weights(text_terms(query))
    # Query n-grams that no document of the pool has (df 0) still make the query longer.
    outside = float(np.sum(outside_tf**2))
    q_norm = math.sqrt(float(np.sum(query_weight**2)) + outside * pool.unseen_idf**2)
    if q_norm == 0 or not pool.nonempty.any():
        return out
    dot = np.add.reduceat(pool.weights * query_weight[pool.column], pool.starts)
    out[pool.nonempty] = dot / (pool.norms * q_norm)
    return out


def saturated_similarities(
    query: str, documents: Sequence[Document], *, k1: float = 1.2, b: float = 0.75
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
    pool = _LAST_POOL.get(documents)
    if not pool.nonempty.any():
        return out
    counts = np.exp(pool.tf - 1.0)  # tf is 1 + ln(count)
    doc_len = np.add.reduceat(counts, pool.starts)
    relative = doc_len / doc_len.mean()
    lengths = np.diff(np.append(pool.starts, len(pool.column)))
    norm_per_entry = np.repeat(k1 * (1.0 - b + b * relative), lengths)
    saturated = counts * (k1 + 1.0) / (counts + norm_per_entry)
    query_weight, outside_tf = pool.query_weights(text_terms(query))
    best = (float(np.sum(query_weight)) + float(np.sum(outside_tf)) * pool.unseen_idf) * (k1 + 1.0)
    if best == 0:
        return out
    dot = np.add.reduceat(saturated * query_weight[pool.column], pool.starts)
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
