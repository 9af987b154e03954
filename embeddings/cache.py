"""A persistent vector cache keyed by (model id, role, text hash), and an embedder using it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from embeddings.base import ROLES, Embedder, Role, Vectors, empty_vectors, text_hash

# SQLite's historic bound on host parameters is 999; two are taken by model id and role.
_CHUNK = 900
# Vectors are stored as little-endian float32 whatever the machine's byte order.
_STORED = np.dtype("<f4")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embedding (
    model_id TEXT NOT NULL,
    role TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, role, text_hash)
) WITHOUT ROWID
"""


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")


class EmbeddingCache:
    """Vectors in a SQLite file (WAL, shared by processes), or in memory when path is None."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        if path is None:
            target = ":memory:"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        # One connection guarded by a lock: an in-memory database lives in its connection,
        # and the file variant is then used the same way from any thread.
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(target, timeout=30.0, check_same_thread=False)
        with self._lock, self._connection:
            if path is not None:
                self._connection.execute("PRAGMA journal_mode=WAL")
                self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(_SCHEMA)

    def get_many(self, model_id: str, role: Role, hashes: Iterable[str]) -> dict[str, Vectors]:
        """The cached vectors among the given text hashes, by hash; absent hashes are left out."""
        _check_role(role)
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, Vectors] = {}
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    "SELECT text_hash, vector FROM embedding"
                    f" WHERE model_id = ? AND role = ? AND text_hash IN ({marks})",
                    (model_id, role, *chunk),
                ).fetchall()
                for hash_, blob in rows:
                    found[hash_] = np.frombuffer(blob, dtype=_STORED).astype(np.float32)
        return found

    def put_many(self, model_id: str, role: Role, items: Mapping[str, Vectors]) -> None:
        """Store vectors by text hash, replacing any stored for the same key."""
        _check_role(role)
        rows = [
            (model_id, role, hash_, np.ascontiguousarray(vector, dtype=_STORED).tobytes())
            for hash_, vector in items.items()
        ]
        if not rows:
            return
        with self._lock, self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO embedding (model_id, role, text_hash, vector)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._connection.execute("SELECT count(*) FROM embedding").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddingCache(path={self.path!r})"


class CachedEmbedder:
    """Serves known texts from the cache and embeds only the new ones, in one inner call."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        """Distinct texts per call served from the cache, summed over calls."""
        self.misses = 0
        """Distinct texts per call that the inner embedder had to embed, summed over calls."""
        self._counter_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """The inner embedder's model id."""
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        """The inner embedder's dimension."""
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed query texts, through the cache."""
        return self._embed(texts, "query", self.inner.embed_queries)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Embed document texts, through the cache."""
        return self._embed(texts, "document", self.inner.embed_documents)

    def _embed(
        self, texts: Sequence[str], role: Role, embed: Callable[[Sequence[str]], Vectors]
    ) -> Vectors:
        if not texts:
            return empty_vectors(self.dimension)
        model_id = self.inner.model_id
        hashes = [text_hash(text) for text in texts]
        vectors = self.cache.get_many(model_id, role, hashes)
        lengths = {vector.shape for vector in vectors.values()}
        if len(vectors) < len(set(hashes)) or len(lengths) > 1:
            # Asking for the dimension may load the model, which a full hit need not do. A
            # vector of another length (a model swapped under the same id) counts as a miss.
            dimension = self.inner.dimension
            vectors = {h: v for h, v in vectors.items() if v.shape == (dimension,)}
        missing = {h: text for h, text in zip(hashes, texts, strict=True) if h not in vectors}
        if missing:
            fresh = embed(list(missing.values()))
            if fresh.shape != (len(missing), dimension):
                raise ValueError(
                    f"{model_id} returned shape {fresh.shape} for {len(missing)} texts,"
                    f" expected ({len(missing)}, {dimension})"
                )
            new = dict(zip(missing, fresh, strict=True))
            self.cache.put_many(model_id, role, new)
            vectors.update(new)
        with self._counter_lock:
            self.hits += len(vectors) - len(missing)
            self.misses += len(missing)
        return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"CachedEmbedder(inner={self.inner!r}, cache={self.cache!r})"
