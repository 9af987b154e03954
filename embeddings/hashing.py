"""A deterministic, dependency-free embedder for fast tests and as a lexical baseline."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from embeddings.base import Vectors, empty_vectors, normalize_rows

# Letters and digits of any script; underscores and punctuation separate tokens.
_TOKEN = re.compile(r"[^\W_]+")
_NGRAM = 4
_TOKEN_WEIGHT = 1.0
_NGRAM_WEIGHT = 0.5
# Gives a text without any token a fixed unit vector instead of a zero row.
_EMPTY_FEATURE = "e:"


@lru_cache(maxsize=65_536)
def _bucket(feature: str, dimension: int) -> tuple[int, float]:
    """Bucket and sign of a feature, from blake2b so it is stable across processes."""
    value = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest())
    # The top bit picks the sign, so colliding features tend to cancel instead of add up.
    sign = -1.0 if value >> 63 else 1.0
    return value % dimension, sign


def _features(text: str) -> list[tuple[str, float]]:
    features: list[tuple[str, float]] = []
    for token in _TOKEN.findall(text.lower()):
        features.append(("w:" + token, _TOKEN_WEIGHT))
        for start in range(len(token) - _NGRAM + 1):
            features.append(("g:" + token[start : start + _NGRAM], _NGRAM_WEIGHT))
    return features or [(_EMPTY_FEATURE, 1.0)]


class HashingEmbedder:
    """Hashes words and character 4-grams into a fixed number of buckets."""

    def __init__(self, dimension: int = 256) -> None:
        if dimension < 1:
            raise ValueError(f"dimension must be positive, got {dimension}")
        self._dimension = dimension

    @property
    def model_id(self) -> str:
        """``hashing-<dimension>``."""
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        """Number of hash buckets."""
        return self._dimension

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed query texts (the same treatment as documents)."""
        return self._embed(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed document texts (the same treatment as queries)."""
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return empty_vectors(self._dimension)
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in _features(text):
                bucket, sign = _bucket(feature, self._dimension)
                vectors[row, bucket] += sign * weight
        return normalize_rows(vectors)

    def __repr__(self) -> str:
        return f"HashingEmbedder(dimension={self._dimension})"
