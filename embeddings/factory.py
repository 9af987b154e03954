"""Build an embedder from a setting such as MATCHER_EMBEDDING_MODEL."""

from __future__ import annotations

from pathlib import Path

from embeddings.base import Embedder
from embeddings.cache import CachedEmbedder, EmbeddingCache
from embeddings.hashing import HashingEmbedder
from embeddings.paired import WithEnglishModel
from embeddings.sentence import PACKAGED_MODEL_ID, SentenceTransformerEmbedder
from embeddings.use import USE_MODEL_ID, UniversalSentenceEncoderEmbedder

BACKENDS: tuple[str, ...] = ("minilm", "use", "hashing")
"""Short names of the backends that run fully offline."""

# Compared lower-cased; each backend's own model_id is among them, so a stored model_id
# names the embedder that made it. No name means multilingual USE: it ranks far better on
# our Dutch benchmark (benchmarks/results/quality.md) and needs no torch.
_PACKAGED_NAMES = frozenset({"minilm", "all-minilm-l6-v2", PACKAGED_MODEL_ID.lower()})
_USE_NAMES = frozenset({"", "default", "use", "use-multilingual", USE_MODEL_ID})
_HASHING = "hashing"


def make_embedder(
    name: str | None = None,
    *,
    query_prefix: str | None = None,
    document_prefix: str | None = None,
    cache_path: Path | None = None,
    use_cache: bool = True,
    english: str | None = None,
) -> Embedder:
    """The embedder a name selects, behind a cache (on disk if cache_path, else in memory).

    ``english`` names an English model to pair with the multilingual USE backend (see
    embeddings.paired); it is ignored for every other backend, which is used alone.
    """
    embedder = _make_backend(
        (name or "").strip(), query_prefix=query_prefix, document_prefix=document_prefix
    )
    if use_cache:
        embedder = CachedEmbedder(embedder, EmbeddingCache(cache_path))
    if english and english.strip().lower() not in _NO_ENGLISH and _is_use(name):
        second = make_embedder(english, cache_path=cache_path, use_cache=use_cache)
        return WithEnglishModel(embedder, second)
    return embedder


_NO_ENGLISH = frozenset({"", "none", "off"})


def _is_use(name: str | None) -> bool:
    return (name or "").strip().lower() in _USE_NAMES


def _make_backend(name: str, *, query_prefix: str | None, document_prefix: str | None) -> Embedder:
    key = name.lower()
    if key in _PACKAGED_NAMES:
        return SentenceTransformerEmbedder(
            query_prefix=query_prefix, document_prefix=document_prefix
        )
    if key in _USE_NAMES or key == _HASHING or key.startswith(_HASHING + "-"):
        if query_prefix or document_prefix:
            raise ValueError(
                f"query/document prefixes apply to sentence-transformers models, not {name!r}"
            )
        if key in _USE_NAMES:
            return UniversalSentenceEncoderEmbedder()
        return HashingEmbedder(_hashing_dimension(key))
    return SentenceTransformerEmbedder(
        name, query_prefix=query_prefix, document_prefix=document_prefix
    )


def _hashing_dimension(key: str) -> int:
    if key == _HASHING:
        return 256
    digits = key.removeprefix(_HASHING + "-")
    if not digits.isdecimal() or int(digits) < 1:
        raise ValueError(f"expected 'hashing' or 'hashing-<positive int>', got {key!r}")
    return int(digits)
