"""Maintained document frequencies equal a full scan after inserts, edits and erasure."""

from __future__ import annotations

import asyncio

import asyncpg

from matcher.storage.candidates import fold_lexeme_frequencies, lexical_stats, query_lexemes


async def _scanned(conn: asyncpg.Connection, lexemes: list[str]) -> tuple[int, dict[str, int]]:
    documents = int(await conn.fetchval("SELECT count(*) FROM document"))
    rows = await conn.fetch(
        "SELECT l, count(*) AS df FROM document d, unnest(tsvector_to_array(d.search)) AS l "
        "WHERE l = ANY($1::text[]) GROUP BY l",
        lexemes,
    )
    return documents, {r["l"]: int(r["df"]) for r in rows}


async def _check(conn: asyncpg.Connection, lexemes: list[str]) -> None:
    stats = await lexical_stats(conn, lexemes)
    assert (stats.documents, dict(stats.document_frequency)) == await _scanned(conn, lexemes)


TEXTS = [
    "Informatiebeveiliging volgens de BIO bij een gemeente",
    "Cloudmigratie naar Azure en beveiliging van de werkplek",
    "Privacy impact assessment (DPIA) voor een zorginstelling",
    "Information security policy and ISO 27001 certification",
    "Datagedreven werken met Power BI en een datawarehouse",
]


async def test_frequencies_follow_every_change_and_survive_folding(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        probe = " ".join(TEXTS) + " netwerkbeheer"
        lexemes = await query_lexemes(conn, probe)
        await conn.execute("INSERT INTO organisation (name) VALUES ('A')")
        await conn.execute(
            "INSERT INTO person (organisation_id, name, email) "
            "SELECT 1, 'p' || g, '' FROM generate_series(1, 3) g"
        )
        await _check(conn, lexemes)
        # A multi-row insert, a single insert, an edit, a vector update and an erasure.
        await conn.executemany(
            "INSERT INTO document (person_id, kind, body, text_hash) VALUES ($1, 'other', $2, 'h')",
            [(1 + i % 3, t) for i, t in enumerate(TEXTS)],
        )
        await conn.execute(
            "INSERT INTO document (person_id, kind, body, text_hash) "
            "SELECT 3, 'project', body, 'h' FROM document WHERE person_id = 1"
        )
        await _check(conn, lexemes)
        await conn.execute("UPDATE document SET body = 'Netwerkbeheer en beveiliging' WHERE id = 2")
        await conn.execute("UPDATE document SET embed_attempts = 1")  # lexemes unchanged
        await _check(conn, lexemes)
        await conn.execute("DELETE FROM person WHERE id = 1")  # cascades to documents
        await _check(conn, lexemes)
        assert await fold_lexeme_frequencies(conn) > 0
        assert await conn.fetchval("SELECT count(*) FROM lexeme_frequency_delta") == 0
        await _check(conn, lexemes)
        assert await fold_lexeme_frequencies(conn) == 0
        await _check(conn, lexemes)


async def test_concurrent_folds_count_every_change_once(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO organisation (name) VALUES ('A')")
        await conn.execute("INSERT INTO person (organisation_id, name, email) VALUES (1, 'p', '')")
        lexemes = await query_lexemes(conn, " ".join(TEXTS))
    for round_ in range(5):
        async with pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO document (person_id, kind, body, text_hash) "
                "VALUES (1, 'other', $1, 'h')",
                [(f"{t} {round_}",) for t in TEXTS],
            )

        async def fold() -> int:
            async with pool.acquire() as c:
                return await fold_lexeme_frequencies(c)

        await asyncio.gather(*(fold() for _ in range(4)))
    async with pool.acquire() as conn:
        await _check(conn, lexemes)
        assert await conn.fetchval("SELECT count(*) FROM lexeme_frequency_delta") == 0
