"""Subsets of a labelled dataset reported on their own: kinds, original challenges, context pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from matcher.evaluation.dataset import Dataset


def kind_subset(dataset: Dataset, kind: str) -> list[str]:
    """Graded challenges of one kind (e.g. the speaker challenges)."""
    graded = set(dataset.graded_challenges())
    return [c.id for c in dataset.challenges if c.kind == kind and c.id in graded]


def context_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """(without context, with context) challenge pairs, from the "context_pair" field.

    The challenge listed first in the file is taken as the one without the context phrase.
    """
    ids = {c.id for c in dataset.challenges}
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for challenge in dataset.challenges:
        other = challenge.extra.get("context_pair")
        if not isinstance(other, str) or other not in ids or challenge.id in seen:
            continue
        seen |= {challenge.id, other}
        pairs.append((challenge.id, other))
    return pairs


@dataclass(frozen=True, slots=True)
class Stability:
    """How much a context phrase moves the top of the ranking."""

    pairs: int
    same_top3: float
    """Share of pairs whose top 3 holds the same people (in any order)."""
    top3_overlap: float
    """Mean share of the top 3 that both rankings have in common."""
    same_first: float
    """Share of pairs with the same person first."""


def top3_stability(
    rankings: Mapping[str, Sequence[str]], pairs: Sequence[tuple[str, str]]
) -> Stability:
    """Compare each pair's rankings: the top 3 should not change because of context words."""
    usable = [(a, b) for a, b in pairs if a in rankings and b in rankings]
    if not usable:
        return Stability(0, 0.0, 0.0, 0.0)
    same, overlap, first = [], [], []
    for a, b in usable:
        top_a, top_b = set(rankings[a][:3]), set(rankings[b][:3])
        same.append(1.0 if top_a == top_b else 0.0)
        overlap.append(len(top_a & top_b) / 3)
        first.append(1.0 if rankings[a][:1] == rankings[b][:1] else 0.0)
    return Stability(len(usable), fmean(same), fmean(overlap), fmean(first))
