"""Routing by language, per-challenge centring and evidence that grows with a long record."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher.matching.config import ScoringConfig
from matcher.matching.dense import routed_dense
from matcher.matching.language import detect_language, is_english
from matcher.matching.scoring import evidence_weights
from tests.matching.matching_helpers import candidate, doc, query, score

ENGLISH = (
    "We model the migration of a solvent plume in a sandy aquifer and compare the results "
    "with observations from monitoring wells over two decades."
)
DUTCH = (
    "Wij hebben het informatiebeveiligingsbeleid van de gemeente opgesteld en met de "
    "organisatie een jaarlijkse evaluatie ingericht voor alle afdelingen."
)


def test_language_is_told_from_function_words() -> None:
    assert detect_language(ENGLISH) == "en"
    assert detect_language(DUTCH) == "nl"
    assert is_english(ENGLISH) and not is_english(DUTCH)
    # Too short to tell, or half and half: neither.
    assert detect_language("NIS2 gap-analyse") is None
    assert detect_language("the policy of de gemeente and het beleid") is None


def test_routed_dense_uses_the_english_cosine_only_for_english_pairs() -> None:
    config = ScoringConfig(english_scale=0.8, english_shift=0.1)
    assert routed_dense(0.4, None, config) == 0.4
    assert routed_dense(0.4, 0.5, config) == pytest.approx(0.8 * 0.5 + 0.1)
    assert routed_dense(None, 0.5, config) == pytest.approx(0.5)
    blend = replace(config, english_dense_weight=0.5)
    assert routed_dense(0.4, 0.5, blend) == pytest.approx(0.5 * 0.4 + 0.5 * 0.5)
    assert routed_dense(0.4, 0.5, config.without("english")) == 0.4


def test_english_pair_is_ranked_by_the_english_model() -> None:
    # The multilingual cosine prefers person 2; the English model prefers person 1.
    first = candidate(
        1, organisation_id=11, documents=[replace(doc(ENGLISH, dense=0.30), dense_english=0.70)]
    )
    second = candidate(
        2, organisation_id=12, documents=[replace(doc(ENGLISH, dense=0.45), dense_english=0.20)]
    )
    q = query(ENGLISH)
    routed = score(q, [first, second], ScoringConfig(use_lexical=False))
    assert routed[1].score > routed[2].score
    plain = score(q, [first, second], ScoringConfig(use_lexical=False).without("english"))
    assert plain[2].score > plain[1].score


def _pool(level: float, n: int = 24) -> list:
    """n people with one document each, all at the same dense level, plus a standout (id 1)."""
    people = [
        candidate(i + 2, organisation_id=100 + i, documents=[doc(f"Document {i}.", dense=level)])
        for i in range(n)
    ]
    standout = candidate(1, organisation_id=99, documents=[doc("Standout.", dense=level + 0.2)])
    return [standout, *people]


def test_centring_makes_a_persons_scores_comparable_across_challenges() -> None:
    config = ScoringConfig(use_lexical=False)
    # Two challenges resemble every document to a different degree (style, length): the
    # person who stands out by the same margin gets the same score for both.
    high = score(query("Eerste vraag."), _pool(0.6), config)[1].score
    low = score(query("Tweede vraag."), _pool(0.2), config)[1].score
    assert high == pytest.approx(low)
    raw_high = score(query("Eerste vraag."), _pool(0.6), config.without("centring"))[1].score
    raw_low = score(query("Tweede vraag."), _pool(0.2), config.without("centring"))[1].score
    assert raw_high > raw_low + 0.1


def test_small_pools_are_not_centred() -> None:
    config = ScoringConfig(use_lexical=False)
    people = _pool(0.3, n=3)
    assert score(query(), people, config)[1].score == pytest.approx(
        score(query(), people, config.without("centring"))[1].score
    )


def test_top_k_grows_with_the_number_of_documents() -> None:
    config = ScoringConfig(top_k=3, evidence_decay=0.5, evidence_share=0.5)
    assert evidence_weights(config, 3) == [1.0, 0.5, 0.25]
    long_record = evidence_weights(config, 12)
    assert len(long_record) == 6
    assert long_record[0] == 1.0 and long_record[-1] == pytest.approx(0.5 ** (5 * 3 / 6))
    assert evidence_weights(config.without("aggregation"), 12) == [1.0]
