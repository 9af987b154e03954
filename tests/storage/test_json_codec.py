"""The json/jsonb codec every connection gets: Python values in and out, PgQueuer's text kept."""

from __future__ import annotations

import asyncpg
import pytest
from pgqueuer.db import AsyncpgDriver
from pgqueuer.queries import Queries

from matcher import db


async def test_jsonb_takes_and_gives_python_values(conn: asyncpg.Connection) -> None:
    value = {"lines": ["Bewijs: project"], "score": 0.5, "nested": {"ok": True}}
    assert await conn.fetchval("SELECT $1::jsonb", value) == value
    assert await conn.fetchval("SELECT $1::json", [1, "twee"]) == [1, "twee"]
    assert await conn.fetchval("SELECT '{\"a\": [1, 2]}'::jsonb") == {"a": [1, 2]}
    assert await conn.fetchval("SELECT jsonb_typeof($1::jsonb)", {"a": 1}) == "object"


async def test_nan_is_refused_before_it_reaches_the_server(conn: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.DataError, match="not JSON compliant"):
        await conn.fetchval("SELECT $1::jsonb", {"score": float("nan")})


async def test_text_is_taken_as_json_already_written(conn: asyncpg.Connection) -> None:
    # PgQueuer writes its job headers as JSON text on our connections: they must stay objects.
    await Queries(AsyncpgDriver(conn)).enqueue("codec_probe", b"{}", headers={"trace": "abc"})
    row = await conn.fetchrow(
        "SELECT headers, jsonb_typeof(headers) AS kind FROM pgqueuer WHERE entrypoint = $1",
        "codec_probe",
    )
    assert row is not None
    assert row["kind"] == "object"
    assert row["headers"] == {"trace": "abc"}


async def test_single_connections_get_the_codec_too(db_url: str) -> None:
    for vectors in (True, False):
        conn = await db.connect(db_url, vectors=vectors)
        try:
            assert await conn.fetchval("SELECT $1::jsonb", {"a": 1}) == {"a": 1}
        finally:
            await conn.close()
