"""Shared key terms in the members' own words; excerpts; the diversity note; Dutch decimals."""

from __future__ import annotations

import pytest

from matcher.matching.explain import excerpt, explanation_lines
from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import ScoringConfig, rank
from matcher.matching.terms import in_both_texts, is_key_word, shared_key_terms
from tests.matching.matching_helpers import TODAY, candidate, doc, query, score


def test_terms_are_words_as_written_never_stems() -> None:
    challenge = "Wie kent privacy engineering en verordeningen voor data-analyse?"
    document = "Zij deed privacy engineering bij de Verordeningen-werkgroep en data-analyses."
    terms = shared_key_terms(challenge, document)
    assert terms == ["privacy", "engineering", "verordeningen", "data-analyse"]
    assert all(in_both_texts(t, challenge, document) for t in terms)


@pytest.mark.parametrize(
    "word",
    ["30", "2027", "twee", "donderdag", "september", "uur", "minuten", "lunchsessie", "jaar"],
)
def test_numbers_dates_durations_and_logistics_are_not_key_words(word: str) -> None:
    assert not is_key_word(word)
    text = f"Een presentatie van 30 minuten op donderdag in september, twee jaar, {word}."
    assert shared_key_terms(text, text) == []


def test_a_compound_counts_only_when_its_expertise_part_is_shared() -> None:
    # "beleid" is the general last part of "back-upbeleid": not the shared concept.
    assert shared_key_terms("Wie helpt met ons back-upbeleid?", "Open-source beleid") == []
    # "back-up" is: the word is shown as the document wrote it.
    assert shared_key_terms("Wie helpt met ons back-upbeleid?", "Herstel van een back-up.") == [
        "back-up"
    ]
    assert shared_key_terms("Phishing bij medewerkers", "Phishingmails herkennen") == ["phishing"]
    assert shared_key_terms("Informatiebeveiligingsbeleid", "Beveiliging van informatie") == [
        "informatie",
        "beveiliging",
    ]


def test_common_words_are_left_out_and_rare_ones_come_first() -> None:
    stats = LexicalStats(documents=100, document_frequency={"cloud": 50, "azur": 1, "migrat": 3})
    terms = shared_key_terms(
        "Cloud migratie naar Azure",
        "Migratie van de cloud naar Azure",
        query_lexemes=("cloud", "migrat", "azur"),
        stats=stats,
    )
    assert terms == ["azure", "migratie"]


def test_excerpt_ends_at_a_sentence_or_a_word() -> None:
    text = "Eerste zin over beveiliging. " + "Zeer lange tweede zin " * 20
    assert excerpt(text, 50) == "Eerste zin over beveiliging."
    cut = excerpt("woord " * 30 + "Zelfredzaamheid", 40)
    assert cut.endswith("woord…") and len(cut) <= 41
    assert excerpt("Kort.", 240) == "Kort."


def test_diversity_says_why_a_higher_score_stands_lower() -> None:
    people = [
        candidate(1, organisation_id=10, documents=[doc("a", dense=0.9)]),
        candidate(2, organisation_id=10, documents=[doc("a", dense=0.88)]),
        candidate(3, organisation_id=20, documents=[doc("a", dense=0.85)]),
    ]
    q = query("Wie kent BIO?")
    scored = score(q, people, ScoringConfig())
    ranked = rank(list(scored.values()), top=3)
    assert [s.candidate.person_id for s in ranked] == [1, 3, 2]
    assert ranked[2].score > ranked[1].score
    assert [s.placed_as_nth_of_organisation for s in ranked] == [0, 0, 2]
    nl = explanation_lines(ranked[2], q, today=TODAY, lang="nl")
    assert any("tweede persoon van dezelfde organisatie" in line for line in nl)
    assert not any(
        "dezelfde organisatie" in line
        for line in explanation_lines(ranked[1], q, today=TODAY, lang="nl")
    )
    en = explanation_lines(ranked[2], q, today=TODAY, lang="en")
    assert any("second person from the same organisation" in line for line in en)


def test_dutch_hours_use_a_decimal_comma() -> None:
    q = query("Wie kent BIO?", hours_needed=10.5)
    s = score(q, [candidate(1, capacity_hours_per_month=3.3)], ScoringConfig())[1]
    nl = " ".join(explanation_lines(s, q, today=TODAY, lang="nl"))
    assert "nodig 10,5 uur" in nl and "10.5" not in nl
    en = " ".join(explanation_lines(s, q, today=TODAY, lang="en"))
    assert "10.5 needed" in en
