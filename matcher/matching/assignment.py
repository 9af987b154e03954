"""The assignment round: k people per challenge, maximising total score under hours and limits.

Why an integer program and not a min-cost flow: seats per challenge, proposals per person and
one-person-per-organisation are flow constraints, but a person's free hours must cover every
proposal whose window overlaps another's, and challenges need different amounts of hours.
Those weighted, overlapping capacity rows break the network structure (the LP relaxation is
no longer integral), so the round is a 0/1 program solved exactly by HiGHS (highspy,
starting from a feasible greedy solution), with a time limit and the remaining optimality gap reported.

"Approvable" is the rule `approve` applies: a person's hours held in windows overlapping the
challenge's window, plus the challenge's hours, fit in the person's free hours there. The
round keeps every chosen proposal approvable even if all of one person's proposals are
approved: for each chosen pair (c, p),

    hours(c) + sum of hours(c') over p's other chosen c' overlapping c  <=  free(p, window(c)).

With at most two proposals per person (the default) this is exactly "two overlapping pairs
that do not fit together are not both chosen": x[i] + x[j] <= 1, a tight set-packing row.
For larger limits it holds only when x[c, p] = 1, written with a big-M (exact for 0/1
variables) over running sums of hours, so a popular person costs O(n) non-zeros.
On 1,000 challenges x 10,000 people (benchmarks/assignment.py) the conflict rows solved in
4 s what the big-M rows took 53 s for (3 s on a quiet machine); with three per person the
big-M rows stop at the 60 s limit 0.14 % from optimal (the result says so).
"""

from __future__ import annotations

import os
import sys
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import highspy
import numpy as np

# Float noise must not turn "exactly enough hours" into an infeasible pair.
_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Seat:
    """A challenge to fill: how many people, how many hours each, in which window."""

    challenge_id: int
    seats: int
    hours: float
    starts_on: date
    ends_on: date

    def overlaps(self, other: Seat) -> bool:
        """Whether the two windows share a day."""
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on


@dataclass(frozen=True, slots=True)
class Pair:
    """A person who may be proposed for a challenge, with their score and free hours there."""

    challenge_id: int
    person_id: int
    organisation_id: int | None
    score: float
    free_hours: float


@dataclass(frozen=True, slots=True)
class AssignmentProblem:
    """Challenges, candidate pairs and the per-person limit (minus what people already carry)."""

    seats: Sequence[Seat]
    pairs: Sequence[Pair]
    max_per_person: int = 2
    # Proposals a person already carries outside this problem (counted against the limit).
    carried: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """The chosen pairs and how the solver got there."""

    chosen: list[Pair]
    objective: float
    status: str
    seconds: float
    gap: float | None
    variables: int
    constraints: int


def feasible_pairs(problem: AssignmentProblem) -> list[Pair]:
    """Pairs that could ever be chosen: known challenge, positive score, hours that fit alone."""
    seats = {s.challenge_id: s for s in problem.seats}
    out = []
    seen: set[tuple[int, int]] = set()
    for p in problem.pairs:
        seat = seats.get(p.challenge_id)
        key = (p.challenge_id, p.person_id)
        if seat is None or seat.seats <= 0 or key in seen or p.score <= 0:
            continue
        if problem.max_per_person - problem.carried.get(p.person_id, 0) <= 0:
            continue
        if seat.hours > p.free_hours + _EPSILON:
            continue
        seen.add(key)
        out.append(p)
    return out


class _Model:
    """Sparse rows lower <= sum(coef * x) <= upper over the pair variables and helper columns."""

    def __init__(self, pairs: int) -> None:
        self.columns = pairs
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def column(self) -> int:
        """A new continuous helper column (>= 0)."""
        self.columns += 1
        return self.columns - 1

    def add(self, terms: Iterable[tuple[int, float]], lower: float, upper: float) -> None:
        row = len(self.upper)
        for c, v in terms:
            self.rows.append(row)
            self.cols.append(c)
            self.vals.append(v)
        self.lower.append(lower)
        self.upper.append(upper)

    def at_most(self, cols: Sequence[int], upper: float) -> None:
        self.add(((c, 1.0) for c in cols), -np.inf, upper)


def _prefix_columns(
    model: _Model, keyed: Sequence[tuple[date, int, float]]
) -> tuple[list[date], list[int]]:
    """Columns P[k] = sum of hours * x over the items with key <= k-th distinct key."""
    keys = sorted({k for k, _, _ in keyed})
    position = {k: n for n, k in enumerate(keys)}
    grouped: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for k, col, hours in keyed:
        grouped[position[k]].append((col, hours))
    columns: list[int] = []
    for n in range(len(keys)):
        col = model.column()
        terms = [(col, 1.0)] + [(c, -h) for c, h in grouped[n]]
        if columns:
            terms.append((columns[-1], -1.0))
        model.add(terms, 0.0, 0.0)
        columns.append(col)
    return keys, columns


def _conflict_rows(
    model: _Model, seats: Mapping[int, Seat], pairs: list[Pair], idx: list[int]
) -> None:
    """With at most two proposals per person, hours only fail for two overlapping pairs that
    do not fit together: x[i] + x[j] <= 1 is exact there and much tighter than a big-M row."""
    for a, i in enumerate(idx):
        si = seats[pairs[i].challenge_id]
        for j in idx[a + 1 :]:
            sj = seats[pairs[j].challenge_id]
            if not si.overlaps(sj):
                continue
            both = si.hours + sj.hours
            if both > pairs[i].free_hours + _EPSILON or both > pairs[j].free_hours + _EPSILON:
                model.add(((i, 1.0), (j, 1.0)), -np.inf, 1.0)


def _hours_rows(
    model: _Model, seats: Mapping[int, Seat], pairs: list[Pair], idx: list[int], limit: int
) -> None:
    """Keep each chosen pair of one person approvable with their other chosen pairs.

    The hours of the person's chosen pairs overlapping pair i's window are
    started(by end of i) - ended(before start of i): two running sums (helper columns), so a
    person with n candidate pairs costs O(n) non-zeros instead of O(n^2).
    """
    needed: list[tuple[int, float]] = []
    for i in idx:
        own = seats[pairs[i].challenge_id]
        loads = sorted(
            (
                seats[pairs[j].challenge_id].hours
                for j in idx
                if j != i and seats[pairs[j].challenge_id].overlaps(own)
            ),
            reverse=True,
        )
        room = pairs[i].free_hours - own.hours
        # With x[i] = 1 at most limit - 1 others are chosen: when the largest of them fit,
        # the person limit already keeps this pair approvable and no row is needed.
        if sum(loads[: limit - 1]) <= room + _EPSILON:
            continue
        # With x[i] = 0 the row must allow any `limit` others: the smallest exact big-M.
        needed.append((i, max(sum(loads[:limit]) - room, 0.0)))
    if not needed:
        return
    if limit <= 2:
        _conflict_rows(model, seats, pairs, idx)
        return
    hours = {i: seats[pairs[i].challenge_id].hours for i in idx}
    starts, started = _prefix_columns(
        model, [(seats[pairs[i].challenge_id].starts_on, i, hours[i]) for i in idx]
    )
    ends, ended = _prefix_columns(
        model, [(seats[pairs[i].challenge_id].ends_on, i, hours[i]) for i in idx]
    )
    for i, big_m in needed:
        own = seats[pairs[i].challenge_id]
        room = pairs[i].free_hours - own.hours
        s = bisect_right(starts, own.ends_on) - 1  # >= 0: i itself started by then
        e = bisect_left(ends, own.starts_on) - 1  # -1: nothing ended before i starts
        # load(incl. i) - hours(i) * x[i] + big_m * x[i] <= room + big_m
        terms = [(started[s], 1.0), (i, big_m - hours[i])]
        if e >= 0:
            terms.append((ended[e], -1.0))
        model.add(terms, -np.inf, room + big_m)


def _build(problem: AssignmentProblem, pairs: list[Pair]) -> _Model:
    seats = {s.challenge_id: s for s in problem.seats}
    model = _Model(len(pairs))
    by_challenge: dict[int, list[int]] = defaultdict(list)
    by_person: dict[int, list[int]] = defaultdict(list)
    by_org: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_challenge[p.challenge_id].append(i)
        by_person[p.person_id].append(i)
        if p.organisation_id is not None:
            by_org[(p.challenge_id, p.organisation_id)].append(i)
    for cid, idx in by_challenge.items():
        if len(idx) > seats[cid].seats:
            model.at_most(idx, float(seats[cid].seats))
    for pid, idx in by_person.items():
        limit = problem.max_per_person - problem.carried.get(pid, 0)
        if len(idx) > limit:
            model.at_most(idx, float(limit))
        if len(idx) > 1:  # a lone pair already fits its hours (feasible_pairs)
            _hours_rows(model, seats, pairs, idx, limit)
    for idx in by_org.values():
        if len(idx) > 1:
            model.at_most(idx, 1.0)
    return model


def _feasible_start(problem: AssignmentProblem, pairs: list[Pair]) -> list[int]:
    """Pairs taken best score first while every limit still holds: the solver's first incumbent."""
    seats = {s.challenge_id: s for s in problem.seats}
    filled: dict[int, int] = defaultdict(int)
    orgs: set[tuple[int, int | None]] = set()
    taken: dict[int, list[int]] = defaultdict(list)
    chosen: list[int] = []
    for i in sorted(range(len(pairs)), key=lambda i: -pairs[i].score):
        p = pairs[i]
        seat = seats[p.challenge_id]
        mine = taken[p.person_id]
        limit = problem.max_per_person - problem.carried.get(p.person_id, 0)
        if filled[p.challenge_id] >= seat.seats or len(mine) >= limit:
            continue
        if p.organisation_id is not None and (p.challenge_id, p.organisation_id) in orgs:
            continue
        group = [*mine, i]
        if not all(_approvable(seats, pairs, j, group) for j in group):
            continue
        filled[p.challenge_id] += 1
        if p.organisation_id is not None:
            orgs.add((p.challenge_id, p.organisation_id))
        mine.append(i)
        chosen.append(i)
    return chosen


def _approvable(seats: Mapping[int, Seat], pairs: list[Pair], i: int, group: list[int]) -> bool:
    own = seats[pairs[i].challenge_id]
    load = sum(
        seats[pairs[j].challenge_id].hours
        for j in group
        if seats[pairs[j].challenge_id].overlaps(own)
    )
    return load <= pairs[i].free_hours + _EPSILON


def _new_highs() -> highspy.Highs:
    """A solver instance; HiGHS prints its banner on stdout when made, so it goes to stderr here
    (stdout may be a --json answer)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        return highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _run_highs(
    model: _Model, scores: list[float], start: list[int], time_limit: float, gap: float
) -> tuple[np.ndarray, str, float | None]:
    """Maximise the scores with HiGHS from a feasible start; the pair columns' values."""
    n = len(scores)
    helpers = model.columns - n
    cols = np.asarray(model.cols, dtype=np.int64)
    order = np.argsort(cols, kind="stable")
    starts = np.searchsorted(cols[order], np.arange(model.columns + 1))
    lp = highspy.HighsLp()
    lp.num_col_ = model.columns
    lp.num_row_ = len(model.upper)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.asarray(scores), np.zeros(helpers)])
    lp.col_lower_ = np.zeros(model.columns)
    lp.col_upper_ = np.concatenate([np.ones(n), np.full(helpers, highspy.kHighsInf)])
    lp.row_lower_ = np.asarray([max(v, -highspy.kHighsInf) for v in model.lower])
    lp.row_upper_ = np.asarray(model.upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = np.asarray(model.rows, dtype=np.int32)[order]
    lp.a_matrix_.value_ = np.asarray(model.vals, dtype=np.float64)[order]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [
        highspy.HighsVarType.kContinuous
    ] * helpers
    highs = _new_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", gap)
    highs.setOptionValue("threads", 1)
    highs.passModel(lp)
    values = np.zeros(n)
    values[start] = 1.0
    highs.setSolution(n, np.arange(n, dtype=np.int32), values)
    highs.run()
    status = highs.getModelStatus()
    solution = np.asarray(highs.getSolution().col_value)
    if solution.size < n:
        raise RuntimeError(
            f"the assignment solver found no solution: {highs.modelStatusToString(status)}"
        )
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit"
    return solution[:n], label, float(highs.getInfo().mip_gap)


def solve(
    problem: AssignmentProblem, *, time_limit: float = 60.0, gap: float = 1e-4
) -> AssignmentResult:
    """Choose pairs maximising total score under seats, hours, per-person and per-organisation limits.

    Optimal within the relative gap (default 0.01 %) unless the time limit stops the solver
    first; the result says which, and the remaining gap.
    """
    started = time.perf_counter()
    pairs = feasible_pairs(problem)
    if not pairs:
        return AssignmentResult([], 0.0, "optimal", time.perf_counter() - started, 0.0, 0, 0)
    model = _build(problem, pairs)
    start = _feasible_start(problem, pairs)
    values, status, mip_gap = _run_highs(model, [p.score for p in pairs], start, time_limit, gap)
    chosen = [p for p, x in zip(pairs, values, strict=True) if x > 0.5]
    return AssignmentResult(
        chosen=chosen,
        objective=float(sum(p.score for p in chosen)),
        status=status,
        seconds=time.perf_counter() - started,
        gap=mip_gap,
        variables=model.columns,
        constraints=len(model.upper),
    )


def greedy(problem: AssignmentProblem) -> list[Pair]:
    """Today's proposals: each challenge on its own takes its best people, one per organisation."""
    seats = {s.challenge_id: s for s in problem.seats}
    by_challenge: dict[int, list[Pair]] = defaultdict(list)
    for p in problem.pairs:
        seat = seats.get(p.challenge_id)
        if seat is not None and seat.hours <= p.free_hours + _EPSILON and p.score > 0:
            by_challenge[p.challenge_id].append(p)
    chosen: list[Pair] = []
    for cid, candidates in by_challenge.items():
        orgs: set[int | None] = set()
        taken = 0
        for p in sorted(candidates, key=lambda p: (-p.score, p.person_id)):
            if taken >= seats[cid].seats:
                break
            if p.organisation_id is not None and p.organisation_id in orgs:
                continue
            orgs.add(p.organisation_id)
            chosen.append(p)
            taken += 1
    return chosen
