"""Ranking with organisation diversity, and fair exposure across a week's suggestions."""

from __future__ import annotations

from matcher.matching.scoring import ScoringConfig, rank
from matcher.records import Candidate
from tests.matching.matching_helpers import candidate, doc, query, score

NO_LEXICAL = ScoringConfig(use_lexical=False)


def _people(spec: list[tuple[int, int, float]]) -> list[Candidate]:
    return [
        candidate(pid, organisation_id=org, documents=[doc("x", dense=dense)])
        for pid, org, dense in spec
    ]


def test_a_top_list_is_not_one_organisation_when_others_exist() -> None:
    # Organisation 50 has the five most relevant people; two other organisations follow.
    people = _people(
        [(1, 50, 0.90), (2, 50, 0.89), (3, 50, 0.88), (4, 50, 0.87), (5, 50, 0.86)]
    ) + _people([(6, 60, 0.50), (7, 70, 0.40)])
    scored = list(score(query(sector_code=None, province=None), people, NO_LEXICAL).values())
    top = rank(scored, top=4, config=NO_LEXICAL)
    assert [s.candidate.person_id for s in top] == [1, 2, 6, 7]
    undiversified = rank(scored, top=4, config=NO_LEXICAL.without("diversity"))
    assert [s.candidate.person_id for s in undiversified] == [1, 2, 3, 4]


def test_one_organisation_fills_the_list_when_no_one_else_is_left() -> None:
    people = _people([(1, 50, 0.9), (2, 50, 0.8), (3, 50, 0.7), (4, 60, 0.2)])
    scored = list(score(query(sector_code=None, province=None), people, NO_LEXICAL).values())
    assert [s.candidate.person_id for s in rank(scored, top=4, config=NO_LEXICAL)] == [
        1,
        2,
        4,
        3,
    ]


def test_a_second_person_from_an_organisation_is_discounted() -> None:
    # 2 is slightly better than 3 but from the same organisation as 1.
    people = _people([(1, 50, 0.90), (2, 50, 0.60), (3, 60, 0.58)])
    scored = list(score(query(sector_code=None, province=None), people, NO_LEXICAL).values())
    assert [s.candidate.person_id for s in rank(scored, top=3, config=NO_LEXICAL)] == [1, 3, 2]
    # With a clear margin the second colleague still comes first.
    people = _people([(1, 50, 0.90), (2, 50, 0.80), (3, 60, 0.58)])
    scored = list(score(query(sector_code=None, province=None), people, NO_LEXICAL).values())
    assert [s.candidate.person_id for s in rank(scored, top=3, config=NO_LEXICAL)] == [1, 2, 3]


def test_a_person_suggested_often_this_week_gives_way() -> None:
    q = query(sector_code=None, province=None)
    busy = candidate(1, organisation_id=50, recent_exposure=6, documents=[doc("x", dense=0.60)])
    fresh = candidate(2, organisation_id=60, documents=[doc("x", dense=0.55)])
    scored = list(score(q, [busy, fresh], NO_LEXICAL).values())
    assert [s.candidate.person_id for s in rank(scored, top=2, config=NO_LEXICAL)] == [2, 1]
    off = NO_LEXICAL.without("exposure")
    scored = list(score(q, [busy, fresh], off).values())
    assert [s.candidate.person_id for s in rank(scored, top=2, config=off)] == [1, 2]


def test_ties_are_broken_by_person_id() -> None:
    people = _people([(3, 50, 0.5), (1, 60, 0.5), (2, 70, 0.5)])
    scored = list(score(query(sector_code=None, province=None), people, NO_LEXICAL).values())
    assert [s.candidate.person_id for s in rank(scored, top=3, config=NO_LEXICAL)] == [1, 2, 3]
