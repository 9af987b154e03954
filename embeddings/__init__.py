"""Texts in, vectors out: the embedder protocol, its backends and a vector cache.

Importing this package is cheap: torch, sentence-transformers and the USE weights load on
first use. It imports nothing from ``matcher`` or ``api``.
"""

from embeddings.base import ROLES, Embedder, Role, Vectors, normalize_rows, text_hash
from embeddings.cache import CachedEmbedder, EmbeddingCache
from embeddings.factory import BACKENDS, make_embedder
from embeddings.hashing import HashingEmbedder
from embeddings.sentence import (
    PACKAGED_MODEL_ID,
    SentenceTransformerEmbedder,
    default_prefixes,
)
from embeddings.use import USE_MODEL_ID, UniversalSentenceEncoderEmbedder

__all__ = [
    "BACKENDS",
    "PACKAGED_MODEL_ID",
    "ROLES",
    "USE_MODEL_ID",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "HashingEmbedder",
    "Role",
    "SentenceTransformerEmbedder",
    "UniversalSentenceEncoderEmbedder",
    "Vectors",
    "default_prefixes",
    "make_embedder",
    "normalize_rows",
    "text_hash",
]
