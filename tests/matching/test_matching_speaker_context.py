"""Speakers that fit (declared topics by meaning, willingness) and context that is not expertise."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

from matcher.inputs import NewPerson, PersonChanges
from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import ScoringConfig, rank
from matcher.matching.speaker import TOPICS_KIND
from matcher.matching.terms import expertise_text, without_context_phrases
from matcher.records import ChallengeKind, EvidenceDoc
from matcher.storage import candidates as candidate_store
from matcher.storage import people as people_store
from tests.matching.matching_helpers import candidate, doc, query, score

AI_TALK = (
    "Spreker gezocht: AI in de zorg. Lunchsessie op de derde donderdag, 30 minuten, "
    "voor zo'n 80 collega's in ons ziekenhuis."
)


def _topics(dense: float, text: str = "De AI-verordening voor niet-juristen") -> EvidenceDoc:
    return EvidenceDoc(
        document_id=900_000 + round(dense * 1000),
        kind=TOPICS_KIND,
        title="",
        body=text,
        dense=dense,
        lexemes=(),
    )


def test_context_words_are_left_out_of_lexical_matching() -> None:
    text = "Wie heeft ervaring met een NIS2-gap-analyse voor een waterschap? ISO 27001 in 2027."
    kept = expertise_text(text).lower().split()
    assert "nis2-gap-analyse" in kept and "27001" in kept
    for word in ("waterschap", "2027", "ervaring"):
        assert word not in kept
    talk = expertise_text(AI_TALK).lower().split()
    assert "ai" in talk
    for word in ("lunchsessie", "donderdag", "30", "minuten", "ziekenhuis", "derde"):
        assert word not in talk


def test_logistics_do_not_make_a_match() -> None:
    q = query(AI_TALK, kind=ChallengeKind.speaker)
    hr = candidate(
        1,
        organisation_id=10,
        documents=[doc("Elke donderdag een lunchsessie van 30 minuten.", dense=0.3)],
    )
    ai = candidate(
        2, organisation_id=20, documents=[doc("Toepassingen van AI in de zorg.", dense=0.3)]
    )
    scored = score(q, [hr, ai], ScoringConfig())
    assert scored[1].docs[0].lexical < scored[2].docs[0].lexical
    keep = score(q, [hr, ai], ScoringConfig().without("context"))
    assert keep[1].docs[0].lexical > scored[1].docs[0].lexical


def test_a_declared_topic_matches_by_meaning_and_a_willing_expert_wins() -> None:
    q = query(AI_TALK, kind=ChallengeKind.speaker)
    work = [doc("Adviseert over informatievoorziening in ziekenhuizen.", dense=0.42)]
    willing = candidate(
        1,
        organisation_id=10,
        speaker_topics=("De AI-verordening voor niet-juristen",),
        documents=[*work, _topics(0.30)],
    )
    unwilling = candidate(2, organisation_id=20, willing_to_speak=False, documents=list(work))
    far = candidate(
        3,
        organisation_id=30,
        speaker_topics=("Wachtwoordbeleid",),
        documents=[doc("Adviseert over informatievoorziening.", dense=0.42), _topics(0.10)],
    )
    scored = score(q, [willing, unwilling, far], ScoringConfig())
    assert scored[1].speaker_topics_matched == ["De AI-verordening voor niet-juristen"]
    assert scored[3].speaker_topics_matched == []
    # The topics document is no evidence of track record: relevance is the same for all.
    assert scored[1].relevance == scored[2].relevance
    assert [s.candidate.person_id for s in rank(list(scored.values()), top=3)] == [1, 3, 2]
    assert scored[1].features["speaker_topic_match"] == 1.0


async def test_speaker_topics_document_follows_the_profile(conn: asyncpg.Connection) -> None:
    org = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Org', 'ict') RETURNING id"
    )
    person = await people_store.insert_person(
        conn,
        organisation_id=org,
        person=NewPerson(
            name="P", email="p@x.org", consent=True, speaker_topics=("AI in de zorg",)
        ),
        documents=(),
    )
    body = "SELECT body FROM document WHERE person_id = $1 AND kind = 'speaker_topics'"
    assert await conn.fetchval(body, person) == "AI in de zorg"
    await people_store.update_person(
        conn, person, PersonChanges(speaker_topics=("AI in de zorg", "De AI-verordening"))
    )
    assert await conn.fetchval(body, person) == "AI in de zorg; De AI-verordening"
    await people_store.update_person(conn, person, PersonChanges(speaker_topics=()))
    assert await conn.fetchval(body, person) is None
    await people_store.update_person(conn, person, PersonChanges(speaker_topics=("Cloud",)))
    today = date.today()
    [loaded] = await candidate_store.load_candidates(
        conn,
        [person],
        vector=None,
        model_id="m",
        window=(today, today + timedelta(days=30)),
        challenge_id=None,
    )
    assert [d.kind for d in loaded.documents] == [TOPICS_KIND]
    stats = LexicalStats(documents=1, document_frequency={})
    q = query("Cloud", kind=ChallengeKind.speaker, organisation_id=None)
    scored = score(q, [loaded], stats=stats)
    assert scored[person].docs == [] and scored[person].speaker_topics_matched == ["Cloud"]


def test_the_meaning_vector_leaves_out_who_asks() -> None:
    asked = "Wie heeft ervaring met een NIS2-gap-analyse voor een waterschap?"
    assert without_context_phrases(asked) == "Wie heeft ervaring met een NIS2-gap-analyse?"
    assert without_context_phrases("Wie deed een DPIA voor een nieuwe app in de zorg?") == (
        "Wie deed een DPIA voor een nieuwe app?"
    )
    assert without_context_phrases("Rollen bij een kleine gemeente, snel") == "Rollen, snel"
    # a subject, not the asker: adjectives and regions stay
    kept = "Digitalisering van gemeentelijke archieven; hoe digitaal is het Noorden?"
    assert without_context_phrases(kept) == kept
    # nothing but context: the text itself, never an empty query
    assert without_context_phrases("In de zorg") == "In de zorg"
