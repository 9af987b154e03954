"""Decisions to learn from (match, match_transition) and versioned re-ranker models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from matcher.learning.decisions import SCORER_FEATURE, Decision
from matcher.states import MatchState
from matcher.storage.sql import record

# Every state that can carry a label; matches still proposed or cancelled teach nothing.
_DECIDED_STATES = [
    MatchState.approved,
    MatchState.introduced,
    MatchState.accepted,
    MatchState.completed,
    MatchState.rejected,
    MatchState.declined,
]
_LOCK_KEY = "matcher.reranker_model"


@dataclass(frozen=True, slots=True)
class StoredReranker:
    """One stored re-ranker version."""

    id: int
    version: int
    feature_names: tuple[str, ...]
    payload: bytes
    metrics: dict[str, Any]
    decisions: int
    active: bool
    created_at: datetime


def _numeric(values: Any) -> dict[str, float]:
    data = values or {}
    return {
        str(k): float(v)
        for k, v in data.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


def _decision(row: asyncpg.Record) -> Decision:
    features = _numeric(row["features"])
    parts = _numeric(row["score_parts"])
    # With a re-ranker active the match's score is the model's; the hand-tuned score is
    # kept in score_parts["scorer"]. Without one, the match's score is the scorer's.
    features[SCORER_FEATURE] = parts.get("scorer", float(row["score"]))
    return Decision(
        challenge=str(row["challenge_id"]),
        person=str(row["person_id"]),
        state=row["state"],
        reason_code=row["reason_code"],
        outcome_rating=row["outcome_rating"],
        features=features,
        match_id=row["id"],
    )


async def decisions(conn: asyncpg.Connection) -> list[Decision]:
    """Every match someone decided on, with the reason of the transition into its state."""
    rows = await conn.fetch(
        """
        SELECT m.id, m.challenge_id, m.person_id, m.state, m.score, m.score_parts, m.features,
               m.outcome_rating, t.reason_code
        FROM match m
        LEFT JOIN LATERAL (
            SELECT reason_code FROM match_transition
            WHERE match_id = m.id AND to_state = m.state
            ORDER BY created_at DESC, id DESC
            LIMIT 1
        ) t ON true
        WHERE m.state = ANY($1::text[])
        ORDER BY m.challenge_id, m.id
        """,
        _DECIDED_STATES,
    )
    return [_decision(r) for r in rows]


def _model(row: asyncpg.Record) -> StoredReranker:
    return record(
        StoredReranker,
        row,
        feature_names=tuple(row["feature_names"]),
        payload=bytes(row["payload"]),
        metrics=row["metrics"] or {},
    )


_MODEL_COLUMNS = "id, version, feature_names, payload, metrics, decisions, active, created_at"


async def lock_models(conn: asyncpg.Connection) -> None:
    """Serialise writers of reranker_model until the transaction ends (versions stay n+1)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK_KEY)


async def next_version(conn: asyncpg.Connection) -> int:
    """The version the next stored model gets."""
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) + 1 FROM reranker_model"))


async def insert_model(
    conn: asyncpg.Connection,
    *,
    version: int,
    feature_names: Sequence[str],
    payload: bytes,
    metrics: dict[str, Any],
    decisions: int,
) -> StoredReranker:
    """Store a model, inactive."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO reranker_model (version, feature_names, payload, metrics, decisions)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING {_MODEL_COLUMNS}
        """,
        version,
        list(feature_names),
        payload,
        metrics,
        decisions,
    )
    return _model(row)


async def deactivate(conn: asyncpg.Connection) -> int | None:
    """Switch the active model off; returns its version, or None when none was active."""
    value = await conn.fetchval(
        "UPDATE reranker_model SET active = false WHERE active RETURNING version"
    )
    return int(value) if value is not None else None


async def activate(conn: asyncpg.Connection, version: int) -> int | None:
    """Make this version the one active model; returns the version it replaced, if any."""
    # Two statements: the unique partial index allows one active row at any moment.
    previous = await deactivate(conn)
    await conn.execute("UPDATE reranker_model SET active = true WHERE version = $1", version)
    return previous if previous != version else None


async def active_model(conn: asyncpg.Connection) -> StoredReranker | None:
    """The active model, or None when the hand-tuned scorer ranks."""
    row = await conn.fetchrow(f"SELECT {_MODEL_COLUMNS} FROM reranker_model WHERE active")
    return _model(row) if row is not None else None


async def list_models(conn: asyncpg.Connection) -> list[StoredReranker]:
    """Every stored model, newest first."""
    rows = await conn.fetch(f"SELECT {_MODEL_COLUMNS} FROM reranker_model ORDER BY version DESC")
    return [_model(r) for r in rows]
