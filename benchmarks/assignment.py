"""Assignment round against today's greedy per-challenge proposals, at equal capacity.

Synthetic network (seeded): people with skewed strength, so the same strong people are
candidates for many challenges; challenges with windows of one to four months, a third of
them capacity challenges needing 8-80 hours, the rest a small amount. Both methods get the
same candidates, k proposals per challenge and one person per organisation per challenge;
the round also keeps at most m proposals per person and every proposal approvable.

    python benchmarks/assignment.py [--challenges 1000] [--people 10000] [--candidates 30]

Prints total score, challenges with an approvable proposal (the manager approving the best
proposal that still fits, challenge by challenge), people over-proposed, Gini of exposure,
and the solve time (goal: <= 10 s for 1,000 challenges x 10,000 people on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta

import numpy as np

from matcher.matching.assignment import AssignmentProblem, Pair, Seat, greedy, solve
from matcher.matching.assignment_metrics import figures
from matcher.matching.capacity import Window, available_hours

TODAY = date(2026, 1, 5)


def make_problem(
    *, challenges: int, people: int, candidates: int, k: int, m: int, seed: int
) -> AssignmentProblem:
    """A seeded synthetic round."""
    rng = np.random.default_rng(seed)
    organisations = max(people // 25, 2)
    person_org = rng.integers(0, organisations, size=people)
    strength = rng.lognormal(0.0, 0.6, size=people)
    popularity = strength**3 / (strength**3).sum()
    hours_per_month = rng.choice(
        [0.0, 4.0, 8.0, 12.0, 16.0], size=people, p=[0.1, 0.3, 0.3, 0.2, 0.1]
    )
    seats: list[Seat] = []
    pairs: list[Pair] = []
    for cid in range(challenges):
        start = TODAY + timedelta(days=int(rng.integers(0, 90)))
        end = start + timedelta(days=int(rng.integers(30, 120)))
        capacity = rng.random() < 0.33
        hours = float(rng.integers(8, 81)) if capacity else 2.0
        seats.append(Seat(cid, k, hours, start, end))
        window = Window(start, end)
        chosen = rng.choice(people, size=candidates, replace=False, p=popularity)
        relevance = rng.beta(2.0, 5.0, size=candidates)
        for pid, rel in zip(chosen, relevance, strict=True):
            free = available_hours(
                hours_per_month=float(hours_per_month[pid]),
                available_from=None,
                available_until=None,
                window=window,
            )
            score = float(rel) * (0.7 + 0.3 * min(strength[pid], 2.0) / 2.0)
            pairs.append(Pair(cid, int(pid), int(person_org[pid]), round(score, 6), round(free, 1)))
    return AssignmentProblem(seats=seats, pairs=pairs, max_per_person=m)


def main() -> None:
    """Run both methods and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--challenges", type=int, default=1000)
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--m", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    problem = make_problem(
        challenges=args.challenges,
        people=args.people,
        candidates=args.candidates,
        k=args.k,
        m=args.m,
        seed=args.seed,
    )
    started = time.perf_counter()
    baseline = greedy(problem)
    greedy_seconds = time.perf_counter() - started
    result = solve(problem)
    report = {
        "challenges": args.challenges,
        "people": args.people,
        "candidate_pairs": len(problem.pairs),
        "k": args.k,
        "m": args.m,
        "greedy": {**figures(problem, baseline).as_dict(), "seconds": round(greedy_seconds, 3)},
        "assignment": {
            **figures(problem, result.chosen).as_dict(),
            "seconds": round(result.seconds, 3),
            "status": result.status,
            "gap": result.gap,
            "variables": result.variables,
            "constraints": result.constraints,
        },
        "goal_seconds": 10.0,
    }
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"{args.challenges} challenges x {args.people} people, "
        f"{len(problem.pairs)} candidate pairs, k={args.k}, m={args.m}"
    )
    keys = [
        "proposals",
        "total_score",
        "challenges_proposed",
        "challenges_served",
        "people_proposed",
        "people_over_hours",
        "people_over_limit",
        "max_exposure",
        "gini_exposure",
        "seconds",
    ]
    print(f"{'figure':<22}{'greedy':>12}{'assignment':>12}")
    for key in keys:
        print(f"{key:<22}{report['greedy'][key]!s:>12}{report['assignment'][key]!s:>12}")
    print(
        f"solver: {result.status}, gap {result.gap}, {result.variables} variables, "
        f"{result.constraints} rows; goal <= 10 s"
    )


if __name__ == "__main__":
    main()
