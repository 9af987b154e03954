"""Decisions with a known answer, for the learning tests."""

from __future__ import annotations

from typing import Literal

import numpy as np

from matcher.learning.decisions import Decision


def synthetic_decisions(
    *,
    challenges: int = 8,
    per_challenge: int = 10,
    signal_in: Literal["lexical", "score"] = "lexical",
    seed: int = 0,
) -> list[Decision]:
    """Approvals and expertise rejections decided by a hidden signal.

    signal_in="lexical": the signal is the lexical feature and the scorer's score is noise,
    so a model can learn what the scorer misses. signal_in="score": the scorer's score is
    the signal itself, so it orders every pair right and no model can beat it.
    """
    rng = np.random.default_rng(seed)
    out: list[Decision] = []
    for c in range(challenges):
        signal = rng.normal(size=per_challenge)
        # Both classes in every challenge: the two extremes are fixed.
        signal[0], signal[1] = 2.0, -2.0
        for p, value in enumerate(signal):
            positive = value > 0
            noise = float(rng.normal())
            features = {
                "score": float(value) if signal_in == "score" else noise,
                "lexical_best": float(value) if signal_in == "lexical" else float(rng.normal()),
                "dense_best": float(rng.normal()),
                "cross_sector": float(rng.integers(0, 2)),
            }
            out.append(
                Decision(
                    challenge=f"c{c}",
                    person=f"p{p}",
                    state="approved" if positive else "rejected",
                    reason_code=None if positive else "wrong_expertise",
                    features=features,
                )
            )
    return out
