"""Theme discovery, pure: cluster challenge vectors, label clusters by distinctive terms, map them in 2-D."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from matcher.matching.text import content_words

SEED = 7


@dataclass(frozen=True, slots=True)
class Clustering:
    """Cluster per item, unit centroids, and the 2-D position of each item in [0, 1]²."""

    labels: list[int]
    centroids: np.ndarray
    positions: list[tuple[float, float]]


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def choose_k(vectors: np.ndarray, *, max_k: int = 8) -> int:
    """The number of clusters with the best silhouette (cosine), between 2 and max_k."""
    n = len(vectors)
    if n < 4:
        return 1
    best_k, best = 2, -math.inf
    for k in range(2, min(max_k, n - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(vectors)
        if len(set(labels)) < 2:
            continue
        value = float(silhouette_score(vectors, labels, metric="cosine"))
        if value > best:
            best_k, best = k, value
    return best_k


def cluster(vectors: Sequence[np.ndarray], *, k: int | None = None) -> Clustering:
    """K-means on unit vectors (k by silhouette unless given) and a PCA projection to 2-D."""
    if len(vectors) == 0:
        return Clustering(labels=[], centroids=np.zeros((0, 0)), positions=[])
    x = _unit_rows(np.asarray(vectors, dtype=np.float64))
    k = k or choose_k(x)
    k = max(1, min(k, len(x)))
    if k == 1:
        labels = np.zeros(len(x), dtype=int)
        centroids = x.mean(axis=0, keepdims=True)
    else:
        model = KMeans(n_clusters=k, n_init=10, random_state=SEED).fit(x)
        labels, centroids = model.labels_, model.cluster_centers_
    return Clustering(
        labels=[int(v) for v in labels],
        centroids=_unit_rows(np.asarray(centroids)),
        positions=project_2d(x),
    )


def project_2d(x: np.ndarray) -> list[tuple[float, float]]:
    """A PCA projection scaled into [0, 1]² (a single point sits in the middle)."""
    if len(x) < 2:
        return [(0.5, 0.5)] * len(x)
    points = PCA(n_components=2, random_state=SEED).fit_transform(x)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    scaled = (points - low) / span
    return [(round(float(a), 4), round(float(b), 4)) for a, b in scaled]


_THEME_STOP_TEXT = """
    spreker sprekers speaker speakers partner partners gezocht zoeken zoekt samen gezamenlijk
    gezamenlijke hulp help uur uren hours ongeveer twee drie vier vijf dezelfde zelfde eerste
    nieuwe nieuw organisatie organisaties organisation organisations ervaring ervaringen
    experience praktijk kennis advies advise small kleine kleinere grote maand maanden week
    weken jaar capaciteit capacity tijdelijke tijdelijk iemand mensen willen graag goed beter
    over voor with from that this have has wie who hoe how wat what welke which
"""
THEME_STOP_WORDS = frozenset(_THEME_STOP_TEXT.split())
"""Words that say what kind of request a challenge is, not what it is about."""


def _terms(text: str) -> set[str]:
    return {w for w in content_words(text) if w not in THEME_STOP_WORDS}


def _cluster_counts(texts: Sequence[str]) -> Counter[str]:
    """Per term, in how many of the cluster's challenges it occurs; a title counts double.

    A text is "title. description" (see challenge_text): titles say what a challenge is about,
    descriptions also say who asks and why.
    """
    counts = Counter[str]()
    for text in texts:
        title, _, body = text.partition(". ")
        in_title = _terms(title)
        for term in in_title | _terms(body):
            counts[term] += 2 if term in in_title else 1
    return counts


def distinctive_terms(
    texts_by_cluster: Sequence[Sequence[str]], *, top: int = 3
) -> list[list[str]]:
    """Class-based TF-IDF: per cluster the terms frequent in it and rare in the others.

    A term counts once per challenge (twice in a title), so one long text cannot name a theme.
    """
    counts = [_cluster_counts(texts) for texts in texts_by_cluster]
    totals = [sum(c.values()) or 1 for c in counts]
    average = sum(totals) / max(len(totals), 1)
    across = Counter[str]()
    for c in counts:
        across.update(c)
    out: list[list[str]] = []
    for c, total in zip(counts, totals, strict=True):
        weights = {
            term: (n / total) * math.log(1 + average / across[term]) for term, n in c.items()
        }
        # Terms of two or more challenges (or one title) first; ties go to the longer term.
        ranked = sorted(weights, key=lambda t: (c[t] < 2, -weights[t], -len(t), t))
        out.append(ranked[:top])
    return out


def label(terms: Sequence[str]) -> str:
    """A readable theme name from its terms: 'Ransomware, crisisoefening en draaiboek'."""
    if not terms:
        return "Overig"
    words = list(terms)
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]
    return text[:1].upper() + text[1:]


def assign(
    vectors: Sequence[np.ndarray], centroids: np.ndarray, *, at_least: float = 0.3
) -> list[int]:
    """Nearest centroid per vector (cosine), or -1 when none is similar enough."""
    if len(vectors) == 0 or len(centroids) == 0:
        return [-1] * len(vectors)
    sims = _unit_rows(np.asarray(vectors, dtype=np.float64)) @ centroids.T
    best = sims.argmax(axis=1)
    return [int(b) if sims[i, b] >= at_least else -1 for i, b in enumerate(best)]


def growth(current: int, previous: int) -> float | None:
    """Relative growth against the previous period; None when the theme is new."""
    if previous == 0:
        return None
    return round((current - previous) / previous, 3)
