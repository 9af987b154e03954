"""Figures that compare two sets of proposals for the same challenges and people."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from matcher.matching.assignment import AssignmentProblem, Pair, Seat

_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class ProposalFigures:
    """What a set of proposals is worth and how fairly it spreads the work."""

    proposals: int
    total_score: float
    challenges_proposed: int
    challenges_served: int
    people_proposed: int
    people_over_hours: int
    people_over_limit: int
    max_exposure: int
    gini_exposure: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative values (0: all equal; towards 1: one has everything)."""
    n = len(values)
    total = float(sum(values))
    if n == 0 or total <= 0:
        return 0.0
    ordered = sorted(values)
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return (2.0 * weighted) / (n * total) - (n + 1.0) / n


def _fits(seat: Seat, free: float, held: list[Seat]) -> bool:
    load = seat.hours + sum(h.hours for h in held if h.overlaps(seat))
    return load <= free + _EPSILON


def served_challenges(problem: AssignmentProblem, chosen: Sequence[Pair]) -> int:
    """Challenges that get an approval when the manager approves, challenge by challenge in order,
    the best proposal whose person still has the hours (the rule `approve` applies)."""
    seats = {s.challenge_id: s for s in problem.seats}
    by_challenge: dict[int, list[Pair]] = defaultdict(list)
    for p in chosen:
        by_challenge[p.challenge_id].append(p)
    held: dict[int, list[Seat]] = defaultdict(list)
    served = 0
    for seat in problem.seats:
        for p in sorted(by_challenge.get(seat.challenge_id, []), key=lambda p: -p.score):
            if _fits(seats[p.challenge_id], p.free_hours, held[p.person_id]):
                held[p.person_id].append(seat)
                served += 1
                break
    return served


def people_over_hours(problem: AssignmentProblem, chosen: Sequence[Pair]) -> int:
    """People whose proposals could not all be approved: overlapping hours exceed their free hours."""
    seats = {s.challenge_id: s for s in problem.seats}
    by_person: dict[int, list[Pair]] = defaultdict(list)
    for p in chosen:
        by_person[p.person_id].append(p)
    over = 0
    for pairs in by_person.values():
        for p in pairs:
            others = [seats[q.challenge_id] for q in pairs if q is not p]
            if not _fits(seats[p.challenge_id], p.free_hours, others):
                over += 1
                break
    return over


def figures(problem: AssignmentProblem, chosen: Sequence[Pair]) -> ProposalFigures:
    """Score, approvable coverage, over-proposed people and exposure spread of the proposals."""
    exposure = Counter(p.person_id for p in chosen)
    pool = {p.person_id for p in problem.pairs}
    limit_over = sum(
        1 for pid, n in exposure.items() if n + problem.carried.get(pid, 0) > problem.max_per_person
    )
    return ProposalFigures(
        proposals=len(chosen),
        total_score=round(sum(p.score for p in chosen), 4),
        challenges_proposed=len({p.challenge_id for p in chosen}),
        challenges_served=served_challenges(problem, chosen),
        people_proposed=len(exposure),
        people_over_hours=people_over_hours(problem, chosen),
        people_over_limit=limit_over,
        max_exposure=max(exposure.values(), default=0),
        gini_exposure=round(gini([float(exposure.get(pid, 0)) for pid in pool]), 4),
    )
