"""Character n-gram TF-IDF: tokens, n-grams, cosine arithmetic, compounds, the cache."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.matching.lexical import NgramIndex, char_ngrams, lexical_tokens, similarities
from matcher.matching.text import compound_matches


def test_tokens_drop_stop_words_and_diacritics_but_keep_numbers() -> None:
    assert lexical_tokens("Wij zoeken de Continuïteit van ISO 27001 voor het AI-team") == [
        "continuiteit",
        "iso",
        "27001",
        "ai-team",
    ]


def test_char_ngrams_are_padded_and_stay_inside_words() -> None:
    grams = char_ngrams("BIO audit")
    assert grams[" bio "] == 1  # shorter words: the whole padded word once
    assert " aud" in grams and "audit " in grams and " audit" in grams
    assert not any(" " in g.strip() for g in grams)  # never across two words
    assert set(len(g) for g in grams) == {4, 5, 6}
    assert char_ngrams("de het een") == {}


def test_cosine_matches_scikit_learn_on_known_ngrams() -> None:
    documents = [
        "Informatiebeveiligingsbeleid volgens de BIO voor gemeenten",
        "Phishing-simulaties en awareness voor medewerkers",
        "Continuïteitsplan en uitwijktest van het datacenter",
    ]
    query = "informatiebeveiligingsbeleid gemeenten awareness"  # every n-gram is in a document
    vectorizer = TfidfVectorizer(
        analyzer=lambda t: list(char_ngrams(t).elements()), sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(documents)
    expected = (vectorizer.transform([query]) @ matrix.T).toarray()
    np.testing.assert_allclose(
        similarities(query, documents, index=NgramIndex()), expected[0], rtol=1e-6
    )


def test_unknown_query_ngrams_lengthen_the_query() -> None:
    documents = ["beveiliging van informatie", "wagenpark"]
    plain = similarities("beveiliging", documents, index=NgramIndex())
    longer = similarities("beveiliging kwantumcryptografie", documents, index=NgramIndex())
    assert 0 < longer[0] < plain[0]
    assert plain[1] == longer[1] == 0.0


def test_compounds_match_their_parts() -> None:
    documents = [
        "Stelde het informatiebeveiligingsbeleid op en voerde risicoanalyses uit.",
        "Beleid voor het wagenpark en de inkoop van voertuigen.",
        "",
    ]
    values = similarities("beleid voor de beveiliging van informatie", documents)
    assert values[0] > 0.2
    assert values[0] > 2 * values[1]
    assert values[2] == 0.0


def test_scores_are_cosines() -> None:
    documents = ["capaciteit delen tussen leden", "iets heel anders"]
    values = similarities("capaciteit delen tussen leden", documents, index=NgramIndex())
    assert values[0] == pytest.approx(1.0)
    assert 0.0 <= values[1] < 0.2
    assert similarities("capaciteit", [], index=NgramIndex()).shape == (0,)
    assert list(similarities("de en het", documents, index=NgramIndex())) == [0.0, 0.0]


def test_the_index_caches_documents_and_evicts_the_least_recently_used() -> None:
    index = NgramIndex(max_texts=3)
    first = similarities("cloud migratie", ["cloudmigratie", "cloud kosten"], index=index)
    assert len(index) == 2
    again = similarities("cloud migratie", ["cloudmigratie", "cloud kosten"], index=index)
    np.testing.assert_array_equal(first, again)
    assert len(index) == 2
    similarities("cloud", ["cloud kosten", "archief"], index=index)
    # Full: one more text evicts the least recently used one ("cloudmigratie"), not all.
    after = similarities("cloud migratie", ["cloud kosten", "archief", "backup"], index=index)
    assert len(index) == 3
    assert index._texts.get("cloudmigratie") is None
    assert index._texts.get("cloud kosten") is not None
    np.testing.assert_allclose(
        after,
        similarities("cloud migratie", ["cloud kosten", "archief", "backup"], index=NgramIndex()),
    )


def test_the_index_starts_afresh_when_the_vocabulary_is_full() -> None:
    index = NgramIndex(max_ngrams=10)
    similarities("cloud", ["cloudmigratie", "cloud kosten"], index=index)
    values = similarities("cloud", ["archief"], index=index)
    assert len(index) == 1
    np.testing.assert_allclose(values, similarities("cloud", ["archief"], index=NgramIndex()))


def test_compound_matches_find_parts_both_ways() -> None:
    query_words = ["beveiliging", "phishingmails", "beleid", "nodig"]
    doc_words = ["informatiebeveiligingsbeleid", "phishing", "opgesteld"]
    assert compound_matches(query_words, doc_words) == ["beveiliging", "phishingmails", "beleid"]
    assert compound_matches(["beleid"], ["beleid"]) == []


def test_search_lexemes_keep_the_informative_ones_rarest_first() -> None:
    from matcher.matching.lexical import LexicalStats, search_lexemes

    stats = LexicalStats(
        documents=100_000,
        document_frequency={"bio": 40, "ensia": 7, "beleid": 30_000, "gemeent": 9_000},
    )
    # "beleid" and "gemeent" match 30% and 9% of the corpus; "onbekend" matches nothing.
    assert search_lexemes(["beleid", "bio", "onbekend", "ensia", "gemeent"], stats, wanted=200) == [
        "ensia",
        "bio",
    ]
    # In a small corpus every lexeme below twice the wanted documents stays.
    small = LexicalStats(documents=900, document_frequency={"bio": 40, "beleid": 300})
    assert search_lexemes(["beleid", "bio"], small, wanted=200) == ["bio", "beleid"]
    many = LexicalStats(documents=10, document_frequency={f"w{i:02d}": 1 for i in range(30)})
    assert len(search_lexemes(list(many.document_frequency), many, wanted=5)) == 16
