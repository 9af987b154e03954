"""`matcher assign` on the demo network."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher import db
from matcher.cli import app
from matcher.settings import get_settings


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MATCHER_DATABASE_URL", db_url)
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MATCHER_EMBEDDING_MODEL", "hashing-256")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _count(db_url: str) -> int:
    conn = await db.connect(db_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM match WHERE state = 'proposed'"))
    finally:
        await conn.close()


def _proposed(db_url: str) -> int:
    return asyncio.run(_count(db_url))


def test_assign_dry_run_then_for_real(cli_env: None, db_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    before = _proposed(db_url)
    dry = runner.invoke(app, ["assign", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["dry_run"] is True and report["stored"] == 0
    assert _proposed(db_url) == before
    assert report["challenges"] > 0
    assert report["assignment"]["people_over_hours"] == 0
    assert report["assignment"]["people_over_limit"] == 0
    assert report["assignment"]["max_exposure"] <= 2
    assert report["assignment"]["proposals"] <= 3 * report["challenges"]

    real = runner.invoke(app, ["assign"])
    assert real.exit_code == 0, real.output
    assert "stored" in real.stdout
    assert _proposed(db_url) == report["assignment"]["proposals"]


def test_import_export_round_trip(cli_env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "load", "--no-embed"]).exit_code == 0
    exported = tmp_path / "mensen.xlsx"
    result = runner.invoke(app, ["export", "people", str(exported)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["import", "people", str(exported), "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["problems"] == [] and report["created"] == [] and report["updated"] == []
    assert len(report["unchanged"]) == report["rows"] > 0

    bad = tmp_path / "fout.csv"
    bad.write_text("naam,e-mail\nAnna,geen-adres\n", encoding="utf-8")
    refused = runner.invoke(app, ["import", "people", str(bad), "--org", "nergens"])
    assert refused.exit_code == 1
    assert "e-mail" in refused.stdout and "nothing imported" in refused.stdout


def _proposal_set(db_url: str) -> set[tuple[int, int]]:
    async def fetch() -> set[tuple[int, int]]:
        conn = await db.connect(db_url)
        try:
            rows = await conn.fetch(
                "SELECT challenge_id, person_id FROM match WHERE state = 'proposed'"
            )
        finally:
            await conn.close()
        return {(r["challenge_id"], r["person_id"]) for r in rows}

    return asyncio.run(fetch())


def test_a_killed_round_leaves_the_old_proposals_or_the_new_ones(
    cli_env: None, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    before = _proposal_set(db_url)
    dry = json.loads(runner.invoke(app, ["assign", "--dry-run", "--json"]).stdout)
    after = {(p["challenge_id"], p["person_id"]) for p in dry["proposals"]}
    assert before != after
    env = {
        **os.environ,
        "MATCHER_DATABASE_URL": db_url,
        "MATCHER_DATA_DIR": str(tmp_path),
        "MATCHER_EMBEDDING_MODEL": "hashing-256",
    }
    rng = random.Random(5)
    outcomes = []
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-m", "matcher.cli", "assign"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=rng.uniform(1.0, 6.0))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
        state = _proposal_set(db_url)
        # All or nothing: never a mix of old and new proposals.
        assert state in (before, after)
        outcomes.append(state == after)
    finished = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "assign"], env=env, capture_output=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert _proposal_set(db_url) == after
