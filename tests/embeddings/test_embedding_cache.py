"""EmbeddingCache and CachedEmbedder: embed each text once per model and role."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from embeddings import CachedEmbedder, Embedder, EmbeddingCache, HashingEmbedder, text_hash
from embeddings.base import Vectors


class CountingEmbedder:
    """HashingEmbedder that records every batch it is asked to embed."""

    def __init__(self, dimension: int = 64) -> None:
        self._inner = HashingEmbedder(dimension)
        self.calls: list[tuple[str, list[str]]] = []

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    @property
    def texts_embedded(self) -> int:
        return sum(len(texts) for _, texts in self.calls)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(("query", list(texts)))
        return self._inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(("document", list(texts)))
        # Scaled differently from queries, so a role mix-up would show in the vectors.
        return -self._inner.embed_documents(texts)


TEXTS = ["netwerkbeheer", "ISO 27001", "spreker over digitale veiligheid", "crisisoefening"]


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder()


def test_cached_embedder_is_an_embedder(counting: CountingEmbedder) -> None:
    inner: Embedder = counting
    cached = CachedEmbedder(inner, EmbeddingCache(None))
    as_embedder: Embedder = cached
    assert as_embedder is cached
    assert cached.inner is counting
    assert (cached.model_id, cached.dimension) == ("hashing-64", 64)


def test_second_call_embeds_nothing(counting: CountingEmbedder) -> None:
    cached = CachedEmbedder(counting, EmbeddingCache(None))
    first = cached.embed_documents(TEXTS)
    second = cached.embed_documents(TEXTS)
    assert len(counting.calls) == 1
    np.testing.assert_array_equal(first, second)
    assert (cached.hits, cached.misses) == (len(TEXTS), len(TEXTS))


def test_only_misses_are_embedded_in_one_deduplicated_call(counting: CountingEmbedder) -> None:
    cached = CachedEmbedder(counting, EmbeddingCache(None))
    cached.embed_queries(TEXTS[:2])
    texts = [TEXTS[2], TEXTS[0], TEXTS[2], TEXTS[3], TEXTS[1], TEXTS[3]]
    vectors = cached.embed_queries(texts)
    assert counting.calls[1] == ("query", [TEXTS[2], TEXTS[3]])
    assert counting.texts_embedded == 4
    np.testing.assert_array_equal(vectors, counting.embed_queries(texts))
    assert vectors.dtype == np.float32
    assert (cached.hits, cached.misses) == (2, 4)


def test_empty_input_touches_nothing(counting: CountingEmbedder) -> None:
    cached = CachedEmbedder(counting, EmbeddingCache(None))
    assert cached.embed_queries([]).shape == (0, 64)
    assert counting.calls == []


def test_query_and_document_roles_are_kept_apart(counting: CountingEmbedder) -> None:
    cached = CachedEmbedder(counting, EmbeddingCache(None))
    queries = cached.embed_queries(TEXTS)
    documents = cached.embed_documents(TEXTS)
    assert [role for role, _ in counting.calls] == ["query", "document"]
    np.testing.assert_array_equal(documents, -queries)
    np.testing.assert_array_equal(cached.embed_queries(TEXTS), queries)
    assert len(counting.calls) == 2


def test_persists_across_cache_instances(tmp_path: Path, counting: CountingEmbedder) -> None:
    path = tmp_path / "nested" / "cache.sqlite3"
    with EmbeddingCache(path) as cache:
        first = CachedEmbedder(counting, cache).embed_documents(TEXTS)
    assert path.exists()
    with EmbeddingCache(path) as reopened:
        assert len(reopened) == len(TEXTS)
        again = CachedEmbedder(counting, reopened).embed_documents(TEXTS)
    np.testing.assert_array_equal(first, again)
    assert len(counting.calls) == 1


def test_file_uses_write_ahead_logging(tmp_path: Path) -> None:
    import sqlite3

    EmbeddingCache(tmp_path / "c.sqlite3").close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as connection:
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_cache_keys_on_model_role_and_hash() -> None:
    cache = EmbeddingCache(None)
    vector = np.arange(4, dtype=np.float32)
    key = text_hash("tekst")
    cache.put_many("model-a", "query", {key: vector})
    np.testing.assert_array_equal(cache.get_many("model-a", "query", [key])[key], vector)
    assert cache.get_many("model-b", "query", [key]) == {}
    assert cache.get_many("model-a", "document", [key]) == {}
    assert cache.get_many("model-a", "query", [text_hash("andere tekst")]) == {}
    with pytest.raises(ValueError):
        cache.get_many("model-a", "passage", [key])  # type: ignore[arg-type]


def test_get_many_handles_more_keys_than_sqlite_parameters() -> None:
    cache = EmbeddingCache(None)
    items = {text_hash(str(i)): np.full(3, i, dtype=np.float32) for i in range(2500)}
    cache.put_many("m", "document", items)
    found = cache.get_many("m", "document", [*items, "absent"])
    assert len(found) == 2500
    np.testing.assert_array_equal(found[text_hash("1234")], np.full(3, 1234, np.float32))


def test_vector_of_another_length_is_re_embedded(counting: CountingEmbedder) -> None:
    cache = EmbeddingCache(None)
    cache.put_many(counting.model_id, "query", {text_hash(TEXTS[0]): np.ones(3, np.float32)})
    vectors = CachedEmbedder(counting, cache).embed_queries(TEXTS[:2])
    assert vectors.shape == (2, 64)
    assert counting.calls == [("query", TEXTS[:2])]


def test_safe_from_several_threads(tmp_path: Path, counting: CountingEmbedder) -> None:
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "threads.sqlite3"))
    expected = HashingEmbedder(64).embed_queries(TEXTS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                np.testing.assert_array_equal(cached.embed_queries(TEXTS), expected)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cached.hits + cached.misses == 80 * len(TEXTS)
