"""The assignment round's solver: its limits hold, and it is optimal (checked by brute force)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date, timedelta

import pytest

from matcher.matching.assignment import AssignmentProblem, Pair, Seat, greedy, solve
from matcher.matching.assignment_metrics import figures, gini, people_over_hours

D = date(2026, 3, 2)


def seat(cid: int, hours: float, start: int = 0, days: int = 30, seats: int = 3) -> Seat:
    return Seat(cid, seats, hours, D + timedelta(days=start), D + timedelta(days=start + days))


def test_a_person_is_not_proposed_beyond_their_hours_where_greedy_would() -> None:
    # Anna is everyone's favourite but has 10 free hours; both challenges need 8 in March.
    problem = AssignmentProblem(
        seats=[seat(1, 8.0, seats=1), seat(2, 8.0, seats=1)],
        pairs=[
            Pair(1, 100, 10, 0.9, 10.0),
            Pair(2, 100, 10, 0.8, 10.0),
            Pair(2, 200, 20, 0.5, 30.0),
        ],
        max_per_person=5,
    )
    chosen = {(p.challenge_id, p.person_id) for p in solve(problem).chosen}
    assert chosen == {(1, 100), (2, 200)}
    assert people_over_hours(problem, greedy(problem)) == 1
    assert people_over_hours(problem, solve(problem).chosen) == 0


def test_windows_that_do_not_overlap_do_not_share_hours() -> None:
    problem = AssignmentProblem(
        seats=[seat(1, 8.0, start=0, seats=1), seat(2, 8.0, start=60, seats=1)],
        pairs=[Pair(1, 100, 10, 0.9, 10.0), Pair(2, 100, 10, 0.8, 10.0)],
        max_per_person=5,
    )
    assert len(solve(problem).chosen) == 2


def test_per_person_limit_and_one_person_per_organisation() -> None:
    problem = AssignmentProblem(
        seats=[seat(1, 1.0), seat(2, 1.0)],
        pairs=[
            Pair(1, 100, 10, 0.9, 50.0),
            Pair(1, 101, 10, 0.8, 50.0),  # same organisation as 100
            Pair(2, 100, 10, 0.9, 50.0),
            Pair(2, 300, 30, 0.1, 50.0),
        ],
        max_per_person=1,
    )
    chosen = solve(problem).chosen
    assert Counter(p.person_id for p in chosen)[100] == 1
    for cid in (1, 2):
        orgs = [p.organisation_id for p in chosen if p.challenge_id == cid]
        assert len(orgs) == len(set(orgs))
    # 100 goes where the total is best: on 2, with 101 from the same organisation on 1.
    assert {(p.challenge_id, p.person_id) for p in chosen} == {(1, 101), (2, 100), (2, 300)}


def test_carried_proposals_count_against_the_limit() -> None:
    problem = AssignmentProblem(
        seats=[seat(1, 1.0)],
        pairs=[Pair(1, 100, 10, 0.9, 50.0), Pair(1, 200, 20, 0.2, 50.0)],
        max_per_person=2,
        carried={100: 2},
    )
    assert [p.person_id for p in solve(problem).chosen] == [200]


def _feasible(problem: AssignmentProblem, chosen: list[Pair]) -> bool:
    seats = {s.challenge_id: s for s in problem.seats}
    per_challenge = Counter(p.challenge_id for p in chosen)
    per_person = Counter(p.person_id for p in chosen)
    per_org = Counter((p.challenge_id, p.organisation_id) for p in chosen)
    return (
        all(n <= seats[c].seats for c, n in per_challenge.items())
        and all(n <= problem.max_per_person for n in per_person.values())
        and all(n <= 1 for n in per_org.values())
        and all(seats[p.challenge_id].hours <= p.free_hours for p in chosen)
        and people_over_hours(problem, chosen) == 0
    )


@pytest.mark.parametrize("limit", [2, 3])
@pytest.mark.parametrize("seed", range(12))
def test_the_solver_finds_the_best_total_a_brute_force_finds(seed: int, limit: int) -> None:
    rng = random.Random(seed)
    seats = [
        seat(c, rng.choice([2.0, 8.0, 16.0]), start=rng.randrange(0, 60), seats=rng.choice([1, 2]))
        for c in range(4)
    ]
    pairs = []
    for c in range(4):
        for pid in rng.sample(range(5), 3):
            pairs.append(
                Pair(c, pid, pid % 3, round(rng.random(), 3), rng.choice([4.0, 12.0, 24.0]))
            )
    # Two per person uses conflict rows; three the running-sum rows.
    problem = AssignmentProblem(seats=seats, pairs=pairs, max_per_person=limit)
    best = 0.0
    for r in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, r):
            if _feasible(problem, list(subset)):
                best = max(best, sum(p.score for p in subset))
    result = solve(problem)
    assert _feasible(problem, result.chosen)
    assert result.objective == pytest.approx(best, abs=1e-3)


def test_gini_and_figures() -> None:
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    problem = AssignmentProblem(
        seats=[seat(1, 8.0, seats=1), seat(2, 8.0, seats=1)],
        pairs=[Pair(1, 100, 10, 0.9, 10.0), Pair(2, 100, 10, 0.8, 10.0)],
        max_per_person=5,
    )
    greedy_figures = figures(problem, greedy(problem))
    assert greedy_figures.proposals == 2 and greedy_figures.challenges_served == 1
    assert greedy_figures.people_over_hours == 1
