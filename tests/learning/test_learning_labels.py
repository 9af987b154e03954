"""Which decisions teach the re-ranker what."""

from __future__ import annotations

import pytest

from matcher.learning.decisions import Decision, Label, label_for
from matcher.learning.training import count_decisions

P, N = Label.positive, Label.negative


@pytest.mark.parametrize(
    ("state", "reason_code", "rating", "expected"),
    [
        ("proposed", None, None, None),
        ("approved", None, None, P),
        ("introduced", None, None, P),
        ("accepted", None, None, P),
        ("completed", None, None, P),
        ("completed", None, 5, P),
        ("completed", None, 3, P),
        ("completed", None, 2, N),
        ("completed", None, 1, N),
        ("declined", None, None, N),
        ("rejected", "wrong_expertise", None, N),
        ("rejected", "no_capacity", None, None),
        ("rejected", "conflict", None, None),
        ("rejected", "already_connected", None, None),
        ("rejected", "other", None, None),
        ("rejected", None, None, None),
        ("cancelled", None, None, None),
    ],
)
def test_label_for_each_state_and_reason(
    state: str, reason_code: str | None, rating: int | None, expected: Label | None
) -> None:
    assert label_for(state, reason_code=reason_code, outcome_rating=rating) is expected


def test_decision_label_and_scorer_score() -> None:
    d = Decision(challenge="1", person="2", state="declined", features={"score": 0.42})
    assert d.label is Label.negative
    assert d.scorer_score == 0.42


def test_counts_leave_out_non_expertise_rejections() -> None:
    decisions = [
        Decision("1", "a", "approved"),
        Decision("1", "b", "rejected", reason_code="wrong_expertise"),
        Decision("2", "c", "rejected", reason_code="no_capacity"),
        Decision("2", "d", "completed", outcome_rating=1),
    ]
    counts = count_decisions(decisions)
    assert (counts.decisions, counts.positives, counts.negatives) == (3, 1, 2)
    assert counts.excluded == 1
    # Challenge 2 only has the completed-but-poor match labelled; both challenges count.
    assert counts.challenges == 2
