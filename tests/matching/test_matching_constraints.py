"""Hard constraints: who may never be suggested, whatever their relevance."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.matching.scoring import ScoringConfig, exclusion_reason
from matcher.records import ChallengeKind
from tests.matching.matching_helpers import candidate, doc, query, score

STRONG = [doc("Informatiebeveiliging en BIO voor gemeenten.", dense=0.9)]


def test_each_constraint_has_its_reason() -> None:
    q = query(kind=ChallengeKind.capacity, hours_needed=20)
    assert exclusion_reason(candidate(1), q, free=30.0) is None
    assert exclusion_reason(candidate(1, consent=False), q, free=30.0) == "no_consent"
    assert exclusion_reason(candidate(1, organisation_id=1), q, free=30.0) == "own_organisation"
    assert (
        exclusion_reason(candidate(1, conflict_organisation_ids=(7, 1)), q, free=30.0) == "conflict"
    )
    assert exclusion_reason(candidate(1), q, free=0.0) == "no_capacity"
    assert exclusion_reason(candidate(1), q, free=None) == "no_capacity"


def test_no_capacity_only_excludes_for_capacity_challenges() -> None:
    for kind in (ChallengeKind.knowledge, ChallengeKind.partner, ChallengeKind.speaker):
        assert exclusion_reason(candidate(1), query(kind=kind), free=0.0) is None


def test_excluded_people_are_left_out_even_when_most_relevant() -> None:
    people = [
        candidate(1, consent=False, documents=list(STRONG)),
        candidate(2, organisation_id=1, documents=list(STRONG)),
        candidate(3, conflict_organisation_ids=(1,), documents=list(STRONG)),
        candidate(4, capacity_hours_per_month=0.0, documents=list(STRONG)),
        candidate(
            5,
            available_from=date(2026, 1, 1),
            available_until=date(2026, 12, 31),
            documents=list(STRONG),
        ),
        candidate(6, documents=[doc("Iets anders.", dense=0.1)]),
    ]
    scored = score(query(kind=ChallengeKind.capacity, hours_needed=10), people)
    # 5's availability ended before the challenge window (from 1 March 2027): no free hours.
    assert sorted(scored) == [6]


def test_without_constraints_everyone_is_scored() -> None:
    people = [candidate(1, consent=False), candidate(2, organisation_id=1)]
    scored = score(query(), people, ScoringConfig(use_constraints=False))
    assert sorted(scored) == [1, 2]


def test_a_capacity_challenge_keeps_people_with_some_hours_left() -> None:
    people = [
        candidate(1, capacity_hours_per_month=10.0, reserved_hours=25.0),
        candidate(2, capacity_hours_per_month=10.0, reserved_hours=40.0),
    ]
    scored = score(query(kind=ChallengeKind.capacity, hours_needed=10), people)
    # Three months of 10 hours: 1 has ~5 hours left, 2 none.
    assert sorted(scored) == [1]
    assert scored[1].free_hours == pytest.approx(10 * 92 / 30.44 - 25, abs=0.05)
