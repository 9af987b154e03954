"""Character n-gram TF-IDF: tokens, n-grams, cosine arithmetic, compounds, stored features."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.matching.lexical import (
    FEATURES_VERSION,
    char_ngrams,
    decode_terms,
    lexical_features,
    lexical_tokens,
    ngram_id,
    similarities,
    text_terms,
)


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
    np.testing.assert_allclose(similarities(query, documents), expected[0], rtol=1e-6)


def test_unknown_query_ngrams_lengthen_the_query() -> None:
    documents = ["beveiliging van informatie", "wagenpark"]
    plain = similarities("beveiliging", documents)
    longer = similarities("beveiliging kwantumcryptografie", documents)
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
    values = similarities("capaciteit delen tussen leden", documents)
    assert values[0] == pytest.approx(1.0)
    assert 0.0 <= values[1] < 0.2
    assert similarities("capaciteit", []).shape == (0,)
    assert list(similarities("de en het", documents)) == [0.0, 0.0]


def test_stored_features_score_exactly_like_the_text() -> None:
    documents = [
        "Informatiebeveiligingsbeleid volgens de BIO voor gemeenten",
        "Phishing-simulaties en awareness voor medewerkers (phishing, phishing)",
        "",
    ]
    stored = [lexical_features(d) for d in documents]
    query = "beveiliging van informatie en phishing"
    np.testing.assert_allclose(
        similarities(query, stored), similarities(query, documents), rtol=1e-12
    )
    # Mixed: a document without stored features is scored from its text.
    mixed = similarities(query, [stored[0], documents[1], documents[2]])
    np.testing.assert_allclose(mixed, similarities(query, documents), rtol=1e-12)
    # Features of another version are not read: such a document counts as empty.
    old = bytes([FEATURES_VERSION + 1]) + stored[0][1:]
    assert similarities(query, [old, documents[1]])[0] == 0.0


def test_features_keep_counts_and_refuse_another_version() -> None:
    text = "cloud cloud cloudmigratie, migratie naar de cloud"
    terms = decode_terms(lexical_features(text))
    assert terms is not None
    expected = {ngram_id(g): c for g, c in char_ngrams(text).items()}
    assert dict(zip(terms.ids.tolist(), terms.counts.tolist(), strict=True)) == expected
    assert max(expected.values()) == 4  # " clou" four times
    assert list(terms.ids) == sorted(terms.ids)
    assert len(terms.ids) == len(text_terms(text).ids) == len(char_ngrams(text))
    data = lexical_features(text)
    assert decode_terms(bytes([FEATURES_VERSION + 1]) + data[1:]) is None
    assert decode_terms(b"") is None
    assert decode_terms(data[:-1]) is None


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
    # Together the kept lexemes match at most ten times the documents wanted (the rarest
    # one always stays).
    large = LexicalStats(
        documents=100_000, document_frequency={"a": 400, "b": 900, "c": 800, "d": 1_500}
    )
    assert search_lexemes(["a", "b", "c", "d"], large, wanted=200) == ["a", "c"]
    assert search_lexemes(["d"], large, wanted=100) == ["d"]


def test_a_pool_met_again_gives_the_same_similarities_as_a_fresh_one() -> None:
    docs = ["cloudmigratie naar azure", "informatiebeveiliging bio", "cloud kosten beheer"]
    first = {q: similarities(q, docs) for q in ("cloud migratie", "bio", "onbekend woord")}
    similarities("iets", ["ander", "archief"])  # another pool in between
    for query, values in first.items():
        assert similarities(query, list(docs)) == pytest.approx(values, abs=1e-12)
    # The same texts in another order are another pool: each keeps its own score.
    reordered = similarities("cloud migratie", docs[::-1])
    assert reordered[::-1] == pytest.approx(first["cloud migratie"], abs=1e-12)


def test_saturated_evidence_stays_in_range_and_stops_growing_with_repetition() -> None:
    from matcher.matching.lexical import saturated_similarities

    docs = [
        "netwerksegmentatie van procesautomatisering",
        "netwerksegmentatie " * 20 + "procesautomatisering",
        "cloudkosten en facturen",
    ]
    values = saturated_similarities("netwerksegmentatie procesautomatisering", docs)
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values[2] < values[0]
    # Twenty repetitions do not make the document twenty times the evidence.
    assert values[1] < 2 * values[0]
    assert saturated_similarities("x", []).shape == (0,)
