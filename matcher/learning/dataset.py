"""Decisions as a feature matrix: a fixed list of feature names, one row per labelled decision."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.learning.decisions import SCORER_FEATURE, Decision

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Labelled decisions as arrays; ``groups`` holds each row's challenge."""

    feature_names: tuple[str, ...]
    x: FloatArray
    y: IntArray
    groups: tuple[str, ...]

    @property
    def scorer(self) -> FloatArray:
        """The hand-tuned score of each row."""
        return self.x[:, self.feature_names.index(SCORER_FEATURE)]

    def __len__(self) -> int:
        return len(self.y)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool | str)


POLICY_FEATURES = frozenset({"cross_sector", "same_province", "recent_exposure"})
"""The association's policy, applied on top of the learned score, never learned away."""


def feature_names_of(rows: Iterable[Mapping[str, object]]) -> tuple[str, ...]:
    """Every numeric feature seen but the policy ones, the scorer's score first, the rest sorted.

    The scorer's features may grow; a model keeps the list it was trained with, and
    rows missing one of its features read it as 0.
    """
    names: set[str] = set()
    for row in rows:
        names.update(name for name, value in row.items() if _is_number(value))
    names.discard(SCORER_FEATURE)
    names -= POLICY_FEATURES
    return (SCORER_FEATURE, *sorted(names))


def feature_matrix(rows: Sequence[Mapping[str, object]], names: Sequence[str]) -> FloatArray:
    """One row per feature dict in the order of names; missing or non-finite values are 0."""
    x = np.zeros((len(rows), len(names)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(names):
            value = row.get(name)
            if _is_number(value):
                number = float(value)  # type: ignore[arg-type]
                if math.isfinite(number):
                    x[i, j] = number
    return x


def training_set(
    decisions: Sequence[Decision], feature_names: Sequence[str] | None = None
) -> TrainingSet:
    """The labelled decisions (others are dropped) as a training set."""
    labelled = [d for d in decisions if d.label is not None]
    names = (
        tuple(feature_names)
        if feature_names is not None
        else feature_names_of(d.features for d in labelled)
    )
    if SCORER_FEATURE not in names:
        raise ValueError(f"feature names must include the scorer's {SCORER_FEATURE!r}")
    return TrainingSet(
        feature_names=names,
        x=feature_matrix([d.features for d in labelled], names),
        y=np.asarray([int(d.label) for d in labelled if d.label is not None], dtype=np.int64),
        groups=tuple(d.challenge for d in labelled),
    )
