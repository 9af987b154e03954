"""Train the re-ranker on recorded decisions, store it versioned, activate it only if it wins."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

import asyncpg

from matcher.learning.model import load_reranker
from matcher.learning.training import (
    ACTIVATION_MARGIN,
    DEFAULT_KIND,
    MIN_DECISIONS,
    MIN_PER_CLASS,
    ColdStart,
    DecisionCounts,
    KindChoice,
    train_and_evaluate,
)
from matcher.logging import get_logger
from matcher.storage import reranker as store
from matcher.usecases.jobs import JobRun

log = get_logger(__name__)

TrainingStatus = Literal["cold_start", "activated", "not_activated"]


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """What a training run did and why."""

    status: TrainingStatus
    message: str
    counts: DecisionCounts
    version: int | None = None
    active: bool = False
    kind: str | None = None
    model_metrics: dict[str, Any] = field(default_factory=dict)
    scorer_metrics: dict[str, Any] = field(default_factory=dict)
    candidates: dict[str, Any] = field(default_factory=dict)
    margin: float = ACTIVATION_MARGIN
    active_version: int | None = None
    deactivated_version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "status": self.status,
            "message": self.message,
            **self.counts.as_dict(),
            "version": self.version,
            "active": self.active,
            "kind": self.kind,
            "heldout": {"model": self.model_metrics, "scorer": self.scorer_metrics},
            "candidates": self.candidates,
            "margin": self.margin,
            "active_version": self.active_version,
            "deactivated_version": self.deactivated_version,
        }


async def train_reranker(
    conn: asyncpg.Connection,
    *,
    min_decisions: int = MIN_DECISIONS,
    min_per_class: int = MIN_PER_CLASS,
    margin: float = ACTIVATION_MARGIN,
    kind: KindChoice = DEFAULT_KIND,
) -> TrainingReport:
    """Train on every decision; store the model as the next version; activate it if it wins.

    A model that does not beat the hand-tuned scorer on held-out challenges is stored
    inactive and any active model is switched off: the newest evidence says the scorer
    ranks as well. Too few decisions store nothing and change nothing.
    """
    decisions = await store.decisions(conn)
    try:
        outcome = await asyncio.to_thread(
            train_and_evaluate,
            decisions,
            kind=kind,
            min_decisions=min_decisions,
            min_per_class=min_per_class,
            margin=margin,
        )
    except ColdStart as cold:
        current = await store.active_model(conn)
        keeps = (
            f"re-ranker version {current.version} stays active"
            if current is not None
            else "the hand-tuned scorer keeps ranking"
        )
        message = f"cold start: not trained; {cold.reason}; {keeps}"
        log.info("re-ranker not trained", reason=cold.reason)
        return TrainingReport(
            status="cold_start",
            message=message,
            counts=cold.counts,
            margin=margin,
            active_version=current.version if current is not None else None,
        )
    payload = outcome.model.to_payload()
    # The stored payload must load back into the same model before it can rank anything.
    load_reranker(payload)
    async with conn.transaction():
        await store.lock_models(conn)
        version = await store.next_version(conn)
        await store.insert_model(
            conn,
            version=version,
            feature_names=outcome.model.feature_names,
            payload=payload,
            metrics=outcome.metrics(),
            decisions=outcome.counts.decisions,
        )
        if outcome.activation.active:
            replaced = await store.activate(conn, version)
        else:
            replaced = await store.deactivate(conn)
    won = outcome.activation.active
    if won:
        message = f"version {version} ({outcome.model.kind}) is active: {outcome.activation.reason}"
        if replaced is not None:
            message += f"; version {replaced} switched off"
    else:
        message = (
            f"version {version} ({outcome.model.kind}) stored inactive, the hand-tuned scorer "
            f"keeps ranking: {outcome.activation.reason}"
        )
        if replaced is not None:
            message += f"; version {replaced} switched off"
    log.info("re-ranker trained", version=version, active=won, kind=outcome.model.kind)
    return TrainingReport(
        status="activated" if won else "not_activated",
        message=message,
        counts=outcome.counts,
        version=version,
        active=won,
        kind=outcome.model.kind,
        model_metrics=outcome.model_metrics.as_dict(),
        scorer_metrics=outcome.scorer_metrics.as_dict(),
        candidates={k: m.as_dict() for k, m in outcome.candidates.items()},
        margin=margin,
        active_version=version if won else None,
        deactivated_version=replaced,
    )


async def run_training_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """The nightly job: train on every decision; too few decisions is an honest no-op."""
    async with pool.acquire() as conn:
        report = await train_reranker(conn)
    log.info("re-ranker training", job_id=run.job_id, status=report.status, message=report.message)
