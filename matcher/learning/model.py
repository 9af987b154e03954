"""Re-ranker models: fitted with scikit-learn, stored as plain JSON, predicted with numpy.

A stored model is its parameters (scaler statistics and coefficients, or the boosted
trees' split tables), never a pickle: loading one runs no code, and a model trained
with one scikit-learn version still loads with the next. Predictions are computed by
the same numpy code before and after storage, so a round trip predicts identically.
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matcher.errors import MatcherError
from matcher.learning.dataset import FloatArray, IntArray, feature_matrix

PAYLOAD_FORMAT = "matcher.reranker"
PAYLOAD_VERSION = 1

ModelKind = Literal["logistic", "boosting"]
MODEL_KINDS: tuple[ModelKind, ...] = ("logistic", "boosting")

# Strong regularisation keeps the few-hundred-decision case stable; the scorer's score
# is one standardised feature among the others.
LOGISTIC_C = 1.0
# Small, shallow, subsampled: boosting only gets the chance when there is data enough.
BOOSTING_TREES = 100
BOOSTING_LEARNING_RATE = 0.05
BOOSTING_DEPTH = 2
BOOSTING_MIN_LEAF = 5
BOOSTING_SUBSAMPLE = 0.8


class RerankerFormatError(MatcherError):
    """A stored re-ranker payload that this code cannot read."""

    code = "reranker_format"


def _sigmoid(z: FloatArray) -> FloatArray:
    """1 / (1 + e^-z) without overflow warnings."""
    out: FloatArray = np.exp(-np.logaddexp(0.0, -z))
    return out


class Reranker(ABC):
    """A fitted model that turns the scorer's features into a probability of a good match."""

    kind: ModelKind
    feature_names: tuple[str, ...]

    @abstractmethod
    def predict_matrix(self, x: FloatArray) -> FloatArray:
        """Probabilities for rows already in feature_names order."""

    @abstractmethod
    def parameters(self) -> dict[str, Any]:
        """The model's parameters as JSON-ready values."""

    def predict(self, rows: Sequence[Mapping[str, object]]) -> FloatArray:
        """Probabilities for feature dicts; features it does not know are ignored, missing ones are 0."""
        if not rows:
            return np.zeros(0, dtype=np.float64)
        return self.predict_matrix(feature_matrix(rows, self.feature_names))

    def to_payload(self) -> bytes:
        """The model as UTF-8 JSON (what the reranker_model.payload column holds)."""
        document = {
            "format": PAYLOAD_FORMAT,
            "format_version": PAYLOAD_VERSION,
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "parameters": self.parameters(),
        }
        return json.dumps(document, allow_nan=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True, eq=False)
class LogisticReranker(Reranker):
    """Logistic regression on standardised features."""

    feature_names: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    coef: FloatArray
    intercept: float
    kind: ModelKind = "logistic"

    def predict_matrix(self, x: FloatArray) -> FloatArray:
        """Probabilities for rows already in feature_names order."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return _sigmoid(np.asarray(z, dtype=np.float64))

    def parameters(self) -> dict[str, Any]:
        """Scaler statistics, coefficients and intercept."""
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": float(self.intercept),
        }

    def coefficients(self) -> dict[str, float]:
        """Weight per standardised feature (what the model leans on)."""
        return {n: float(c) for n, c in zip(self.feature_names, self.coef, strict=True)}


@dataclass(frozen=True, slots=True)
class Tree:
    """One regression tree as scikit-learn's split tables (leaf: left == -1)."""

    feature: npt.NDArray[np.int64]
    threshold: FloatArray
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    value: FloatArray

    def predict(self, x32: npt.NDArray[np.float32]) -> FloatArray:
        """Leaf value per row; rows are float32 as in scikit-learn's own tree predict."""
        rows = np.arange(x32.shape[0])
        node = np.zeros(x32.shape[0], dtype=np.int64)
        while True:
            inner = self.left[node] != -1
            if not inner.any():
                break
            feature = np.where(inner, self.feature[node], 0)
            go_left = x32[rows, feature] <= self.threshold[node]
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        out: FloatArray = self.value[node]
        return out


@dataclass(frozen=True, slots=True, eq=False)
class BoostedReranker(Reranker):
    """Gradient-boosted shallow trees (binary log-loss)."""

    feature_names: tuple[str, ...]
    init: float
    learning_rate: float
    trees: tuple[Tree, ...]
    kind: ModelKind = "boosting"

    def decision_function(self, x: FloatArray) -> FloatArray:
        """Log-odds for rows already in feature_names order (scikit-learn's decision_function)."""
        x32 = np.asarray(x, dtype=np.float32)
        raw = np.full(x.shape[0], self.init, dtype=np.float64)
        # Stage by stage, as scikit-learn adds them, so the sums match its own.
        for tree in self.trees:
            raw += self.learning_rate * tree.predict(x32)
        return raw

    def predict_matrix(self, x: FloatArray) -> FloatArray:
        """Probabilities for rows already in feature_names order."""
        return _sigmoid(self.decision_function(x))

    def parameters(self) -> dict[str, Any]:
        """Initial log-odds, learning rate and each tree's split tables."""
        return {
            "init": float(self.init),
            "learning_rate": float(self.learning_rate),
            "trees": [
                {
                    "feature": t.feature.tolist(),
                    "threshold": t.threshold.tolist(),
                    "left": t.left.tolist(),
                    "right": t.right.tolist(),
                    "value": t.value.tolist(),
                }
                for t in self.trees
            ],
        }


def fit_reranker(
    feature_names: Sequence[str],
    x: FloatArray,
    y: IntArray,
    *,
    kind: ModelKind = "logistic",
    random_state: int = 0,
) -> Reranker:
    """Fit a model of this kind; both classes must be present."""
    if len(np.unique(y)) < 2:
        raise ValueError("a re-ranker needs positive and negative decisions")
    names = tuple(feature_names)
    if x.shape != (len(y), len(names)):
        raise ValueError(f"x has shape {x.shape}, expected ({len(y)}, {len(names)})")
    if kind == "logistic":
        return _fit_logistic(names, x, y)
    if kind == "boosting":
        return _fit_boosting(names, x, y, random_state=random_state)
    raise ValueError(f"unknown model kind {kind!r}; known: {', '.join(MODEL_KINDS)}")


def _fit_logistic(names: tuple[str, ...], x: FloatArray, y: IntArray) -> LogisticReranker:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    regression = LogisticRegression(C=LOGISTIC_C, max_iter=1000).fit(scaler.transform(x), y)
    return LogisticReranker(
        feature_names=names,
        mean=np.asarray(scaler.mean_, dtype=np.float64),
        scale=np.asarray(scaler.scale_, dtype=np.float64),
        coef=np.asarray(regression.coef_[0], dtype=np.float64),
        intercept=float(regression.intercept_[0]),
    )


def _fit_boosting(
    names: tuple[str, ...], x: FloatArray, y: IntArray, *, random_state: int
) -> BoostedReranker:
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(
        n_estimators=BOOSTING_TREES,
        learning_rate=BOOSTING_LEARNING_RATE,
        max_depth=BOOSTING_DEPTH,
        min_samples_leaf=BOOSTING_MIN_LEAF,
        subsample=BOOSTING_SUBSAMPLE,
        random_state=random_state,
    ).fit(x, y)
    init = _prior_log_odds(model.init_.predict_proba(x[:1])[0, 1])
    trees = []
    for (estimator,) in model.estimators_:
        t = estimator.tree_
        trees.append(
            Tree(
                feature=np.asarray(t.feature, dtype=np.int64),
                threshold=np.asarray(t.threshold, dtype=np.float64),
                left=np.asarray(t.children_left, dtype=np.int64),
                right=np.asarray(t.children_right, dtype=np.int64),
                value=np.asarray(t.value[:, 0, 0], dtype=np.float64),
            )
        )
    return BoostedReranker(
        feature_names=names,
        init=init,
        learning_rate=float(model.learning_rate),
        trees=tuple(trees),
    )


def _prior_log_odds(probability: float) -> float:
    """The boosting's starting raw score: the log-odds of the fitted prior.

    With the default init (a prior DummyClassifier) and the log-loss, scikit-learn clips the
    prior's positive-class probability to [eps, 1 - eps] and applies the logit link.
    """
    from scipy.special import logit

    eps = np.finfo(np.float64).eps
    return float(logit(np.clip(np.float64(probability), eps, 1 - eps)))


def _floats(value: Any, *, name: str, length: int | None = None) -> FloatArray:
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    ):
        raise RerankerFormatError(f"re-ranker payload: {name} must be a list of finite numbers")
    if length is not None and len(value) != length:
        raise RerankerFormatError(
            f"re-ranker payload: {name} has {len(value)} values, not {length}"
        )
    return np.asarray(value, dtype=np.float64)


def _ints(value: Any, *, name: str, length: int) -> npt.NDArray[np.int64]:
    if (
        not isinstance(value, list)
        or len(value) != length
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise RerankerFormatError(f"re-ranker payload: {name} must be {length} integers")
    return np.asarray(value, dtype=np.int64)


def _number(value: Any, *, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise RerankerFormatError(f"re-ranker payload: {name} must be a finite number")
    return float(value)


def _tree(table: Any, n_features: int, index: int) -> Tree:
    if not isinstance(table, dict):
        raise RerankerFormatError(f"re-ranker payload: tree {index} must be an object")
    value = _floats(table.get("value"), name=f"tree {index} value")
    n = len(value)
    tree = Tree(
        feature=_ints(table.get("feature"), name=f"tree {index} feature", length=n),
        threshold=_floats(table.get("threshold"), name=f"tree {index} threshold", length=n),
        left=_ints(table.get("left"), name=f"tree {index} left", length=n),
        right=_ints(table.get("right"), name=f"tree {index} right", length=n),
        value=value,
    )
    inner = tree.left != -1
    # Children point forward (scikit-learn numbers nodes depth first), so traversal ends.
    nodes = np.arange(n)
    if (
        n == 0
        or (inner & ((tree.left <= nodes) | (tree.right <= nodes) | (tree.right >= n))).any()
        or (inner & (tree.left >= n)).any()
        or (inner & ((tree.feature < 0) | (tree.feature >= n_features))).any()
    ):
        raise RerankerFormatError(f"re-ranker payload: tree {index} is not a valid tree")
    return tree


def load_reranker(payload: bytes) -> Reranker:
    """The model a payload from to_payload describes; RerankerFormatError if it is not one."""
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RerankerFormatError(f"re-ranker payload is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != PAYLOAD_FORMAT:
        raise RerankerFormatError("re-ranker payload: not a matcher.reranker document")
    if document.get("format_version") != PAYLOAD_VERSION:
        raise RerankerFormatError(
            f"re-ranker payload: format version {document.get('format_version')!r} "
            f"is not {PAYLOAD_VERSION}"
        )
    names = document.get("feature_names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise RerankerFormatError("re-ranker payload: feature_names must be a list of names")
    params = document.get("parameters")
    if not isinstance(params, dict):
        raise RerankerFormatError("re-ranker payload: parameters must be an object")
    kind = document.get("kind")
    n = len(names)
    if kind == "logistic":
        scale = _floats(params.get("scale"), name="scale", length=n)
        if (scale <= 0).any():
            raise RerankerFormatError("re-ranker payload: scale must be positive")
        return LogisticReranker(
            feature_names=tuple(names),
            mean=_floats(params.get("mean"), name="mean", length=n),
            scale=scale,
            coef=_floats(params.get("coef"), name="coef", length=n),
            intercept=_number(params.get("intercept"), name="intercept"),
        )
    if kind == "boosting":
        tables = params.get("trees")
        if not isinstance(tables, list) or not tables:
            raise RerankerFormatError("re-ranker payload: trees must be a non-empty list")
        return BoostedReranker(
            feature_names=tuple(names),
            init=_number(params.get("init"), name="init"),
            learning_rate=_number(params.get("learning_rate"), name="learning_rate"),
            trees=tuple(_tree(t, n, i) for i, t in enumerate(tables)),
        )
    raise RerankerFormatError(f"re-ranker payload: unknown model kind {kind!r}")
