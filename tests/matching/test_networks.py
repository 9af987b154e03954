"""Network suggestions by similarity (no database)."""

from __future__ import annotations

import numpy as np

from matcher.matching.networks import score_networks


def test_description_or_past_challenges_whichever_fits_better() -> None:
    challenge = np.array([1.0, 0.0, 0.0])
    descriptions = {1: np.array([0.0, 1.0, 0.0]), 2: np.array([0.6, 0.8, 0.0])}
    past = {1: [np.array([1.0, 0.1, 0.0]), np.array([0.9, 0.0, 0.1]), np.array([1.0, 0.0, 0.0])]}
    baseline = np.array([0.5, 0.5, 0.5])
    scores = score_networks(challenge, descriptions, past, baseline=baseline, suggest_at=0.5)
    assert [s.network_id for s in scores] == [1, 2]
    assert scores[0].description == 0.0 and scores[0].past_challenges is not None
    # Contrast: about 1.0 to its challenges minus 0.577 to all challenges, shifted by 0.29.
    assert abs(scores[0].score - (0.998 - 0.57735 + 0.29)) < 0.01
    assert scores[0].suggested and not scores[1].suggested  # 0.6 is more than 0.05 below
    assert scores[1].past_challenges is None and abs(scores[1].score - 0.6) < 1e-6
    only_far = score_networks(challenge, {3: np.array([0.0, 0.0, 1.0])}, {})
    assert only_far[0].suggested is False


def test_past_challenges_count_only_with_a_baseline_and_enough_of_them() -> None:
    challenge = np.array([1.0, 0.0])
    descriptions = {1: np.array([0.0, 1.0])}
    two = {1: [np.array([1.0, 0.0]), np.array([1.0, 0.0])]}
    assert (
        score_networks(challenge, descriptions, two, baseline=np.array([0.0, 1.0]))[
            0
        ].past_challenges
        is None
    )
    three = {1: [np.array([1.0, 0.0])] * 3}
    assert score_networks(challenge, descriptions, three)[0].past_challenges is None
    found = score_networks(challenge, descriptions, three, baseline=np.array([0.0, 1.0]))
    assert found[0].past_challenges is not None and found[0].suggested


def test_a_second_network_only_when_close_to_the_best() -> None:
    challenge = np.array([1.0, 0.0])
    close = score_networks(
        challenge, {1: np.array([1.0, 0.1]), 2: np.array([1.0, 0.2])}, {}, suggest_at=0.5
    )
    assert [s.suggested for s in close] == [True, True]
    far = score_networks(
        challenge, {1: np.array([1.0, 0.0]), 2: np.array([1.0, 1.0])}, {}, suggest_at=0.5
    )
    assert [s.suggested for s in far] == [True, False]
