"""Ranking and pairwise metrics for graded relevance judgments; pure functions.

Conventions shared by every function here:

- a *ranking* is a sequence of profile ids, best first, holding every profile;
- *grades* map profile ids to a real-valued grade for one challenge; a profile
  without a grade counts as grade 0;
- *scores* map ``(challenge_id, profile_id)`` to a predicted score, higher is better;
  a missing score counts as ``-inf`` (below every real score); a NaN score raises
  ValueError.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Literal

import numpy as np
import numpy.typing as npt

Scores = Mapping[tuple[str, str], float]
Judgments = Mapping[str, Mapping[str, float]]


def _check_k(k: int) -> None:
    """Reject a cut-off below 1."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def _discount(rank: int) -> float:
    """The DCG discount of a 1-based rank: 1/log2(rank + 1)."""
    return 1.0 / math.log2(rank + 1)


def _top_grade(grades: Mapping[str, float]) -> float:
    """The highest grade, or 0.0 when there are no grades."""
    return max(grades.values(), default=0.0)


def ndcg_at_k(ranking: Sequence[str], grades: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k with linear gain (gain = grade); 0.0 when the ideal DCG is not positive."""
    _check_k(k)
    dcg = sum(
        grades.get(profile_id, 0.0) * _discount(rank)
        for rank, profile_id in enumerate(ranking[:k], start=1)
    )
    # The ideal ordering of the ranked profiles: positive grades first, then the
    # unjudged and zero-graded (gain 0), then negative grades. Only judged grades are
    # sorted, so this stays cheap when the ranking holds thousands of profiles.
    positives = sorted((grade for grade in grades.values() if grade > 0), reverse=True)
    negatives = sorted((grade for grade in grades.values() if grade < 0), reverse=True)
    zeros = max(0, len(ranking) - len(positives) - len(negatives))
    ideal = positives[:k] + [0.0] * min(zeros, k) + negatives
    idcg = sum(grade * _discount(rank) for rank, grade in enumerate(ideal[:k], start=1))
    if idcg <= 0:
        return 0.0
    return dcg / idcg


def recall_at_k(ranking: Sequence[str], grades: Mapping[str, float], k: int = 10) -> float:
    """Share of the profiles holding the top grade (if > 0) found in the top k; else 0.0."""
    _check_k(k)
    top = _top_grade(grades)
    if top <= 0:
        return 0.0
    best = {profile_id for profile_id, grade in grades.items() if grade == top}
    found = sum(1 for profile_id in ranking[:k] if profile_id in best)
    return found / len(best)


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, float]) -> float:
    """1/rank of the first profile holding the top grade (if > 0); 0.0 if there is none."""
    top = _top_grade(grades)
    if top <= 0:
        return 0.0
    for rank, profile_id in enumerate(ranking, start=1):
        if grades.get(profile_id) == top:
            return 1.0 / rank
    return 0.0


# Up to this many distinct grades in a group, pairs are counted level by level with a
# binary search; above it (near-continuous grades), all pairs are compared in chunks.
_MAX_GRADE_LEVELS = 32
_PAIR_CHUNK_ROWS = 256


def _nan_score(challenge_id: str, profile_id: str) -> ValueError:
    """The error for a NaN score: NaN has no place in an ordering."""
    return ValueError(f"score for challenge {challenge_id!r}, profile {profile_id!r} is NaN")


def _raise_for_nan(scores: Scores) -> None:
    """Raise for the first NaN score."""
    for (challenge_id, profile_id), score in scores.items():
        if math.isnan(score):
            raise _nan_score(challenge_id, profile_id)


def _loss_by_level(
    grades: npt.NDArray[np.float64], scores: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """(loss, weight) of one group with few distinct grades, one grade pair at a time."""
    levels = np.unique(grades)
    buckets = [np.sort(scores[grades == level]) for level in levels]
    loss = 0.0
    weight = 0.0
    for high_index in range(1, len(levels)):
        high = buckets[high_index]
        for low_index in range(high_index):
            low = buckets[low_index]
            pair_weight = float(levels[high_index] - levels[low_index])
            pairs = len(high) * len(low)
            # For each higher-graded item: lower-graded items scored above it are in the
            # wrong order (full weight), those scored equal tie (half weight).
            at_or_below = np.searchsorted(low, high, side="right")
            below = np.searchsorted(low, high, side="left")
            against = (pairs - int(at_or_below.sum())) + int((at_or_below - below).sum()) / 2
            loss += pair_weight * against
            weight += pair_weight * pairs
    return loss, weight


def _loss_all_pairs(
    grades: npt.NDArray[np.float64], scores: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """(loss, weight) of one group by comparing every pair, a block of rows at a time."""
    loss = 0.0
    weight = 0.0
    for start in range(0, len(grades), _PAIR_CHUNK_ROWS):
        row_grades = grades[start : start + _PAIR_CHUNK_ROWS, np.newaxis]
        row_scores = scores[start : start + _PAIR_CHUNK_ROWS, np.newaxis]
        # Weight of each ordered pair (row graded above column), 0 elsewhere.
        pair_weight = np.maximum(row_grades - grades, 0.0)
        against = (row_scores < scores) + 0.5 * (row_scores == scores)
        loss += float((pair_weight * against).sum())
        weight += float(pair_weight.sum())
    return loss, weight


def pairwise_loss(
    scores: Scores, judgments: Judgments, by: Literal["profile", "challenge"]
) -> float:
    """Weighted Kendall-tau loss of the scores against the grades; NaN when no pair differs.

    by="challenge": within each challenge, every pair of judged profiles with grades
    g1 != g2 weighs |g1 - g2|; the weight counts in full when the scores order the pair
    against the grades and half when they tie. by="profile": the same within each
    profile, over the challenges that judged it. The result is the counted weight over
    the total weight: 0.0 is perfect, 0.5 is what a constant predictor gets, 1.0 is
    exactly reversed. With no pair of differing grades the loss is undefined: NaN.
    Cost per group is O(n log n) for a handful of grade values (the usual 0-3 scale)
    and O(n^2) for near-continuous grades.
    """
    if by not in ("profile", "challenge"):
        raise ValueError(f'by must be "profile" or "challenge", got {by!r}')
    groups: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for challenge_id, grades in judgments.items():
        for profile_id, grade in grades.items():
            group_grades, group_scores = groups[challenge_id if by == "challenge" else profile_id]
            group_grades.append(grade)
            group_scores.append(scores.get((challenge_id, profile_id), -math.inf))
    total_loss = 0.0
    total_weight = 0.0
    for group_grades, group_scores in groups.values():
        if len(group_grades) < 2:
            continue
        grade_array = np.asarray(group_grades, dtype=np.float64)
        score_array = np.asarray(group_scores, dtype=np.float64)
        if np.isnan(score_array).any():
            _raise_for_nan(scores)
        if len(np.unique(grade_array)) <= _MAX_GRADE_LEVELS:
            loss, weight = _loss_by_level(grade_array, score_array)
        else:
            loss, weight = _loss_all_pairs(grade_array, score_array)
        total_loss += loss
        total_weight += weight
    if total_weight == 0:
        return math.nan
    return total_loss / total_weight


def _rankings(
    scores: Scores, challenge_ids: Sequence[str], profile_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Rank every profile for each challenge: score descending, then id; unscored last."""
    wanted = set(challenge_ids)
    known_profiles = set(profile_ids)
    by_challenge: dict[str, dict[str, float]] = {challenge_id: {} for challenge_id in wanted}
    for (challenge_id, profile_id), score in scores.items():
        if challenge_id in wanted and profile_id in known_profiles:
            if math.isnan(score):
                raise _nan_score(challenge_id, profile_id)
            by_challenge[challenge_id][profile_id] = score
    ids_ascending = sorted(profile_ids)
    rankings: dict[str, list[str]] = {}
    for challenge_id in challenge_ids:
        scored = by_challenge[challenge_id]
        ranked = sorted(scored, key=lambda profile_id: (-scored[profile_id], profile_id))
        ranked.extend(profile_id for profile_id in ids_ascending if profile_id not in scored)
        rankings[challenge_id] = ranked
    return rankings


def evaluate(
    scores: Scores, judgments: Judgments, profile_ids: Sequence[str], k: int = 10
) -> dict[str, float]:
    """Mean nDCG@k, recall@k and MRR over challenges with a positive grade, plus both losses.

    Each challenge in ``judgments`` whose top grade is > 0 is evaluated on the ranking
    of all ``profile_ids`` by score (descending; ties by profile id; unscored last).
    The means are NaN when no challenge qualifies; "challenges" is how many did.
    The pairwise losses use every judgment, graded or not.
    """
    _check_k(k)
    if len(set(profile_ids)) != len(profile_ids):
        raise ValueError("profile_ids holds duplicates")
    known_profiles = set(profile_ids)
    for challenge_id, grades in judgments.items():
        for profile_id in grades:
            if profile_id not in known_profiles:
                raise ValueError(
                    f"challenge {challenge_id!r} judges profile {profile_id!r}, "
                    "which is not in profile_ids"
                )
    evaluated = [
        challenge_id for challenge_id, grades in judgments.items() if _top_grade(grades) > 0
    ]
    rankings = _rankings(scores, evaluated, profile_ids)
    ndcg: list[float] = []
    recall: list[float] = []
    rr: list[float] = []
    for challenge_id in evaluated:
        ranking = rankings[challenge_id]
        grades = judgments[challenge_id]
        ndcg.append(ndcg_at_k(ranking, grades, k))
        recall.append(recall_at_k(ranking, grades, k))
        rr.append(reciprocal_rank(ranking, grades))
    return {
        f"ndcg@{k}": fmean(ndcg) if ndcg else math.nan,
        f"recall@{k}": fmean(recall) if recall else math.nan,
        "mrr": fmean(rr) if rr else math.nan,
        "pairwise_loss_by_profile": pairwise_loss(scores, judgments, "profile"),
        "pairwise_loss_by_challenge": pairwise_loss(scores, judgments, "challenge"),
        "challenges": len(evaluated),
    }
