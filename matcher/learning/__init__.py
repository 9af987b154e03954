"""The learned re-ranker: labels from review decisions, training, held-out evaluation, storage format.

Pure code: scikit-learn and numpy, no database, no HTTP. The use-case
``matcher.usecases.training`` reads decisions and stores models; the suggestion path
applies the active model through :func:`matcher.learning.apply.rerank`.
"""

from matcher.learning.decisions import Decision, Label, label_for
from matcher.learning.model import Reranker, fit_reranker, load_reranker
from matcher.learning.training import (
    ColdStart,
    TrainingOutcome,
    cold_start_reason,
    train_and_evaluate,
)

__all__ = [
    "ColdStart",
    "Decision",
    "Label",
    "Reranker",
    "TrainingOutcome",
    "cold_start_reason",
    "fit_reranker",
    "label_for",
    "load_reranker",
    "train_and_evaluate",
]
