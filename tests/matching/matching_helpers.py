"""Small builders for pure matching tests: candidates, documents and challenge queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import ScoredCandidate, ScoringConfig, score_candidates
from matcher.records import Candidate, ChallengeKind, ChallengeQuery, EvidenceDoc

TODAY = date(2027, 3, 1)
NO_STATS = LexicalStats(documents=0, document_frequency={})

_next_doc = iter(range(1, 1_000_000))


def doc(
    body: str, *, title: str = "", dense: float | None = 0.5, lexemes: tuple[str, ...] = ()
) -> EvidenceDoc:
    """A document with a given dense similarity to the query."""
    return EvidenceDoc(
        document_id=next(_next_doc),
        kind="project",
        title=title,
        body=body,
        dense=dense,
        lexemes=lexemes,
    )


def candidate(person_id: int, *, organisation_id: int = 100, **fields: Any) -> Candidate:
    """An eligible person (consent, 10 hours a month, willing to speak); override any field."""
    base = Candidate(
        person_id=person_id,
        person_name=f"Persoon {person_id}",
        person_role="adviseur",
        email=f"p{person_id}@example.org",
        organisation_id=organisation_id,
        organisation_name=f"Organisatie {organisation_id}",
        sector_code="ict",
        sector_name="ICT-dienstverlening",
        province="Groningen",
        languages=("nl",),
        consent=True,
        capacity_hours_per_month=10.0,
        available_from=None,
        available_until=None,
        reserved_hours=0.0,
        willing_to_speak=True,
        speaker_topics=(),
        conflict_organisation_ids=(),
        recent_exposure=0,
        documents=[doc("Algemene ervaring met ICT-projecten.")],
    )
    return replace(base, **fields)


def query(text: str = "Wij zoeken hulp bij ICT.", **fields: Any) -> ChallengeQuery:
    """A challenge from organisation 1 in the public sector, Friesland."""
    base = ChallengeQuery(
        text=text,
        kind=ChallengeKind.knowledge,
        organisation_id=1,
        sector_code="overheden",
        province="Friesland",
        hours_needed=None,
        starts_on=None,
        needed_by=None,
    )
    return replace(base, **fields)


def score(
    q: ChallengeQuery,
    candidates: list[Candidate],
    config: ScoringConfig | None = None,
    *,
    query_lexemes: tuple[str, ...] = (),
    stats: LexicalStats = NO_STATS,
) -> dict[int, ScoredCandidate]:
    """Scored candidates by person id."""
    scored = score_candidates(
        q, candidates, query_lexemes=query_lexemes, stats=stats, today=TODAY, config=config
    )
    return {s.candidate.person_id: s for s in scored}
