"""`matcher assign` on the demo network."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import asyncpg
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


async def _count(db_url: str) -> int:
    conn = await asyncpg.connect(db_url)
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
