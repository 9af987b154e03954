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
from scipy.sparse import csc_matrix

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


_RECORD = np.dtype([("id", "<u4"), ("count", "<u2")])
"""One stored n-gram: its hashed id and its count in the text (6 bytes, little endian)."""


def encode_terms(terms: Terms) -> bytes:
    """Terms as stored bytes: a version byte, then one (id, count) record per n-gram."""
    records = np.empty(len(terms.ids), dtype=_RECORD)
    records["id"] = terms.ids
    records["count"] = terms.counts
    return bytes([FEATURES_VERSION]) + records.tobytes()


def is_current_features(data: bytes) -> bool:
    """Stored features this version reads (a version byte, then whole records)."""
    return bool(data) and data[0] == FEATURES_VERSION and (len(data) - 1) % _RECORD.itemsize == 0


def decode_terms(data: bytes) -> Terms | None:
    """Stored bytes as terms, or None when they were written by another features version."""
    if not is_current_features(data):
        return None
    records = np.frombuffer(data, dtype=_RECORD, offset=1)
    return Terms(ids=records["id"].astype(np.uint32), counts=records["count"].astype(np.uint16))


def lexical_features(text: str) -> bytes:
    """What a document keeps for its lexical evidence: its n-gram terms, encoded."""
    return encode_terms(text_terms(text))


Document = str | bytes
"""A document to score: its text, or its stored features (``lexical_features`` of the text)."""


def _payload(document: Document) -> memoryview:
    """The document's n-gram records (from its stored features, or counted from its text),
    as a view: the pool copies them once, when it joins them."""
    if isinstance(document, bytes) and is_current_features(document):
        return memoryview(document)[1:]
    text = document if isinstance(document, str) else ""
    return memoryview(lexical_features(text))[1:]


_DOC_BITS = 20
_COUNT_BITS = 12
MAX_POOL_DOCUMENTS = (1 << _DOC_BITS) - 1
"""Documents one scoring call can take (a candidate pool is a few thousand)."""


_TF_BY_COUNT = np.concatenate(
    ([0.0], 1.0 + np.log(np.arange(1, 1 << _COUNT_BITS, dtype=np.float64)))
)
"""Sublinear term frequency (1 + ln count) by count: a lookup instead of a logarithm per entry."""

_TF_SQUARED_BY_COUNT = _TF_BY_COUNT * _TF_BY_COUNT


@dataclass(frozen=True, slots=True)
class _Pool:
    """A pool of documents as one sparse matrix of n-gram counts, with smoothed IDF over the pool.

    Its entries (one per n-gram of a document) are sorted by n-gram: ``vocabulary`` holds the
    pool's distinct hashed ids in order, and the entries of ``vocabulary[i]`` are
    ``bounds[i]:bounds[i + 1]``, each with its document (``doc``) and count. Sorting one
    packed 64-bit key per entry (id above, document and count below) is the only pass over
    the entries that is not sequential, and numpy sorts integers with SIMD. ``norms`` are the
    documents' TF-IDF lengths; a query then touches only the entries of its own n-grams.
    """

    size: int
    vocabulary: npt.NDArray[np.uint32]
    idf: npt.NDArray[np.float64]
    bounds: npt.NDArray[np.intp]
    doc: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.uint32]
    norms: npt.NDArray[np.float64]

    @property
    def unseen_idf(self) -> float:
        """The IDF of an n-gram no document of the pool has."""
        return math.log(1.0 + self.size) + 1.0

    def per_document(
        self, values: npt.NDArray[np.float64], entries: npt.NDArray[np.intp] | None = None
    ) -> npt.NDArray[np.float64]:
        """Per-entry values summed per document (of the given entries, or of all)."""
        doc = self.doc if entries is None else self.doc[entries]
        summed: npt.NDArray[np.float64] = np.bincount(
            doc, weights=values, minlength=self.size
        ).astype(np.float64, copy=False)
        return summed

    @staticmethod
    def build(payloads: Sequence[memoryview], joined: bytes) -> _Pool:
        """The pool of documents given as n-gram records (``joined`` is them back to back)."""
        n = len(payloads)
        if n > MAX_POOL_DOCUMENTS:
            raise ValueError(f"at most {MAX_POOL_DOCUMENTS} documents can be scored at once")
        lengths = np.fromiter((len(p) for p in payloads), np.intp, count=n) // _RECORD.itemsize
        records = np.frombuffer(joined, dtype=_RECORD)
        total = len(records)
        # The key's halves are written in place (little endian: the low half first): the id
        # above, the document and the count (at most 4095: tf 9.3) below.
        key = np.empty(total, dtype=np.uint64)
        halves = key.view(np.uint32).reshape(total, 2)
        halves[:, 1] = records["id"]
        low = np.repeat(np.arange(n, dtype=np.uint32) << np.uint32(_COUNT_BITS), lengths)
        count_max = (1 << _COUNT_BITS) - 1
        low |= np.clip(records["count"], 1, count_max).astype(np.uint32)
        halves[:, 0] = low
        key.sort()
        ids = halves[:, 1]
        first = np.empty(total, dtype=bool)
        first[:1] = True
        np.not_equal(ids[1:], ids[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        vocabulary = ids[starts]
        bounds = np.append(starts, total)
        low = halves[:, 0].copy()
        doc = low >> np.uint32(_COUNT_BITS)
        counts = low & np.uint32(count_max)
        # Smoothed IDF as in scikit-learn: ln((1 + n) / (1 + df)) + 1 (an id is once per text).
        idf = np.log((1.0 + n) / (1.0 + np.diff(bounds))) + 1.0
        # Squared lengths: the entries' squared tf (a document by n-gram matrix, columns as
        # the entries lie) times the squared idf. SciPy's product runs without the GIL, where
        # repeating the idf over the entries held it (the server's busiest line under load).
        squared_tf = csc_matrix(
            (_TF_SQUARED_BY_COUNT[counts], doc.view(np.int32), bounds.astype(np.int32)),
            shape=(n, len(vocabulary)),
        )
        norms = np.sqrt(squared_tf @ (idf * idf))
        return _Pool(n, vocabulary, idf, bounds, doc, counts, norms)

    def entry_groups(self) -> npt.NDArray[np.intp]:
        """Each entry's index into the vocabulary."""
        return np.repeat(np.arange(len(self.vocabulary)), np.diff(self.bounds))

    def query_positions(
        self, query: Terms
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Where the query's n-grams are in the vocabulary (ascending), their tf, and the tf
        of its n-grams no document of the pool has."""
        if not len(query.ids) or not len(self.vocabulary):
            return np.zeros(0, dtype=np.intp), np.zeros(0), query.tf
        position = np.searchsorted(self.vocabulary, query.ids)
        inside = position < len(self.vocabulary)
        inside[inside] = self.vocabulary[position[inside]] == query.ids[inside]
        tf = query.tf
        return position[inside], tf[inside], tf[~inside]

    def entries_of(
        self, positions: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """The entries of these vocabulary positions, in order, and how many each has."""
        low = self.bounds[positions]
        lengths = self.bounds[positions + 1] - low
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        return np.arange(total) + np.repeat(low - (ends - lengths), lengths), lengths

    def query_weights(
        self, query: Terms
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The query's TF-IDF weight per pool n-gram, and the tf of its n-grams not in the pool."""
        weights = np.zeros(len(self.vocabulary))
        positions, tf, outside = self.query_positions(query)
        weights[positions] = tf * self.idf[positions]
        return weights, outside


class _LastPool:
    """The last pool built: a challenge scored again, or every challenge of an evaluation,
    meets the same documents. Keyed by the documents' n-grams themselves, so never stale."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[tuple[int, ...], bytes] = ((), b"")
        self._pool: _Pool | None = None

    def get(self, documents: Sequence[Document]) -> _Pool:
        payloads = [_payload(d) for d in documents]
        joined = b"".join(payloads)
        key = (tuple(len(p) for p in payloads), joined)
        with self._lock:
            if self._pool is not None and self._key == key:
                return self._pool
        pool = _Pool.build(payloads, joined)
        with self._lock:
            self._key, self._pool = key, pool
        return pool


_LAST_POOL = _LastPool()


def similarities(query: str, documents: Sequence[Document]) -> npt.NDArray[np.float64]:
    """TF-IDF cosine of the query with each document; IDF over these documents."""
    out = np.zeros(len(documents))
    if not documents:
        return out
    pool = _LAST_POOL.get(documents)
    positions, tf, outside_tf = pool.query_positions(text_terms(query))
    query_idf = pool.idf[positions]
    query_weight = tf * query_idf
    # Query n-grams that no document of the pool has (df 0) still make the query longer.
    outside = float(np.sum(outside_tf**2))
    q_norm = math.sqrt(float(np.sum(query_weight**2)) + outside * pool.unseen_idf**2)
    if q_norm == 0:
        return out
    # Only the entries of the query's n-grams add to a dot product.
    entries, lengths = pool.entries_of(positions)
    both = np.repeat(query_weight * query_idf, lengths)
    both *= _TF_BY_COUNT[pool.counts[entries]]
    dot = pool.per_document(both, entries)
    nonempty = pool.norms > 0
    out[nonempty] = dot[nonempty] / (pool.norms[nonempty] * q_norm)
    return out


def saturated_similarities(
    query: str, documents: Sequence[Document], *, k1: float = 1.2, b: float = 0.75
) -> npt.NDArray[np.float64]:
    """BM25-style n-gram evidence in [0, 1]: term frequency saturates with document length.

    Each query n-gram contributes idf · tf(k1+1)/(tf + k1(1 − b + b·len/avg len)); the sum is
    divided by its maximum (every n-gram of the query present and saturated), so a long
    abstract no longer gains from repeating the same terms, nor loses for being long.
    """
    out = np.zeros(len(documents))
    if not documents:
        return out
    pool = _LAST_POOL.get(documents)
    doc_len = pool.per_document(pool.counts.astype(np.float64))
    nonempty = doc_len > 0
    if not nonempty.any():
        return out
    relative = doc_len / doc_len[nonempty].mean()
    norm_per_entry = k1 * (1.0 - b + b * relative[pool.doc])
    counts = pool.counts.astype(np.float64)
    saturated = counts * (k1 + 1.0) / (counts + norm_per_entry)
    query_weight, outside_tf = pool.query_weights(text_terms(query))
    best = (float(np.sum(query_weight)) + float(np.sum(outside_tf)) * pool.unseen_idf) * (k1 + 1.0)
    if best == 0:
        return out
    dot = pool.per_document(saturated * query_weight[pool.entry_groups()])
    out[nonempty] = dot[nonempty] / best
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
SEARCH_MATCH_BUDGET = 10


def search_lexemes(lexemes: Iterable[str], stats: LexicalStats, *, wanted: int) -> list[str]:
    """The query's lexemes worth a full-text candidate search, rarest first.

    A lexeme no document has finds nothing; one found in more than 5% of the documents (and
    more than twice the documents wanted) matches a large part of the corpus and ranks by
    noise, so it is left to the dense search and the scoring. At most 16 are kept, and the
    rarest ones only while together they match at most SEARCH_MATCH_BUDGET times the
    documents wanted: every match is ranked, so the query's cost follows what it matches
    (at 100,000 documents sixteen lexemes matched 13,000 documents, 0.4 s).
    """
    common = max(2.0 * wanted, KEY_TERM_MAX_SHARE * stats.documents)
    frequency = stats.document_frequency
    kept = [lex for lex in set(lexemes) if 0 < frequency.get(lex, 0) <= common]
    out: list[str] = []
    matched = 0
    for lex in sorted(kept, key=lambda lex: (frequency[lex], lex))[:SEARCH_LEXEMES_MAX]:
        if out and matched + frequency[lex] > SEARCH_MATCH_BUDGET * wanted:
            break
        out.append(lex)
        matched += frequency[lex]
    return out
