"""Train a re-ranker on decisions, compare it with the scorer on held-out challenges, decide.

Held-out means grouped by challenge: every decision is predicted by a model fitted
without any decision of its challenge (grouped k-fold), so the comparison asks what
matters in production: does the model rank a *new* challenge's people better than the
hand-tuned score? The final model is then fitted on every decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from matcher.learning.dataset import FloatArray, TrainingSet, training_set
from matcher.learning.decisions import Decision, Label
from matcher.learning.metrics import DecisionMetrics, decision_metrics, delta
from matcher.learning.model import MODEL_KINDS, LogisticReranker, ModelKind, Reranker, fit_reranker

MIN_DECISIONS = 30
MIN_PER_CLASS = 5
MIN_CHALLENGES = 2
# A model must order held-out pairs this much better (pairwise accuracy) than the scorer.
ACTIVATION_MARGIN = 0.02
FOLDS = 5
# Below this many decisions only logistic regression is tried: trees overfit small data.
BOOSTING_MIN_DECISIONS = 200

KindChoice = Literal["auto", "logistic", "boosting"]
# Measured on the benchmark (benchmarks/learning.py): trees fitted on the decided top of
# the list extrapolate badly to the rest of the candidates they re-rank; the linear model
# does not. Boosting stays available (--kind boosting or auto) for when data says otherwise.
DEFAULT_KIND: KindChoice = "logistic"


@dataclass(frozen=True, slots=True)
class DecisionCounts:
    """What the recorded decisions amount to."""

    decisions: int
    positives: int
    negatives: int
    excluded: int
    challenges: int

    def as_dict(self) -> dict[str, int]:
        """Plain values."""
        return {
            "decisions": self.decisions,
            "positives": self.positives,
            "negatives": self.negatives,
            "excluded": self.excluded,
            "challenges": self.challenges,
        }


def count_decisions(decisions: Sequence[Decision]) -> DecisionCounts:
    """Labelled decisions by class, those left out, and the challenges they span."""
    labels = Counter(d.label for d in decisions)
    return DecisionCounts(
        decisions=labels[Label.positive] + labels[Label.negative],
        positives=labels[Label.positive],
        negatives=labels[Label.negative],
        excluded=labels[None],
        challenges=len({d.challenge for d in decisions if d.label is not None}),
    )


def cold_start_reason(
    counts: DecisionCounts,
    *,
    min_decisions: int = MIN_DECISIONS,
    min_per_class: int = MIN_PER_CLASS,
) -> str | None:
    """Why there is too little to learn from, or None when training may go ahead."""
    if counts.decisions < min_decisions:
        return (
            f"{counts.decisions} labelled decisions, at least {min_decisions} are needed "
            f"({counts.excluded} left out as no expertise signal)"
        )
    if counts.positives < min_per_class or counts.negatives < min_per_class:
        return (
            f"{counts.positives} positive and {counts.negatives} negative decisions, "
            f"at least {min_per_class} of each are needed"
        )
    if counts.challenges < MIN_CHALLENGES:
        return (
            f"decisions on {counts.challenges} challenge, at least {MIN_CHALLENGES} are "
            "needed to hold challenges out"
        )
    return None


class ColdStart(Exception):
    """Too few decisions to train; carries the reason."""

    def __init__(self, reason: str, counts: DecisionCounts) -> None:
        super().__init__(reason)
        self.reason = reason
        self.counts = counts


@dataclass(frozen=True, slots=True)
class Activation:
    """Whether a model replaces the scorer, and why."""

    active: bool
    reason: str


def activation_decision(
    model: DecisionMetrics, scorer: DecisionMetrics, *, margin: float = ACTIVATION_MARGIN
) -> Activation:
    """Activate only when the model orders held-out pairs better by the margin and AUC is no worse."""
    gain = delta(model.pairwise_accuracy, scorer.pairwise_accuracy)
    if gain is None:
        return Activation(
            False, "no held-out challenge has both a positive and a negative decision to compare"
        )
    auc_gain = delta(model.auc, scorer.auc)
    if gain < margin:
        return Activation(
            False,
            f"held-out pairwise accuracy {model.pairwise_accuracy:.3f} vs scorer "
            f"{scorer.pairwise_accuracy:.3f}: gain {gain:+.3f} is below the margin {margin:.3f}",
        )
    if auc_gain is None or auc_gain < 0:
        return Activation(
            False,
            f"pairwise accuracy gains {gain:+.3f} but held-out AUC "
            f"{_fmt(model.auc)} is below the scorer's {_fmt(scorer.auc)}",
        )
    return Activation(
        True,
        f"held-out pairwise accuracy {model.pairwise_accuracy:.3f} vs scorer "
        f"{scorer.pairwise_accuracy:.3f} (gain {gain:+.3f} ≥ margin {margin:.3f}); "
        f"AUC {_fmt(model.auc)} vs {_fmt(scorer.auc)}",
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def out_of_fold_scores(
    data: TrainingSet, *, kind: ModelKind, folds: int = FOLDS, random_state: int = 0
) -> FloatArray:
    """Each decision scored by a model trained without its challenge (grouped k-fold)."""
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(data.groups))
    if n_groups < 2:
        raise ValueError("held-out scoring needs decisions on at least two challenges")
    splitter = GroupKFold(n_splits=min(folds, n_groups))
    scores = np.zeros(len(data), dtype=np.float64)
    groups = np.asarray(data.groups)
    for train, test in splitter.split(data.x, data.y, groups):
        if len(np.unique(data.y[train])) < 2:
            # A fold without both classes cannot be fitted; a constant predicts nothing.
            scores[test] = 0.5
            continue
        model = fit_reranker(
            data.feature_names, data.x[train], data.y[train], kind=kind, random_state=random_state
        )
        scores[test] = model.predict_matrix(data.x[test])
    return scores


@dataclass(frozen=True, slots=True)
class TrainingOutcome:
    """The fitted model, its held-out comparison with the scorer, and the activation decision."""

    model: Reranker
    counts: DecisionCounts
    model_metrics: DecisionMetrics
    scorer_metrics: DecisionMetrics
    activation: Activation
    margin: float
    folds: int
    candidates: dict[ModelKind, DecisionMetrics] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        """What is stored with the model and reported."""
        out: dict[str, Any] = {
            "kind": self.model.kind,
            "heldout": {
                "model": self.model_metrics.as_dict(),
                "scorer": self.scorer_metrics.as_dict(),
                "split": f"grouped by challenge, {self.folds}-fold",
            },
            "candidates": {k: m.as_dict() for k, m in self.candidates.items()},
            "beats_scorer": self.activation.active,
            "reason": self.activation.reason,
            "margin": self.margin,
            **self.counts.as_dict(),
        }
        if isinstance(self.model, LogisticReranker):
            out["coefficients"] = {k: round(v, 6) for k, v in self.model.coefficients().items()}
        return out


def _candidate_kinds(kind: KindChoice, decisions: int) -> tuple[ModelKind, ...]:
    if kind == "auto":
        return MODEL_KINDS if decisions >= BOOSTING_MIN_DECISIONS else ("logistic",)
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {kind!r}; known: auto, {', '.join(MODEL_KINDS)}")
    return (kind,)


def _simplest_winner(candidates: dict[ModelKind, DecisionMetrics], *, margin: float) -> ModelKind:
    """Logistic regression unless boosting orders held-out pairs better by the margin."""
    if "logistic" not in candidates:
        return next(iter(candidates))
    simple = candidates["logistic"].pairwise_accuracy or 0.0
    boosted = candidates.get("boosting")
    if boosted is not None and (boosted.pairwise_accuracy or 0.0) >= simple + margin:
        return "boosting"
    return "logistic"


def train_and_evaluate(
    decisions: Sequence[Decision],
    *,
    kind: KindChoice = DEFAULT_KIND,
    min_decisions: int = MIN_DECISIONS,
    min_per_class: int = MIN_PER_CLASS,
    margin: float = ACTIVATION_MARGIN,
    folds: int = FOLDS,
    random_state: int = 0,
) -> TrainingOutcome:
    """Compare model kinds with the scorer on held-out challenges, fit the best on all decisions.

    Raises ColdStart when there is too little to learn from. With kind="auto", boosting is
    tried beside logistic regression from BOOSTING_MIN_DECISIONS on, and kept only when its
    held-out pairwise accuracy beats logistic regression's by the margin: the simpler
    model is the more robust one on few decisions.
    """
    counts = count_decisions(decisions)
    reason = cold_start_reason(counts, min_decisions=min_decisions, min_per_class=min_per_class)
    if reason is not None:
        raise ColdStart(reason, counts)
    data = training_set(decisions)
    scorer_metrics = decision_metrics(data.y, data.scorer, data.groups)
    candidates: dict[ModelKind, DecisionMetrics] = {}
    for candidate in _candidate_kinds(kind, counts.decisions):
        oof = out_of_fold_scores(data, kind=candidate, folds=folds, random_state=random_state)
        candidates[candidate] = decision_metrics(data.y, oof, data.groups)
    best = _simplest_winner(candidates, margin=margin)
    model_metrics = candidates[best]
    model = fit_reranker(data.feature_names, data.x, data.y, kind=best, random_state=random_state)
    return TrainingOutcome(
        model=model,
        counts=counts,
        model_metrics=model_metrics,
        scorer_metrics=scorer_metrics,
        activation=activation_decision(model_metrics, scorer_metrics, margin=margin),
        margin=margin,
        folds=min(folds, counts.challenges),
        candidates=candidates,
    )
