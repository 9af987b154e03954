"""Cold start, held-out comparison with the scorer, and the activation rule (no database)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.learning import training
from matcher.learning.dataset import training_set
from matcher.learning.decisions import Decision
from matcher.learning.metrics import DecisionMetrics, decision_metrics
from matcher.learning.training import (
    ColdStart,
    activation_decision,
    cold_start_reason,
    count_decisions,
    out_of_fold_scores,
    train_and_evaluate,
)
from tests.learning.synthetic import synthetic_decisions


def _metrics(pairwise: float | None, auc: float | None) -> DecisionMetrics:
    return DecisionMetrics(auc=auc, pairwise_accuracy=pairwise, ndcg=None, challenges=3, pairs=9)


def test_too_few_decisions_is_a_cold_start() -> None:
    decisions = synthetic_decisions(challenges=2, per_challenge=10)
    with pytest.raises(ColdStart) as caught:
        train_and_evaluate(decisions)
    assert "20 labelled decisions, at least 30 are needed" in caught.value.reason
    assert caught.value.counts.decisions == 20
    # The same decisions pass with a lower threshold.
    train_and_evaluate(decisions, min_decisions=20)


def test_too_few_of_one_class_is_a_cold_start() -> None:
    decisions = [
        Decision(f"c{i % 4}", f"p{i}", "approved", features={"score": float(i)}) for i in range(40)
    ] + [Decision(f"c{i}", f"n{i}", "declined", features={"score": 0.0}) for i in range(4)]
    reason = cold_start_reason(count_decisions(decisions))
    assert reason == "40 positive and 4 negative decisions, at least 5 of each are needed"
    with pytest.raises(ColdStart):
        train_and_evaluate(decisions)


def test_one_challenge_cannot_be_held_out() -> None:
    decisions = synthetic_decisions(challenges=1, per_challenge=40)
    with pytest.raises(ColdStart, match="at least 2 are needed"):
        train_and_evaluate(decisions)


def test_non_expertise_rejections_do_not_count_towards_the_minimum() -> None:
    decisions = synthetic_decisions(challenges=3, per_challenge=9)
    noise = [
        Decision("c0", f"x{i}", "rejected", reason_code="no_capacity", features={"score": 1.0})
        for i in range(10)
    ]
    counts = count_decisions(decisions + noise)
    assert (counts.decisions, counts.excluded) == (27, 10)
    assert cold_start_reason(counts) is not None


def test_activation_rule() -> None:
    scorer = _metrics(0.70, 0.75)
    assert activation_decision(_metrics(0.75, 0.80), scorer).active
    # A gain below the margin is not enough.
    lost = activation_decision(_metrics(0.71, 0.90), scorer)
    assert not lost.active
    assert "below the margin 0.020" in lost.reason
    # Better pairs but a worse AUC is not enough either.
    worse_auc = activation_decision(_metrics(0.80, 0.70), scorer)
    assert not worse_auc.active
    assert "AUC" in worse_auc.reason
    # Nothing to compare: the scorer stays.
    assert not activation_decision(_metrics(None, None), _metrics(None, None)).active
    assert activation_decision(_metrics(0.71, 0.8), scorer, margin=0.005).active


def test_a_model_that_sees_what_the_scorer_misses_wins() -> None:
    outcome = train_and_evaluate(synthetic_decisions(challenges=8, per_challenge=10))
    assert outcome.activation.active, outcome.activation.reason
    assert outcome.model.kind == "logistic"
    assert set(outcome.candidates) == {"logistic"}
    # auto with 80 decisions: too few to try boosting.
    assert set(train_and_evaluate(synthetic_decisions(), kind="auto").candidates) == {"logistic"}
    assert outcome.model_metrics.pairwise_accuracy is not None
    assert outcome.scorer_metrics.pairwise_accuracy is not None
    assert outcome.model_metrics.pairwise_accuracy > 0.9
    assert outcome.scorer_metrics.pairwise_accuracy < 0.8
    stored = outcome.metrics()
    assert stored["beats_scorer"] is True
    assert stored["heldout"]["split"] == "grouped by challenge, 5-fold"
    assert set(stored["coefficients"]) == set(outcome.model.feature_names)


def test_a_model_cannot_beat_a_perfect_scorer() -> None:
    outcome = train_and_evaluate(
        synthetic_decisions(challenges=8, per_challenge=10, signal_in="score")
    )
    assert outcome.scorer_metrics.pairwise_accuracy == 1.0
    assert not outcome.activation.active
    assert "below the margin" in outcome.activation.reason


def test_auto_tries_boosting_with_enough_decisions_and_keeps_the_simpler_on_a_near_tie() -> None:
    outcome = train_and_evaluate(synthetic_decisions(challenges=20, per_challenge=12), kind="auto")
    assert set(outcome.candidates) == {"logistic", "boosting"}
    logistic = outcome.candidates["logistic"].pairwise_accuracy
    boosting = outcome.candidates["boosting"].pairwise_accuracy
    assert logistic is not None and boosting is not None
    # A linear signal: boosting cannot beat logistic regression by the margin.
    assert boosting < logistic + 0.02
    assert outcome.model.kind == "logistic"
    assert outcome.model_metrics == outcome.candidates["logistic"]


def test_boosting_is_kept_when_it_wins_by_the_margin() -> None:
    # The label depends on lexical_best only through its size, not its sign: no line fits it.
    decisions = [
        Decision(
            d.challenge,
            d.person,
            "approved" if abs(d.features["lexical_best"]) < 0.7 else "declined",
            features=d.features,
        )
        for d in synthetic_decisions(challenges=25, per_challenge=12, seed=5)
    ]
    outcome = train_and_evaluate(decisions, kind="auto")
    assert outcome.model.kind == "boosting"
    assert outcome.model_metrics == outcome.candidates["boosting"]


def test_held_out_scores_never_come_from_a_model_that_saw_the_challenge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = training_set(synthetic_decisions(challenges=7, per_challenge=6))
    group_of = {tuple(row): g for row, g in zip(data.x.tolist(), data.groups, strict=True)}
    seen: list[tuple[set[str], set[str]]] = []
    real_fit = training.fit_reranker

    def fit(names: Any, x: Any, y: Any, **kwargs: Any) -> Any:
        model = real_fit(names, x, y, **kwargs)
        trained_on = {group_of[tuple(r)] for r in x.tolist()}

        class Spy:
            def predict_matrix(self, rows: Any) -> Any:
                seen.append((trained_on, {group_of[tuple(r)] for r in rows.tolist()}))
                return model.predict_matrix(rows)

        return Spy()

    monkeypatch.setattr(training, "fit_reranker", fit)
    scores = out_of_fold_scores(data, kind="logistic", folds=5)
    assert len(seen) == 5
    assert all(not (train & test) for train, test in seen)
    assert set().union(*(test for _, test in seen)) == set(data.groups)
    assert scores.shape == (len(data),)


def test_decision_metrics_by_hand() -> None:
    y = np.asarray([1, 0, 0, 1, 0], dtype=np.int64)
    scores = np.asarray([0.9, 0.5, 0.9, 0.2, 0.1])
    m = decision_metrics(y, scores, ["a", "a", "a", "b", "b"])
    # a: pos 0.9 vs negs 0.5 (right) and 0.9 (tie) -> 0.75; b: 0.2 vs 0.1 -> 1.0
    assert m.pairwise_accuracy == pytest.approx(0.875)
    assert m.challenges == 2 and m.pairs == 3
    # a: tie broken against the positive -> order neg, pos, neg: DCG 1/log2(3); b: 1.0
    assert m.ndcg == pytest.approx((1 / np.log2(3) + 1.0) / 2)
    assert m.auc is not None
