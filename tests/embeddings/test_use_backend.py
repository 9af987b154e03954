"""UniversalSentenceEncoderEmbedder: 512-d, unit rows, Dutch aligned with English."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import Embedder, UniversalSentenceEncoderEmbedder

DUTCH = "We zoeken hulp bij het opstellen van een informatiebeveiligingsbeleid"
ENGLISH = "We are looking for help drafting an information security policy"
UNRELATED = "The recipe calls for two cups of flour and a pinch of salt"


@pytest.fixture(scope="module")
def use() -> UniversalSentenceEncoderEmbedder:
    embedder = UniversalSentenceEncoderEmbedder()
    embedder.load()
    return embedder


def test_identity_without_loading() -> None:
    embedder: Embedder = UniversalSentenceEncoderEmbedder(threads=1)
    assert embedder.model_id == "use-multilingual-v3"
    assert embedder.dimension == 512
    with pytest.raises(ValueError):
        UniversalSentenceEncoderEmbedder(threads=0)


def test_rows_are_unit_float32(use: UniversalSentenceEncoderEmbedder) -> None:
    texts = [DUTCH, ENGLISH, UNRELATED, ""]
    vectors = use.embed_documents(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_empty_input(use: UniversalSentenceEncoderEmbedder) -> None:
    assert use.embed_queries([]).shape == (0, 512)
    assert use.embed_documents([]).shape == (0, 512)


def test_queries_and_documents_are_treated_alike(use: UniversalSentenceEncoderEmbedder) -> None:
    np.testing.assert_array_equal(use.embed_queries([DUTCH]), use.embed_documents([DUTCH]))


def test_dutch_is_closer_to_its_translation(use: UniversalSentenceEncoderEmbedder) -> None:
    query = use.embed_queries([DUTCH])[0]
    translation, unrelated = use.embed_documents([ENGLISH, UNRELATED])
    assert float(query @ translation) > 0.5
    assert float(query @ translation) > float(query @ unrelated) + 0.3
