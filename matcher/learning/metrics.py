"""Held-out metrics over decided matches: AUC and per-challenge ranking quality."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

import numpy as np

from matcher.learning.dataset import FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class DecisionMetrics:
    """How well a score orders decided matches; None where a metric has nothing to measure.

    ``pairwise_accuracy``: within each challenge, the share of (positive, negative) pairs
    the score puts in the right order (ties count half), averaged over challenges that
    have both. ``ndcg``: nDCG of each such challenge's decided matches ranked by the
    score, binary gains, averaged the same way. ``auc``: ROC AUC over all decisions.
    """

    auc: float | None
    pairwise_accuracy: float | None
    ndcg: float | None
    challenges: int
    pairs: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (rounded) values."""
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _auc(y: IntArray, scores: FloatArray) -> float | None:
    if len(np.unique(y)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


def _pairwise(pos: FloatArray, neg: FloatArray) -> tuple[float, int]:
    """(share of correctly ordered pairs, ties half; number of pairs)."""
    higher = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    pairs = len(pos) * len(neg)
    return (float(higher) + 0.5 * float(ties)) / pairs, pairs


def _ndcg(labels: IntArray, scores: FloatArray) -> float:
    """Binary-gain nDCG of the whole list; ties broken against the positives (pessimistic)."""
    order = np.lexsort((labels, -scores))
    discounts = 1.0 / np.log2(np.arange(2, len(labels) + 2))
    dcg = float((labels[order] * discounts).sum())
    ideal = float(discounts[: int(labels.sum())].sum())
    return dcg / ideal


def decision_metrics(y: IntArray, scores: FloatArray, groups: Sequence[str]) -> DecisionMetrics:
    """AUC, per-challenge pairwise accuracy and nDCG of scores against the labels."""
    if len(y) != len(scores) or len(y) != len(groups):
        raise ValueError("labels, scores and groups differ in length")
    if np.isnan(scores).any():
        raise ValueError("scores hold NaN")
    rows: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        rows[group].append(i)
    accuracies: list[float] = []
    ndcgs: list[float] = []
    pairs = 0
    for index in rows.values():
        labels = y[index]
        values = scores[index]
        pos = values[labels == 1]
        neg = values[labels == 0]
        if len(pos) == 0 or len(neg) == 0:
            continue
        accuracy, n = _pairwise(pos, neg)
        accuracies.append(accuracy)
        pairs += n
        ndcgs.append(_ndcg(labels, values))
    return DecisionMetrics(
        auc=_auc(y, scores),
        pairwise_accuracy=fmean(accuracies) if accuracies else None,
        ndcg=fmean(ndcgs) if ndcgs else None,
        challenges=len(accuracies),
        pairs=pairs,
    )


def delta(a: float | None, b: float | None) -> float | None:
    """a - b, or None when either is missing."""
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return None
    return a - b
