"""Which knowledge networks a challenge belongs to: similarity to each network's description and past challenges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

SUGGEST_AT = 0.23
"""Cosine similarity from which a network is suggested (the manager confirms).

Measured with the multilingual USE model on the demo's 50 challenges and two networks: from
0.23 every suggestion was right (6 of 6); at 0.20 about half were.
"""

PAST_SHIFT = 0.29
"""Challenges resemble each other more than they resemble a network's description, so the
past-challenge evidence is a contrast: similarity to the network's confirmed challenges minus
similarity to all challenges. On the demo with the USE model, on-topic challenges have a
contrast above -0.06 and off-topic ones below; the shift puts -0.06 at SUGGEST_AT."""

MIN_PAST = 3
"""Confirmed challenges a network needs before they count as evidence."""

NEAR_BEST = 0.05
"""A second network is suggested too when it scores within this of the best one."""


@dataclass(frozen=True, slots=True)
class NetworkScore:
    """How well a challenge fits a network, and from what."""

    network_id: int
    score: float
    description: float
    past_challenges: float | None
    suggested: bool


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def score_networks(
    challenge: np.ndarray,
    descriptions: Mapping[int, np.ndarray],
    past: Mapping[int, Sequence[np.ndarray]],
    *,
    baseline: np.ndarray | None = None,
    suggest_at: float = SUGGEST_AT,
    near_best: float = NEAR_BEST,
    min_past: int = MIN_PAST,
) -> list[NetworkScore]:
    """Per network: the better of the description's similarity and the past challenges' contrast.

    The contrast is the similarity to the centroid of the network's confirmed challenges minus
    the similarity to the baseline (the centroid of all challenges), shifted onto the
    description's scale; without a baseline it is left out.
    """
    c = _unit(np.asarray(challenge, dtype=np.float64))
    base = (
        float(c @ _unit(np.asarray(baseline, dtype=np.float64))) if baseline is not None else None
    )
    out: list[NetworkScore] = []
    for network_id, vector in descriptions.items():
        description = float(c @ _unit(np.asarray(vector, dtype=np.float64)))
        history = past.get(network_id, ())
        centroid = None
        if base is not None and len(history) >= min_past:
            mean = _unit(np.mean(np.asarray(history, dtype=np.float64), axis=0))
            centroid = float(c @ mean) - base + PAST_SHIFT
        score = max(description, centroid if centroid is not None else -1.0)
        out.append(
            NetworkScore(
                network_id=network_id,
                score=round(score, 6),
                description=round(description, 6),
                past_challenges=round(centroid, 6) if centroid is not None else None,
                suggested=score >= suggest_at,
            )
        )
    out.sort(key=lambda s: (-s.score, s.network_id))
    best = out[0].score if out else 0.0
    return [s if s.score >= best - near_best else replace(s, suggested=False) for s in out]
