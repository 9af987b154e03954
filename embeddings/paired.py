"""A multilingual embedder paired with an English one, for texts the caller finds English.

The pair is the multilingual embedder to everyone who asks for vectors (same model id,
dimension and vectors); callers that route by language ask ``english_model`` for the second
one and embed their English texts with it as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from embeddings.base import Embedder, Vectors


class WithEnglishModel:
    """The main (multilingual) embedder, with an English model beside it."""

    def __init__(self, main: Embedder, english: Embedder) -> None:
        self.main = main
        self.english = english

    @property
    def model_id(self) -> str:
        """The main model's id: stored vectors and retrieval are the main model's."""
        return self.main.model_id

    @property
    def dimension(self) -> int:
        """The main model's dimension."""
        return self.main.dimension

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """The main model's query vectors."""
        return self.main.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """The main model's document vectors."""
        return self.main.embed_documents(texts)


def english_model(embedder: Embedder) -> Embedder | None:
    """The English embedder paired with this one, if any."""
    return embedder.english if isinstance(embedder, WithEnglishModel) else None
