"""The matcher command against a real database."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

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


def test_keys_create_prints_the_key_alone(cli_env: None) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["keys", "create", "--role", "programme_manager"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nm_")
    missing_org = runner.invoke(app, ["keys", "create", "--role", "member"])
    assert missing_org.exit_code == 2
    assert "--org is required" in missing_org.stderr
    unknown_org = runner.invoke(app, ["keys", "create", "--role", "member", "--org", "nergens"])
    assert unknown_org.exit_code == 2
    assert "no organisation" in unknown_org.stderr


def test_demo_load_and_suggest_json(cli_env: None) -> None:
    runner = CliRunner()
    loaded = runner.invoke(app, ["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(
        app,
        ["suggest", "Wij zoeken hulp bij informatiebeveiliging en de BIO", "--json", "--top", "5"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 5
    for row in rows:
        assert {
            "person_id",
            "person_name",
            "organisation",
            "sector",
            "score",
            "explanation",
        } <= set(row)
        assert row["explanation"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    empty = runner.invoke(app, ["suggest", "  "])
    assert empty.exit_code == 2


def test_eval_reports_a_clear_error_for_a_bad_dataset(cli_env: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "profiles.jsonl").write_text('{"id": "p1", "documents": []}\n', encoding="utf-8")
    (bad / "challenges.jsonl").write_text('{"id": "c1", "text": "x"}\n', encoding="utf-8")
    (bad / "judgments.tsv").write_text(
        "challenge_id\tprofile_id\tgrade\nc1\tp1\t1\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["eval", str(bad), "--json"])
    assert result.exit_code == 2
    assert "profiles.jsonl line 1" in result.stderr


async def test_a_command_on_a_database_without_schema_says_what_to_do(
    pg_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher import db

    name = f"empty_{os.getpid()}"
    url = await db.create_database(pg_uri, name)
    try:
        monkeypatch.setenv("MATCHER_DATABASE_URL", url)
        monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("MATCHER_EMBEDDING_MODEL", "hashing-256")
        get_settings.cache_clear()
        result = await asyncio.to_thread(
            CliRunner().invoke, app, ["suggest", "Wie kent NIS2?", "--json"]
        )
        assert result.exit_code == 2, result.output
        assert "no schema yet" in result.stderr and "matcher db upgrade" in result.stderr
        assert "Traceback" not in result.output
    finally:
        get_settings.cache_clear()
        await db.drop_database(pg_uri, name)
