"""Training on decisions recorded in the database: versions, activation, cold start, CLI."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from matcher import db
from matcher.learning.decisions import Label
from matcher.learning.model import load_reranker
from matcher.settings import get_settings
from matcher.storage import reranker as store
from matcher.usecases.training import train_reranker
from tests.learning.seeding import insert_match, seed_decisions, seed_network
from tests.learning.synthetic import synthetic_decisions


async def _models(conn: asyncpg.Connection) -> list[tuple[int, bool]]:
    rows = await conn.fetch("SELECT version, active FROM reranker_model ORDER BY version")
    return [(r["version"], r["active"]) for r in rows]


async def test_decisions_take_labels_from_state_and_transition_reason(
    conn: asyncpg.Connection,
) -> None:
    _, (anna, bram, carl, dirk, eva, fenna) = await seed_network(conn, 6)
    org = await conn.fetchval("SELECT id FROM organisation WHERE name = 'Gemeente Vraag'")
    cid = await conn.fetchval(
        "INSERT INTO challenge (organisation_id, title, description, kind, text_hash) "
        "VALUES ($1, 'BIO', 'Beleid', 'knowledge', 'x') RETURNING id",
        org,
    )
    features = {"dense_best": 0.5, "lexical_best": 0.25}
    await insert_match(
        conn, challenge_id=cid, person_id=anna, state="approved", score=0.9, features=features
    )
    await insert_match(
        conn,
        challenge_id=cid,
        person_id=bram,
        state="rejected",
        reason_code="wrong_expertise",
        score=0.8,
        features=features,
    )
    await insert_match(
        conn,
        challenge_id=cid,
        person_id=carl,
        state="rejected",
        reason_code="no_capacity",
        score=0.7,
        features=features,
    )
    await insert_match(
        conn, challenge_id=cid, person_id=dirk, state="proposed", score=0.6, features=features
    )
    # Ranked while a re-ranker was active: the match's score is the model's.
    await insert_match(
        conn,
        challenge_id=cid,
        person_id=eva,
        state="completed",
        outcome_rating=2,
        score=0.99,
        score_parts={"score": 0.99, "reranker": 0.99, "scorer": 0.33},
        features=features,
    )
    await insert_match(
        conn, challenge_id=cid, person_id=fenna, state="cancelled", score=0.5, features=features
    )
    decisions = {d.person: d for d in await store.decisions(conn)}
    assert set(decisions) == {str(anna), str(bram), str(carl), str(eva)}
    assert decisions[str(anna)].label is Label.positive
    assert decisions[str(bram)].label is Label.negative
    assert decisions[str(bram)].reason_code == "wrong_expertise"
    assert decisions[str(carl)].label is None
    assert decisions[str(eva)].label is Label.negative
    assert decisions[str(eva)].features == {**features, "score": 0.33}
    assert decisions[str(anna)].features == {**features, "score": 0.9}
    assert decisions[str(anna)].challenge == str(cid)


async def test_cold_start_trains_and_stores_nothing(conn: asyncpg.Connection) -> None:
    await seed_decisions(conn, synthetic_decisions(challenges=2, per_challenge=10))
    report = await train_reranker(conn)
    assert report.status == "cold_start"
    assert report.version is None and not report.active
    assert report.counts.decisions == 20
    assert "20 labelled decisions, at least 30 are needed" in report.message
    assert "hand-tuned scorer keeps ranking" in report.message
    assert await _models(conn) == []


async def test_a_winner_is_stored_as_the_next_version_and_made_active(
    conn: asyncpg.Connection,
) -> None:
    decisions = synthetic_decisions(challenges=8, per_challenge=10)
    await seed_decisions(conn, decisions)
    report = await train_reranker(conn)
    assert report.status == "activated", report.message
    assert (report.version, report.active, report.kind) == (1, True, "logistic")
    assert report.counts.decisions == 80
    assert report.model_metrics["pairwise_accuracy"] > report.scorer_metrics["pairwise_accuracy"]
    assert await _models(conn) == [(1, True)]

    stored = await store.active_model(conn)
    assert stored is not None
    assert stored.version == 1 and stored.decisions == 80
    assert stored.feature_names[0] == "score"
    # cross_sector is policy: applied on top of the learned score, never a model feature.
    assert set(stored.feature_names) == {"score", "lexical_best", "dense_best"}
    assert stored.metrics["beats_scorer"] is True
    assert stored.metrics["heldout"]["scorer"]["pairwise_accuracy"] == pytest.approx(
        report.scorer_metrics["pairwise_accuracy"]
    )
    assert load_reranker(stored.payload).feature_names == stored.feature_names

    # Training again gives version 2, active; version 1 is switched off.
    again = await train_reranker(conn)
    assert (again.version, again.active, again.deactivated_version) == (2, True, 1)
    assert "version 1 switched off" in again.message
    assert await _models(conn) == [(1, False), (2, True)]


async def test_a_loser_is_stored_inactive_and_the_scorer_ranks(conn: asyncpg.Connection) -> None:
    await seed_decisions(conn, synthetic_decisions(challenges=8, per_challenge=10))
    first = await train_reranker(conn)
    assert first.active
    # Now the scorer's own score explains every decision: nothing can beat it.
    await conn.execute(
        "UPDATE match SET score = CASE WHEN state IN ('approved', 'introduced', 'accepted') "
        "OR (state = 'completed' AND outcome_rating > 2) THEN 0.9 ELSE 0.1 END"
    )
    report = await train_reranker(conn)
    assert report.status == "not_activated"
    assert (report.version, report.active) == (2, False)
    assert report.scorer_metrics["pairwise_accuracy"] == 1.0
    assert "stored inactive, the hand-tuned scorer keeps ranking" in report.message
    assert "below the margin" in report.message
    assert "version 1 switched off" in report.message
    assert await _models(conn) == [(1, False), (2, False)]
    assert await store.active_model(conn) is None
    stored = (await store.list_models(conn))[0]
    assert stored.version == 2
    assert stored.metrics["beats_scorer"] is False
    assert stored.metrics["reason"] in report.message


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MATCHER_DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_train_command_reports_cold_start_then_trains(cli_env: None, db_url: str) -> None:
    from matcher.cli import app

    async def seed() -> None:
        conn = await db.connect(db_url)
        try:
            await seed_decisions(conn, synthetic_decisions(challenges=6, per_challenge=10))
        finally:
            await conn.close()

    async def models() -> list[tuple[int, bool]]:
        conn = await db.connect(db_url)
        try:
            return await _models(conn)
        finally:
            await conn.close()

    runner = CliRunner()
    cold = runner.invoke(app, ["train", "--json"])
    assert cold.exit_code == 0, cold.output
    body = json.loads(cold.stdout)
    assert body["status"] == "cold_start"
    assert body["decisions"] == 0 and body["version"] is None

    asyncio.run(seed())
    refused = runner.invoke(app, ["train", "--min-decisions", "100"])
    assert refused.exit_code == 0, refused.output
    assert "cold start: not trained; 60 labelled decisions, at least 100" in refused.stdout

    trained = runner.invoke(app, ["train"])
    assert trained.exit_code == 0, trained.output
    assert "pairwise accuracy" in trained.stdout
    assert "1.000" in trained.stdout
    assert "version 1 (logistic) is active" in trained.stdout
    assert asyncio.run(models()) == [(1, True)]
