"""Ranking and pairwise metrics, checked against hand-computed values."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

import pytest

from matcher.evaluation import metrics
from matcher.evaluation.metrics import (
    evaluate,
    ndcg_at_k,
    pairwise_loss,
    recall_at_k,
    reciprocal_rank,
)

# --- nDCG ---------------------------------------------------------------------------


def test_ndcg_hand_computed() -> None:
    # ranking [a, b, c], grades a=0, b=3, c=1:
    # DCG  = 0/log2(2) + 3/log2(3) + 1/log2(4) = 0 + 1.89279 + 0.5 = 2.39279
    # IDCG = 3/log2(2) + 1/log2(3)             = 3 + 0.63093       = 3.63093
    # nDCG = 2.39279 / 3.63093 = 0.65900
    assert ndcg_at_k(["a", "b", "c"], {"a": 0, "b": 3, "c": 1}) == pytest.approx(0.6590018)


def test_ndcg_perfect_ordering_is_one() -> None:
    assert ndcg_at_k(["b", "c", "a"], {"a": 0, "b": 3, "c": 1}) == pytest.approx(1.0)


def test_ndcg_worst_ordering() -> None:
    # ranking [a, c, b]: DCG = 0 + 1/log2(3) + 3/2 = 0.63093 + 1.5 = 2.13093
    # nDCG = 2.13093 / 3.63093 = 0.58688
    assert ndcg_at_k(["a", "c", "b"], {"a": 0, "b": 3, "c": 1}) == pytest.approx(0.5868827)


def test_ndcg_cut_off_smaller_than_ranking() -> None:
    # k=2, ranking [a, b, c, d], grades a=0, b=3, c=1, d=2:
    # DCG@2  = 0/1 + 3/log2(3)  = 1.89279  (c and d fall below the cut-off)
    # IDCG@2 = 3/1 + 2/log2(3)  = 4.26186  (ideal: b, d)
    # nDCG@2 = 0.44412
    grades = {"a": 0, "b": 3, "c": 1, "d": 2}
    assert ndcg_at_k(["a", "b", "c", "d"], grades, k=2) == pytest.approx(0.4441229)


def test_ndcg_uses_linear_gain() -> None:
    # ranking [c, b], grades b=2, c=1, linear gain:
    # DCG = 1/1 + 2/log2(3) = 2.26186, IDCG = 2/1 + 1/log2(3) = 2.63093 -> 0.85972
    # (exponential gain 2^g - 1 would give (1 + 3/log2(3)) / (3 + 1/log2(3)) = 0.79671)
    assert ndcg_at_k(["c", "b"], {"b": 2, "c": 1}) == pytest.approx(0.8597187)


def test_ndcg_unjudged_profiles_gain_nothing() -> None:
    # ranking [x, b]: x is unjudged (gain 0); DCG = 0 + 1/log2(3), IDCG = 1/1 -> 0.63093
    assert ndcg_at_k(["x", "b"], {"b": 1}) == pytest.approx(0.6309298)


def test_ndcg_negative_grade_stays_out_of_the_ideal() -> None:
    # ranking [a, n, z], grades a=2, n=-1, z unjudged:
    # DCG  = 2/1 + (-1)/log2(3) + 0 = 1.36907
    # IDCG = ideal [a, z, n] = 2/1 + 0/log2(3) + (-1)/log2(4) = 1.5
    # nDCG = 0.91271
    assert ndcg_at_k(["a", "n", "z"], {"a": 2, "n": -1}) == pytest.approx(0.9127135)


def test_ndcg_without_positive_grades_is_zero() -> None:
    assert ndcg_at_k(["a", "b"], {"a": 0, "b": 0}) == 0.0
    assert ndcg_at_k(["a", "b"], {}) == 0.0


def test_ndcg_rejects_k_below_one() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        ndcg_at_k(["a"], {"a": 1}, k=0)


# --- recall and reciprocal rank -----------------------------------------------------

TWO_BEST = {"a": 2, "b": 2, "c": 1}  # top grade 2, held by a and b


def test_recall_with_one_of_two_top_profiles_in_top_k() -> None:
    # top 2 of [c, a, d, b] is {c, a}: one of the two top-grade profiles -> 1/2
    assert recall_at_k(["c", "a", "d", "b"], TWO_BEST, k=2) == pytest.approx(0.5)


def test_recall_counts_only_the_top_grade() -> None:
    # c (grade 1) in the top 1 does not count; a and b are outside it -> 0/2
    assert recall_at_k(["c", "a", "b"], TWO_BEST, k=1) == pytest.approx(0.0)


def test_recall_with_all_top_profiles_in_top_k() -> None:
    assert recall_at_k(["c", "a", "d", "b"], TWO_BEST, k=4) == pytest.approx(1.0)


def test_recall_without_positive_grades_is_zero() -> None:
    assert recall_at_k(["a", "b"], {"a": 0, "b": -1}) == 0.0


def test_reciprocal_rank_of_first_top_grade_profile() -> None:
    # c has grade 1, d is unjudged; a (grade 2) is the first top-grade profile, rank 3
    assert reciprocal_rank(["c", "d", "a", "b"], TWO_BEST) == pytest.approx(1 / 3)


def test_reciprocal_rank_perfect_and_absent() -> None:
    assert reciprocal_rank(["b", "c"], TWO_BEST) == pytest.approx(1.0)
    assert reciprocal_rank(["c", "d"], TWO_BEST) == 0.0
    assert reciprocal_rank(["a", "b"], {"a": 0}) == 0.0


# --- pairwise loss ------------------------------------------------------------------

# One challenge, grades a=3, b=1, c=0. Pair weights: (a,b)=2, (a,c)=3, (b,c)=1; total 6.
ONE_CHALLENGE = {"c1": {"a": 3.0, "b": 1.0, "c": 0.0}}


def _scores(challenge_id: str, by_profile: Mapping[str, float]) -> dict[tuple[str, str], float]:
    return {(challenge_id, profile_id): score for profile_id, score in by_profile.items()}


def test_pairwise_loss_perfect_order_is_zero() -> None:
    scores = _scores("c1", {"a": 0.9, "b": 0.5, "c": 0.1})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(0.0)


def test_pairwise_loss_reversed_order_is_one() -> None:
    scores = _scores("c1", {"a": 0.1, "b": 0.5, "c": 0.9})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(1.0)


def test_pairwise_loss_constant_predictor_is_half() -> None:
    # every pair ties: (2 + 3 + 1) / 2 / 6 = 0.5
    scores = _scores("c1", {"a": 0.5, "b": 0.5, "c": 0.5})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(0.5)


def test_pairwise_loss_weights_by_grade_difference() -> None:
    # a=0.2, b=0.9, c=0.1: only (a,b) is wrong, weight 2 -> 2/6
    scores = _scores("c1", {"a": 0.2, "b": 0.9, "c": 0.1})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(1 / 3)


def test_pairwise_loss_ties_count_half() -> None:
    # a=0.5, b=0.5, c=0.9: (a,b) tie -> 2/2 = 1; (a,c) wrong -> 3; (b,c) wrong -> 1
    # loss = (1 + 3 + 1) / 6 = 5/6
    scores = _scores("c1", {"a": 0.5, "b": 0.5, "c": 0.9})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(5 / 6)


def test_pairwise_loss_missing_scores_count_as_lowest() -> None:
    # only a scored: (a,b) and (a,c) right; b and c both -inf tie -> 1/2; loss = 0.5/6
    scores = _scores("c1", {"a": -100.0})
    assert pairwise_loss(scores, ONE_CHALLENGE, "challenge") == pytest.approx(1 / 12)


def test_pairwise_loss_without_differing_pairs_is_nan() -> None:
    assert math.isnan(pairwise_loss({}, {"c1": {"a": 1.0, "b": 1.0}}, "challenge"))
    assert math.isnan(pairwise_loss({}, {"c1": {"a": 1.0}}, "profile"))
    assert math.isnan(pairwise_loss({}, {}, "challenge"))


# Three profiles judged by two challenges:
#   c1: p=2 (score 0.1), q=1 (0.3), r=0 (0.2)
#   c2: p=0 (score 0.7), q=2 (0.4), r=3 (0.8)
TWO_CHALLENGES = {"c1": {"p": 2.0, "q": 1.0, "r": 0.0}, "c2": {"p": 0.0, "q": 2.0, "r": 3.0}}
TWO_CHALLENGE_SCORES = {
    **_scores("c1", {"p": 0.1, "q": 0.3, "r": 0.2}),
    **_scores("c2", {"p": 0.7, "q": 0.4, "r": 0.8}),
}


def test_pairwise_loss_by_challenge() -> None:
    # c1: (p,q) w1 wrong -> 1; (p,r) w2 wrong -> 2; (q,r) w1 right.  loss 3, weight 4
    # c2: (r,q) w1 right; (r,p) w3 right; (q,p) w2 wrong -> 2.      loss 2, weight 6
    # total (3 + 2) / (4 + 6) = 0.5
    loss = pairwise_loss(TWO_CHALLENGE_SCORES, TWO_CHALLENGES, "challenge")
    assert loss == pytest.approx(0.5)


def test_pairwise_loss_by_profile() -> None:
    # p: c1=2 (0.1) vs c2=0 (0.7): wrong, w2 -> 2
    # q: c1=1 (0.3) vs c2=2 (0.4): right, w1
    # r: c1=0 (0.2) vs c2=3 (0.8): right, w3
    # total 2 / (2 + 1 + 3) = 1/3
    loss = pairwise_loss(TWO_CHALLENGE_SCORES, TWO_CHALLENGES, "profile")
    assert loss == pytest.approx(1 / 3)


def test_pairwise_loss_rejects_nan_scores() -> None:
    with pytest.raises(ValueError, match="NaN"):
        pairwise_loss({("c1", "a"): math.nan}, ONE_CHALLENGE, "challenge")


def _brute_force_loss(
    scores: Mapping[tuple[str, str], float], judgments: Mapping[str, Mapping[str, float]]
) -> float:
    """The definition, pair by pair, to check the bucketed implementation against."""
    loss = weight = 0.0
    for challenge_id, grades in judgments.items():
        items = list(grades.items())
        for i, (first, first_grade) in enumerate(items):
            for second, second_grade in items[i + 1 :]:
                if first_grade == second_grade:
                    continue
                high, low = (first, second) if first_grade > second_grade else (second, first)
                w = abs(first_grade - second_grade)
                high_score = scores.get((challenge_id, high), -math.inf)
                low_score = scores.get((challenge_id, low), -math.inf)
                weight += w
                if high_score < low_score:
                    loss += w
                elif high_score == low_score:
                    loss += w / 2
    return loss / weight


@pytest.mark.parametrize("discrete", [True, False])
@pytest.mark.parametrize("max_grade_levels", [1, 1000])
def test_pairwise_loss_matches_the_pairwise_definition(
    monkeypatch: pytest.MonkeyPatch, discrete: bool, max_grade_levels: int
) -> None:
    # max_grade_levels picks the implementation: 1 forces comparing all pairs,
    # 1000 forces counting grade level by grade level; both must equal the definition.
    monkeypatch.setattr(metrics, "_MAX_GRADE_LEVELS", max_grade_levels)
    rng = random.Random(7)
    judgments: dict[str, dict[str, float]] = {}
    scores: dict[tuple[str, str], float] = {}
    for c in range(8):
        grades = judgments.setdefault(f"c{c}", {})
        for p in rng.sample(range(40), 25):
            grades[f"p{p}"] = float(rng.randint(0, 3)) if discrete else rng.uniform(-1, 3)
            if rng.random() < 0.8:  # some scores missing, some tied
                scores[(f"c{c}", f"p{p}")] = float(rng.randint(0, 5))
    assert pairwise_loss(scores, judgments, "challenge") == pytest.approx(
        _brute_force_loss(scores, judgments)
    )
    # By profile is the same definition on the transposed judgments and scores.
    transposed: dict[str, dict[str, float]] = {}
    for challenge_id, grades in judgments.items():
        for profile_id, grade in grades.items():
            transposed.setdefault(profile_id, {})[challenge_id] = grade
    transposed_scores = {(p, c): score for (c, p), score in scores.items()}
    assert pairwise_loss(scores, judgments, "profile") == pytest.approx(
        _brute_force_loss(transposed_scores, transposed)
    )


# --- evaluate -----------------------------------------------------------------------

PROFILE_IDS = ["p1", "p2", "p3", "p4"]
# c1: graded, ranking by score [p1 0.9, p2 0.8, p3 0.1, p4 unscored]
# c2: top grade 0, so left out of the ranking metrics but counted in the pairwise losses
# c3: p3 and p4 tie at 0.5, broken by id: ranking [p3, p4, p1, p2]
EVAL_JUDGMENTS = {
    "c1": {"p2": 2.0, "p3": 1.0},
    "c2": {"p1": 0.0, "p4": -1.0},
    "c3": {"p4": 1.0},
}
EVAL_SCORES = {
    **_scores("c1", {"p1": 0.9, "p2": 0.8, "p3": 0.1}),
    **_scores("c2", {"p4": 0.3}),
    **_scores("c3", {"p3": 0.5, "p4": 0.5}),
}


def test_evaluate_hand_computed() -> None:
    # c1, k=2: DCG = 0/1 + 2/log2(3) = 1.26186; IDCG = 2/1 + 1/log2(3) = 2.63093
    #          nDCG@2 = 0.47962; recall@2 = 1/1 (p2 in top 2); RR = 1/2
    # c3, k=2: p4 at rank 2: nDCG@2 = (1/log2(3)) / 1 = 0.63093; recall@2 = 1; RR = 1/2
    # means: nDCG@2 = (0.47962 + 0.63093) / 2 = 0.55528; recall@2 = 1.0; MRR = 0.5
    # pairwise by challenge: c1 (p2 0.8 > p3 0.1) right w1; c2 (p1=0 unscored vs p4=-1
    #   at 0.3) wrong w1; c3 a single judgment -> 1 / 2 = 0.5
    # pairwise by profile: only p4 has two differing grades: c3=1 (0.5) over c2=-1 (0.3),
    #   right, w2 -> 0 / 2 = 0.0
    result = evaluate(EVAL_SCORES, EVAL_JUDGMENTS, PROFILE_IDS, k=2)
    assert result == {
        "ndcg@2": pytest.approx(0.5552773),
        "recall@2": pytest.approx(1.0),
        "mrr": pytest.approx(0.5),
        "pairwise_loss_by_profile": pytest.approx(0.0),
        "pairwise_loss_by_challenge": pytest.approx(0.5),
        "challenges": 2,
    }


def test_evaluate_default_keys_use_k_10() -> None:
    result = evaluate(EVAL_SCORES, EVAL_JUDGMENTS, PROFILE_IDS)
    assert set(result) == {
        "ndcg@10",
        "recall@10",
        "mrr",
        "pairwise_loss_by_profile",
        "pairwise_loss_by_challenge",
        "challenges",
    }


def test_evaluate_ranks_unscored_profiles_last() -> None:
    # b scores -5 and still ranks above the unscored a, despite a's smaller id: RR = 1
    result = evaluate({("c", "b"): -5.0}, {"c": {"b": 1.0}}, ["a", "b"], k=1)
    assert result["mrr"] == pytest.approx(1.0)
    assert result["recall@1"] == pytest.approx(1.0)


def test_evaluate_breaks_ties_by_profile_id() -> None:
    # a and b tie; a comes first by id, so b (the relevant one) is at rank 2
    scores = {("c", "a"): 0.5, ("c", "b"): 0.5}
    result = evaluate(scores, {"c": {"b": 1.0}}, ["b", "a"], k=1)
    assert result["mrr"] == pytest.approx(0.5)
    assert result["recall@1"] == pytest.approx(0.0)


def test_evaluate_without_graded_challenges_gives_nan_means() -> None:
    result = evaluate({}, {"c": {"a": 0.0}}, ["a"])
    assert result["challenges"] == 0
    assert math.isnan(result["ndcg@10"])
    assert math.isnan(result["mrr"])
    assert math.isnan(result["pairwise_loss_by_challenge"])


def test_evaluate_rejects_judged_profile_outside_profile_ids() -> None:
    with pytest.raises(ValueError, match="'p9'"):
        evaluate({}, {"c": {"p9": 1.0}}, ["p1"])
