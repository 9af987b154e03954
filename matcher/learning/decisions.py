"""Review decisions and the labels the re-ranker learns from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from matcher.states import MatchState, RejectionReason

# A programme manager said yes, and nothing later said the expertise was wrong.
POSITIVE_STATES = frozenset(
    {MatchState.approved, MatchState.introduced, MatchState.accepted, MatchState.completed}
)
# Only this rejection reason speaks about expertise; no_capacity, conflict,
# already_connected and other say nothing about whether the person fits the question.
EXPERTISE_REJECTION = RejectionReason.wrong_expertise
# A completed match rated this low (1-5 scale) did not deliver: a negative example.
POOR_OUTCOME_MAX_RATING = 2
# The feature that carries the hand-tuned scorer's score.
SCORER_FEATURE = "score"


class Label(IntEnum):
    """What a decision teaches the re-ranker."""

    negative = 0
    positive = 1


def label_for(state: str, *, reason_code: str | None, outcome_rating: int | None) -> Label | None:
    """The training label of a match in this state, or None when it teaches nothing.

    Positive: approved, introduced, accepted, completed (unless rated 2 or lower).
    Negative: rejected for wrong expertise, declined, completed with a rating of 2 or lower.
    Left out: proposed (no decision yet), cancelled (reason unknown) and rejections for
    any reason other than expertise.
    """
    if state == MatchState.completed and outcome_rating is not None:
        return Label.negative if outcome_rating <= POOR_OUTCOME_MAX_RATING else Label.positive
    if state in POSITIVE_STATES:
        return Label.positive
    if state == MatchState.declined:
        return Label.negative
    if state == MatchState.rejected and reason_code == EXPERTISE_REJECTION:
        return Label.negative
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    """One match someone acted on, with the scorer's features at the time it was proposed.

    ``features`` holds the scorer's numeric features plus ``"score"``, the hand-tuned score;
    ``challenge`` groups decisions for the held-out split (never split one challenge).
    """

    challenge: str
    person: str
    state: str
    reason_code: str | None = None
    outcome_rating: int | None = None
    features: Mapping[str, float] = field(default_factory=dict)
    match_id: int | None = None

    @property
    def label(self) -> Label | None:
        """The training label, or None when the decision is left out."""
        return label_for(
            self.state, reason_code=self.reason_code, outcome_rating=self.outcome_rating
        )

    @property
    def scorer_score(self) -> float:
        """The hand-tuned score this decision was shown with."""
        return float(self.features.get(SCORER_FEATURE, 0.0))
