"""The demo network loads, and loading it again changes and re-embeds nothing."""

from __future__ import annotations

import json
from importlib import resources

import asyncpg

from embeddings.hashing import HashingEmbedder
from matcher.usecases.demo import load_demo
from matcher.usecases.embedding import embed_pending


def _count(name: str) -> int:
    text = (
        resources.files("matcher.demo").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    return len(json.loads(text))


async def test_demo_load_is_idempotent(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        first = await load_demo(conn)
    assert first.organisations_created == _count("organisations.json")
    assert first.people_created == _count("people.json")
    assert first.challenges_created == _count("challenges.json")
    embedder = HashingEmbedder(64)
    embedded = (await embed_pending(pool, embedder)).embedded
    assert embedded > first.people_created
    async with pool.acquire() as conn:
        before = await conn.fetch("SELECT id, text_hash, embedded_at FROM document ORDER BY id")
    async with pool.acquire() as conn, conn.transaction():
        second = await load_demo(conn)
    assert (second.organisations_created, second.people_created, second.challenges_created) == (
        0,
        0,
        0,
    )
    assert (second.people_changed, second.challenges_changed) == (0, 0)
    assert (await embed_pending(pool, embedder)).embedded == 0
    async with pool.acquire() as conn:
        after = await conn.fetch("SELECT id, text_hash, embedded_at FROM document ORDER BY id")
        assert await conn.fetchval("SELECT count(*) FROM person") == first.people_created
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


async def test_demo_change_reembeds_only_the_changed_text(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await load_demo(conn)
    embedder = HashingEmbedder(64)
    await embed_pending(pool, embedder)
    async with pool.acquire() as conn:
        doc_id = await conn.fetchval(
            "SELECT min(id) FROM document WHERE kind NOT IN ('summary', 'speaker_topics')"
        )
        await conn.execute(
            "UPDATE document SET body = 'veranderd', text_hash = 'x' WHERE id = $1", doc_id
        )
    async with pool.acquire() as conn, conn.transaction():
        report = await load_demo(conn)
    assert report.people_changed == 1
    assert (await embed_pending(pool, embedder)).embedded == 1
