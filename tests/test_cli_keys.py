"""`matcher keys list|revoke|rotate` against a real database."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from matcher import db
from matcher.cli import app
from matcher.errors import Unauthorized
from matcher.usecases.keys import authenticate
from tests.test_cli import cli_env

__all__ = ["cli_env"]


def _authenticates(db_url: str, key: str) -> bool:
    async def check() -> bool:
        conn = await db.connect(db_url)
        try:
            await authenticate(conn, key)
            return True
        except Unauthorized:
            return False
        finally:
            await conn.close()

    return asyncio.run(check())


@pytest.mark.usefixtures("cli_env")
def test_keys_list_rotate_revoke(db_url: str) -> None:
    runner = CliRunner()
    old = runner.invoke(app, ["keys", "create", "--role", "programme_manager", "--label", "pm"])
    old_key = old.stdout.strip()
    prefix = old_key.split("_")[1]
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0, listed.output
    assert prefix in listed.stdout and old_key.split("_")[2] not in listed.stdout

    rotated = runner.invoke(app, ["keys", "rotate", prefix, "--expires-days", "30"])
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.stdout.strip()
    assert new_key.startswith("nm_") and new_key != old_key
    assert not _authenticates(db_url, old_key)
    assert _authenticates(db_url, new_key)
    live = runner.invoke(app, ["keys", "list"]).stdout
    assert prefix not in live
    assert prefix in runner.invoke(app, ["keys", "list", "--all"]).stdout

    revoked = runner.invoke(app, ["keys", "revoke", new_key.split("_")[1]])
    assert revoked.exit_code == 0, revoked.output
    assert not _authenticates(db_url, new_key)
    unknown = runner.invoke(app, ["keys", "revoke", "nietbestaand"])
    assert unknown.exit_code == 2 and "does not exist" in unknown.stderr
