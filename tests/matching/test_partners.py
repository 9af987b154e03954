"""Partner ranking by team strength (no database)."""

from __future__ import annotations

from matcher.matching.partners import rank_partners
from matcher.matching.scoring import ScoringConfig
from tests.matching.matching_helpers import candidate, doc, query, score


def test_a_team_of_two_good_people_beats_a_single_slightly_better_one() -> None:
    q = query(kind=None)
    people = [
        candidate(1, organisation_id=10, documents=[doc("a", dense=0.62)]),
        candidate(2, organisation_id=20, documents=[doc("b", dense=0.58)]),
        candidate(3, organisation_id=20, documents=[doc("c", dense=0.55)]),
        candidate(4, organisation_id=30, documents=[doc("d", dense=0.2)]),
    ]
    config = ScoringConfig(use_lexical=False, top_k=1, cross_sector_bonus=0.0)
    ranked = rank_partners(list(score(q, people, config).values()), top=2, config=config)
    assert [r.organisation_id for r in ranked] == [20, 10]
    assert [s.candidate.person_id for s in ranked[0].people] == [2, 3]


def test_cross_sector_organisation_is_preferred_when_equal() -> None:
    q = query(kind=None)
    people = [
        candidate(1, organisation_id=10, sector_code="overheden", documents=[doc("a", dense=0.6)]),
        candidate(2, organisation_id=20, sector_code="ict", documents=[doc("b", dense=0.6)]),
    ]
    config = ScoringConfig(use_lexical=False, top_k=1)
    ranked = rank_partners(list(score(q, people, config).values()), top=5, config=config)
    assert [r.organisation_id for r in ranked] == [20, 10]
    assert ranked[0].cross_sector and not ranked[1].cross_sector
