"""Candidate retrieval: dense (pgvector HNSW) and lexical (full-text) candidates, with evidence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg
import numpy as np

from matcher.matching.lexical import LexicalStats
from matcher.matching.text import STOP_WORDS, words
from matcher.records import Candidate, EvidenceDoc

_ELIGIBLE = """
    p.consent AND ($3::bigint IS NULL OR p.organisation_id <> $3)
"""


async def query_lexemes(conn: asyncpg.Connection, text: str) -> list[str]:
    """The text's stemmed lexemes under the dutch and english configurations.

    Stop words of either language go first: the dutch configuration keeps English ones and
    the reverse, and a lexeme such as "ander" matches nearly every document.
    """
    content = " ".join(w for w in words(text) if w not in STOP_WORDS)
    value = await conn.fetchval(
        "SELECT coalesce(array_agg(DISTINCT l ORDER BY l), '{}') FROM unnest(tsvector_to_array("
        "to_tsvector('dutch'::regconfig, $1) || to_tsvector('english'::regconfig, $1))) AS l",
        content,
    )
    return list(value)


async def lexical_stats(conn: asyncpg.Connection, lexemes: Sequence[str]) -> LexicalStats:
    """Document frequencies of the lexemes over all documents, from the maintained table.

    Before the table was first filled (a new database), they are counted from the documents.
    """
    state = await conn.fetchrow("SELECT documents FROM lexeme_statistic_state")
    if state is None:
        return await _count_lexical_stats(conn, lexemes)
    rows = await conn.fetch(
        "SELECT lexeme, document_count FROM lexeme_statistic WHERE lexeme = ANY($1::text[])",
        list(lexemes),
    )
    return LexicalStats(
        documents=int(state["documents"]),
        document_frequency={r["lexeme"]: int(r["document_count"]) for r in rows},
    )


async def _count_lexical_stats(conn: asyncpg.Connection, lexemes: Sequence[str]) -> LexicalStats:
    documents = int(await conn.fetchval("SELECT count(*) FROM document"))
    frequency: dict[str, int] = {}
    if lexemes:
        # One pass over the documents that hold any of the lexemes (found through the GIN
        # index), instead of one count per lexeme.
        rows = await conn.fetch(
            """
            SELECT l AS lexeme, count(*) AS df
            FROM document d, unnest(tsvector_to_array(d.search)) AS l
            WHERE d.search @@ to_tsquery('simple'::regconfig, $2) AND l = ANY($1::text[])
            GROUP BY l
            """,
            list(lexemes),
            _or_query(lexemes),
        )
        frequency = {r["lexeme"]: int(r["df"]) for r in rows}
    return LexicalStats(documents=documents, document_frequency=frequency)


_LEXEME_REFRESH_LOCK = 7_310_442_107


async def refresh_lexeme_statistics(conn: asyncpg.Connection, *, only_if_stale: bool) -> bool:
    """Recount the lexemes' document frequencies; returns whether it did.

    Stale means never counted, the number of documents moved by more than 2% (at least 5),
    or a document changed since the last count more than ten minutes ago. One refresh at a
    time: a concurrent caller skips.
    """
    async with conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", _LEXEME_REFRESH_LOCK):
            return False
        if only_if_stale:
            stale = await conn.fetchval(
                """
                SELECT s.documents IS NULL
                    OR abs(c.n - s.documents) > greatest(5, 0.02 * s.documents)
                    OR (c.changed > s.refreshed_at AND s.refreshed_at < now() - interval '10 min')
                FROM (SELECT count(*) AS n, max(updated_at) AS changed FROM document) AS c
                LEFT JOIN lexeme_statistic_state s ON true
                """
            )
            if not stale:
                return False
        await conn.execute("DELETE FROM lexeme_statistic")
        await conn.execute(
            """
            INSERT INTO lexeme_statistic (lexeme, document_count)
            SELECT word, ndoc FROM ts_stat('SELECT search FROM document')
            """
        )
        await conn.execute(
            """
            INSERT INTO lexeme_statistic_state (singleton, documents, refreshed_at)
            SELECT true, count(*), now() FROM document
            ON CONFLICT (singleton) DO UPDATE
            SET documents = EXCLUDED.documents, refreshed_at = EXCLUDED.refreshed_at
            """
        )
    return True


def _or_query(lexemes: Sequence[str]) -> str:
    return " | ".join("'" + lex.replace("'", "''") + "'" for lex in lexemes)


async def candidate_person_ids(
    conn: asyncpg.Connection,
    *,
    vector: np.ndarray | None,
    model_id: str,
    lexemes: Sequence[str],
    exclude_organisation_id: int | None,
    limit: int,
) -> list[int]:
    """People with a document among the nearest vectors or the best full-text hits."""
    ids: set[int] = set()
    if vector is not None:
        dim = int(vector.shape[0])
        # The nearest documents come from the HNSW index in an inner query on document alone:
        # filters joined from person (or a column comparison the planner misjudges) would
        # make PostgreSQL sort every row instead. Stale vectors may be candidates; their
        # dense score is not used (load_candidates checks model and text hash).
        rows = await conn.fetch(
            f"""
            SELECT nearest.person_id
            FROM (
                SELECT d.person_id FROM document d
                WHERE d.embedding_dim = {dim} AND d.embedding_model = $2
                ORDER BY d.embedding::vector({dim}) <=> $1::vector({dim})
                LIMIT $4
            ) AS nearest
            JOIN person p ON p.id = nearest.person_id
            WHERE {_ELIGIBLE}
            """,
            vector,
            model_id,
            exclude_organisation_id,
            limit,
        )
        ids.update(int(r["person_id"]) for r in rows)
    if lexemes:
        rows = await conn.fetch(
            f"""
            SELECT d.person_id FROM document d JOIN person p ON p.id = d.person_id,
                 to_tsquery('simple'::regconfig, $1) AS q
            WHERE d.search @@ q AND {_ELIGIBLE.replace("$3", "$2")}
            ORDER BY ts_rank(d.search, q) DESC
            LIMIT $3
            """,
            _or_query(lexemes),
            exclude_organisation_id,
            limit,
        )
        ids.update(int(r["person_id"]) for r in rows)
    return sorted(ids)


async def refresh_statistics(conn: asyncpg.Connection) -> None:
    """Planner and lexeme statistics after a bulk load, so retrieval gets sensible plans."""
    await refresh_lexeme_statistics(conn, only_if_stale=False)
    await conn.execute("ANALYZE")


async def all_person_ids(conn: asyncpg.Connection) -> list[int]:
    """Every person (evaluation ranks all profiles)."""
    return [int(r["id"]) for r in await conn.fetch("SELECT id FROM person ORDER BY id")]


async def load_candidates(
    conn: asyncpg.Connection,
    person_ids: Sequence[int],
    *,
    vector: np.ndarray | None,
    model_id: str,
    window: tuple[date, date],
    challenge_id: int | None,
) -> list[Candidate]:
    """Candidates with profile, capacity, exposure and each document's dense similarity."""
    ids = list(person_ids)
    if not ids:
        return []
    people = await conn.fetch(
        """
        SELECT p.id, p.name, p.role, p.email, p.organisation_id, o.name AS organisation_name,
               o.sector_code, s.name AS sector_name, o.province, p.languages, p.consent,
               p.capacity_hours_per_month, p.available_from, p.available_until,
               p.willing_to_speak, p.speaker_topics,
               coalesce((SELECT array_agg(c.organisation_id) FROM person_conflict c
                         WHERE c.person_id = p.id), '{}') AS conflicts,
               coalesce((SELECT sum(r.hours) FROM capacity_reservation r
                         WHERE r.person_id = p.id AND r.state <> 'released'
                           AND r.starts_on <= $3 AND r.ends_on >= $2), 0) AS reserved,
               (SELECT count(*) FROM match m
                WHERE m.person_id = p.id AND m.created_at > now() - interval '7 days'
                  AND ($4::bigint IS NULL OR m.challenge_id <> $4)) AS exposure
        FROM person p
        JOIN organisation o ON o.id = p.organisation_id
        LEFT JOIN sector s ON s.code = o.sector_code
        WHERE p.id = ANY($1::bigint[])
        ORDER BY p.id
        """,
        ids,
        window[0],
        window[1],
        challenge_id,
    )
    if vector is not None:
        dim = int(vector.shape[0])
        dense_sql = (
            f"CASE WHEN d.embedding_dim = {dim} AND d.embedding_model = $2 "
            f"AND d.embedding_hash = d.text_hash "
            f"THEN 1 - (d.embedding::vector({dim}) <=> $3::vector({dim})) END"
        )
        doc_rows = await conn.fetch(
            f"""
            SELECT d.id, d.person_id, d.kind, d.title, d.body, {dense_sql} AS dense
            FROM document d WHERE d.person_id = ANY($1::bigint[]) ORDER BY d.id
            """,
            ids,
            model_id,
            vector,
        )
    else:
        doc_rows = await conn.fetch(
            """
            SELECT d.id, d.person_id, d.kind, d.title, d.body, NULL::float8 AS dense
            FROM document d WHERE d.person_id = ANY($1::bigint[]) ORDER BY d.id
            """,
            ids,
        )
    docs: dict[int, list[EvidenceDoc]] = {pid: [] for pid in ids}
    for r in doc_rows:
        docs[r["person_id"]].append(
            EvidenceDoc(
                document_id=r["id"],
                kind=r["kind"],
                title=r["title"],
                body=r["body"],
                dense=float(r["dense"]) if r["dense"] is not None else None,
            )
        )
    return [
        Candidate(
            person_id=r["id"],
            person_name=r["name"],
            person_role=r["role"],
            email=r["email"],
            organisation_id=r["organisation_id"],
            organisation_name=r["organisation_name"],
            sector_code=r["sector_code"],
            sector_name=r["sector_name"],
            province=r["province"],
            languages=tuple(r["languages"]),
            consent=r["consent"],
            capacity_hours_per_month=float(r["capacity_hours_per_month"]),
            available_from=r["available_from"],
            available_until=r["available_until"],
            reserved_hours=float(r["reserved"]),
            willing_to_speak=r["willing_to_speak"],
            speaker_topics=tuple(r["speaker_topics"]),
            conflict_organisation_ids=tuple(r["conflicts"]),
            recent_exposure=int(r["exposure"]),
            documents=docs[r["id"]],
        )
        for r in people
    ]


async def organisation_context(
    conn: asyncpg.Connection, organisation_id: int | None
) -> tuple[str | None, str | None, str | None]:
    """Sector code, sector name and province of an organisation."""
    if organisation_id is None:
        return None, None, None
    row = await conn.fetchrow(
        "SELECT o.sector_code, s.name, o.province FROM organisation o "
        "LEFT JOIN sector s ON s.code = o.sector_code WHERE o.id = $1",
        organisation_id,
    )
    if row is None:
        return None, None, None
    return row["sector_code"], row["name"], row["province"]
