"""Explanations in Dutch and English: evidence, shared terms, capacity, sector, speaking."""

from __future__ import annotations

from datetime import date
from typing import Any

from matcher.matching.explain import evidence_items, explanation_lines
from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import ScoredCandidate, ScoringConfig
from matcher.records import ChallengeKind, ChallengeQuery
from tests.matching.matching_helpers import TODAY, candidate, doc, query, score

TEXT = "Beleid voor de beveiliging van informatie en de BIO-verantwoording."
LEXEMES = ("beleid", "beveil", "bio", "informatie", "verantwoord")
STATS = LexicalStats(documents=100, document_frequency={"bio": 2, "beleid": 4, "informatie": 40})


def _scored(q: ChallengeQuery, **fields: Any) -> ScoredCandidate:
    fields = {"capacity_hours_per_month": 6.0, **fields}
    person = candidate(
        1,
        sector_code="ict",
        sector_name="ICT-dienstverlening",
        documents=[
            doc(
                "Stelde het informatiebeveiligingsbeleid op volgens de BIO.",
                title="BIO-implementatie",
                dense=0.6,
                lexemes=("bio", "beleid", "informatiebeveiligingsbeleid", "opgesteld"),
            ),
            doc("Gaf trainingen over wachtwoorden.", title="", dense=0.2, lexemes=("training",)),
        ],
        **fields,
    )
    return score(q, [person], ScoringConfig(), query_lexemes=LEXEMES, stats=STATS)[1]


def _query(**fields: object) -> ChallengeQuery:
    base: dict[str, object] = {
        "kind": ChallengeKind.capacity,
        "hours_needed": 24.0,
        "starts_on": date(2027, 4, 1),
        "needed_by": date(2027, 6, 30),
        "sector_code": "overheden",
        "province": None,
    }
    return query(TEXT, **{**base, **fields})


def test_dutch_explanation_names_evidence_terms_capacity_and_sector() -> None:
    q = _query()
    s = _scored(q)
    lines = explanation_lines(
        s, q, today=TODAY, sector_names=("Overheden", "ICT-dienstverlening"), lang="nl"
    )
    first_share = round(s.docs[0].share * 100)
    assert (
        lines[0]
        == f"Bewijs: «BIO-implementatie» (project), {first_share}% van de inhoudelijke score."
    )
    assert lines[1].startswith("Bewijs: «Gaf trainingen over wachtwoorden.")
    # Words found in both texts, rarest first; "beleid" is only the last (general) part of
    # "informatiebeveiligingsbeleid", so it is not shown.
    assert lines[2] == "Gedeelde kernbegrippen: beveiliging, bio."
    free = 6.0 * 91 / 30.44
    assert lines[3] == (
        f"Capaciteit: {free:.1f}".replace(".", ",")
        + " uur vrij in 1 apr 2027 – 30 jun 2027; nodig 24 uur (niet genoeg)."
    )
    assert lines[4] == "Cross-sector: Overheden → ICT-dienstverlening (+5%)."
    assert len(lines) == 5


def test_english_explanation() -> None:
    q = _query(hours_needed=10.0)
    s = _scored(q)
    lines = explanation_lines(
        s, q, today=TODAY, sector_names=("Overheden", "ICT-dienstverlening"), lang="en"
    )
    assert lines[0].startswith("Evidence: “BIO-implementatie” (project), ")
    assert lines[0].endswith("% of the content score.")
    assert lines[2] == "Shared key terms: beveiliging, bio."
    assert lines[3] == "Capacity: 17.9 hours free in 01 Apr 2027 – 30 Jun 2027; 10 needed (enough)."
    assert lines[4] == "Cross-sector: Overheden → ICT-dienstverlening (+5%)."


def test_same_sector_speaking_and_exposure_lines() -> None:
    q = _query(kind=ChallengeKind.speaker, hours_needed=None, sector_code="ict")
    unwilling = _scored(q, willing_to_speak=False, recent_exposure=2)
    nl = explanation_lines(unwilling, q, today=TODAY, sector_names=("ICT", "ICT"), lang="nl")
    assert nl[-3:] == [
        "Zelfde sector (ICT).",
        "Heeft niet aangegeven te willen spreken.",
        "Al 2× voorgesteld deze week (lichter gewogen).",
    ]
    en = explanation_lines(unwilling, q, today=TODAY, sector_names=("ICT", "ICT"), lang="en")
    assert en[-3:] == [
        "Same sector (ICT).",
        "Has not said they will speak.",
        "Already suggested 2× this week (weighted down).",
    ]
    speaker = _scored(q, speaker_topics=("Informatiebeveiliging in gemeenten",))
    assert "Wil spreken over: Informatiebeveiliging in gemeenten." in explanation_lines(
        speaker, q, today=TODAY, lang="nl"
    )
    assert "Willing to speak on: Informatiebeveiliging in gemeenten." in explanation_lines(
        speaker, q, today=TODAY, lang="en"
    )


def test_no_capacity_declared() -> None:
    q = _query(kind=ChallengeKind.knowledge, hours_needed=None)
    s = _scored(q, capacity_hours_per_month=0.0)
    assert "Capaciteit: geen vrije uren opgegeven in deze periode." in explanation_lines(
        s, q, today=TODAY
    )
    assert "Capacity: no free hours declared in this period." in explanation_lines(
        s, q, today=TODAY, lang="en"
    )


def test_evidence_items_carry_shares_and_both_similarities() -> None:
    s = _scored(_query())
    items = evidence_items(s)
    assert [i["title"] for i in items] == ["BIO-implementatie", ""]
    assert sum(float(str(i["share"])) for i in items) == 1.0
    assert items[0]["dense"] == 0.6
    assert float(str(items[0]["lexical"])) > 0.0
    assert items[0]["shared_terms"] == ["beveiliging", "bio"]
