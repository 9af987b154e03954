"""HashingEmbedder: deterministic, normalised, and similar texts score higher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embeddings
from embeddings import Embedder, HashingEmbedder

REPO = Path(embeddings.__file__).resolve().parent.parent

CHALLENGE = "We zoeken hulp bij het opstellen van een informatiebeveiligingsbeleid"
RELATED = "Ervaring met informatiebeveiligingsbeleid opstellen en beveiligingsbeleid toetsen"
UNRELATED = "Een recept voor pompoensoep met groenten uit de moestuin"


def test_is_an_embedder_with_a_dimension_specific_model_id() -> None:
    embedder: Embedder = HashingEmbedder(64)
    assert embedder.dimension == 64
    assert embedder.model_id == "hashing-64"
    assert HashingEmbedder().model_id == "hashing-256"


def test_rows_are_unit_float32_in_input_order() -> None:
    texts = [CHALLENGE, RELATED, UNRELATED, "", "!!! ...", "ÄÖÜ ß 数据 данные"]
    vectors = HashingEmbedder().embed_documents(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), 256)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    single = HashingEmbedder().embed_documents([UNRELATED])
    np.testing.assert_array_equal(vectors[2], single[0])


def test_empty_input_has_shape_zero_by_dimension() -> None:
    embedder = HashingEmbedder(32)
    assert embedder.embed_queries([]).shape == (0, 32)
    assert embedder.embed_documents([]).shape == (0, 32)


def test_deterministic_across_instances_and_processes() -> None:
    here = HashingEmbedder().embed_queries([CHALLENGE])
    np.testing.assert_array_equal(here, HashingEmbedder().embed_queries([CHALLENGE]))
    # Python's hash() is salted per process; a fresh interpreter must give the same vector.
    script = (
        "import sys; from embeddings import HashingEmbedder;"
        f"sys.stdout.write(HashingEmbedder().embed_queries([{CHALLENGE!r}]).tobytes().hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    np.testing.assert_array_equal(here[0], np.frombuffer(bytes.fromhex(other), np.float32))


def test_case_and_punctuation_do_not_matter() -> None:
    embedder = HashingEmbedder()
    a, b = embedder.embed_queries(
        ["Digitale veiligheid, ISO-27001!", "digitale VEILIGHEID iso 27001"]
    )
    assert float(a @ b) == pytest.approx(1.0, abs=1e-6)


def test_related_text_scores_higher_than_unrelated() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_queries([CHALLENGE])[0]
    related, unrelated = embedder.embed_documents([RELATED, UNRELATED])
    assert float(query @ related) > float(query @ unrelated) + 0.2


def test_shared_word_parts_count() -> None:
    # "beveiligingsbeleid" shares 4-grams with "informatiebeveiligingsbeleid", not with "soep".
    embedder = HashingEmbedder()
    query, part, other = embedder.embed_documents(
        ["informatiebeveiligingsbeleid", "beveiligingsbeleid", "pompoensoep"]
    )
    assert float(query @ part) > 0.5 > float(query @ other)


def test_rejects_non_positive_dimension() -> None:
    with pytest.raises(ValueError):
        HashingEmbedder(0)
