"""The embedder protocol and helpers shared by every backend."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
"""A float32 array of shape (n, dimension), one L2-normalised row per text."""

Role = Literal["query", "document"]
ROLES: tuple[Role, ...] = ("query", "document")


# Deliberately not runtime_checkable: on Python 3.11 isinstance() would evaluate the
# `dimension` property and so load the model.
class Embedder(Protocol):
    """Texts in, L2-normalised float32 vectors out; one row per text, in input order."""

    @property
    def model_id(self) -> str:
        """Stable id stored with every vector, so a model change means a re-index."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed texts that search (challenges, questions): shape (len(texts), dimension)."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed texts that are searched (profiles, track records): shape (len, dimension)."""
        ...


def text_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 text: the cache and staleness key of a vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def empty_vectors(dimension: int) -> Vectors:
    """The (0, dimension) result for an empty input."""
    return np.zeros((0, dimension), dtype=np.float32)


def normalize_rows(vectors: npt.ArrayLike) -> Vectors:
    """Return a float32 copy of a 2-D array with every non-zero row scaled to unit length."""
    array = np.array(vectors, dtype=np.float32, ndmin=2)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    # A zero row has no direction; leave it zero rather than fill it with NaN.
    np.divide(array, norms, out=array, where=norms > 0)
    return array
