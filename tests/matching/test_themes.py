"""Theme discovery, pure: clusters, class-based TF-IDF labels, projection, growth."""

from __future__ import annotations

import numpy as np

from matcher.matching.themes import assign, cluster, distinctive_terms, growth, label


def _blobs() -> tuple[list[np.ndarray], list[int]]:
    rng = np.random.default_rng(3)
    centres = np.eye(8)[:3] * 5
    vectors, truth = [], []
    for i, centre in enumerate(centres):
        for _ in range(6):
            vectors.append(centre + rng.normal(0, 0.3, 8))
            truth.append(i)
    return vectors, truth


def test_clusters_recover_separated_groups_and_positions_fit_the_map() -> None:
    vectors, truth = _blobs()
    result = cluster(vectors)
    assert len(result.centroids) == 3
    # Same group ↔ same cluster (labels may be permuted).
    pairs = {(t, c) for t, c in zip(truth, result.labels, strict=True)}
    assert len(pairs) == 3
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in result.positions)
    assert len(result.positions) == len(vectors)


def test_distinctive_terms_prefer_what_sets_a_cluster_apart() -> None:
    texts = [
        ["Ransomware oefening voor de gemeente", "Ransomware draaiboek en crisisoefening"],
        ["Hybride werken met Teams in de gemeente", "Hybride vergaderen en samenwerken"],
    ]
    terms = distinctive_terms(texts, top=2)
    assert terms[0][0] == "ransomware"
    assert terms[1][0] == "hybride"
    assert "gemeente" not in terms[0][:1] and "gemeente" not in terms[1][:1]
    assert label(["ransomware", "draaiboek", "crisisoefening"]) == (
        "Ransomware, draaiboek en crisisoefening"
    )


def test_assign_and_growth() -> None:
    centroids = np.eye(3)
    vectors = [np.array([1.0, 0.1, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([-1.0, 0.0, 0.0])]
    assert assign(vectors, centroids) == [0, 2, -1]
    assert growth(6, 3) == 1.0
    assert growth(2, 4) == -0.5
    assert growth(3, 0) is None


def test_small_inputs() -> None:
    assert cluster([]).labels == []
    one = cluster([np.array([1.0, 0.0])])
    assert one.labels == [0] and one.positions == [(0.5, 0.5)]


def test_request_words_and_titles() -> None:
    texts = [
        [
            "Spreker over ransomware. Wij zoeken een spreker met ervaring.",
            "Ransomware oefenen. Twee uur.",
        ],
        ["Spreker over hybride werken. Wij zoeken een spreker.", "Hybride vergaderen. Twee uur."],
    ]
    terms = distinctive_terms(texts, top=3)
    assert not {"spreker", "zoeken", "ervaring", "twee", "uur"} & {t for ts in terms for t in ts}
    assert terms[0][0] == "ransomware" and terms[1][0] == "hybride"
