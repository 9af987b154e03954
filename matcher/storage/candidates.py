"""Candidate retrieval: dense (pgvector HNSW) and lexical (full-text) candidates, with evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    """Document frequencies of the lexemes over all track-record documents.

    Read from the maintained counts (migration 0008): each lexeme's base row plus the changes
    not yet folded in, found by index; exact at every moment, whatever the corpus size.
    """
    wanted = ["", *lexemes]  # the empty lexeme holds the number of documents
    rows = await conn.fetch(
        """
        SELECT lexeme, sum(n)::bigint AS df FROM (
            SELECT lexeme, documents AS n FROM lexeme_frequency WHERE lexeme = ANY($1::text[])
            UNION ALL
            SELECT lexeme, change FROM lexeme_frequency_delta WHERE lexeme = ANY($1::text[])
        ) AS counts
        GROUP BY lexeme
        """,
        wanted,
    )
    counts = {r["lexeme"]: int(r["df"]) for r in rows}
    documents = counts.pop("", 0)
    frequency = {lexeme: df for lexeme, df in counts.items() if df > 0}
    return LexicalStats(documents=documents, document_frequency=frequency)


async def fold_lexeme_frequencies(conn: asyncpg.Connection) -> int:
    """Fold the pending frequency changes into the base counts; returns the changes folded.

    Each change row is deleted by exactly one folder (a concurrent one skips rows already
    taken) and the base rows are updated in lexeme order, so folders never deadlock.
    """
    async with conn.transaction():
        folded = await conn.fetchval(
            """
            WITH taken AS (
                DELETE FROM lexeme_frequency_delta RETURNING lexeme, change
            ), summed AS (
                SELECT lexeme, sum(change)::bigint AS change, count(*) AS n
                FROM taken GROUP BY lexeme
            ), applied AS (
                INSERT INTO lexeme_frequency AS f (lexeme, documents)
                SELECT lexeme, change FROM summed ORDER BY lexeme
                ON CONFLICT (lexeme) DO UPDATE SET documents = f.documents + excluded.documents
                RETURNING 1
            )
            SELECT coalesce(sum(n), 0)::bigint FROM summed
            """
        )
        await conn.execute("DELETE FROM lexeme_frequency WHERE documents <= 0 AND lexeme <> ''")
    return int(folded)


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
    lexical_limit: int | None = None,
) -> list[int]:
    """People with a document among the ``limit`` nearest vectors or the best full-text hits
    (``lexical_limit`` of them, ``limit`` when not given)."""
    ids: set[int] = set()
    if vector is not None:
        dim = int(vector.shape[0])
        # The nearest documents come from the HNSW index in an inner query on document alone:
        # filters joined from person (or a column comparison the planner misjudges) would
        # make PostgreSQL sort every row instead. Stale vectors may be candidates; their
        # dense score is not used (load_candidates checks model and text hash).
        # The HNSW scan itself can only order by distance; ties are broken by document id in
        # the outer query (the same request gets the same candidates). The index keys are
        # half precision (embedding_queue.HNSW_GRAPH), so the scan orders by that cast; the
        # order of what it found is the full-precision distance.
        rows = await conn.fetch(
            f"""
            SELECT nearest.person_id
            FROM (
                SELECT d.id, d.person_id, d.embedding::vector({dim}) <=> $1::vector({dim}) AS dist
                FROM document d
                WHERE d.embedding_dim = {dim} AND d.embedding_model = $2
                ORDER BY d.embedding::halfvec({dim}) <=> $1::vector({dim})::halfvec({dim})
                LIMIT $4
            ) AS nearest
            JOIN person p ON p.id = nearest.person_id
            WHERE {_ELIGIBLE}
            ORDER BY nearest.dist, nearest.id
            """,
            vector,
            model_id,
            exclude_organisation_id,
            limit,
        )
        ids.update(int(r["person_id"]) for r in rows)
    if lexemes:
        # Eligibility is looked up per hit (a scalar subquery on person's key): joined, the
        # planner hashes every person of the corpus for the ~1,000 hits it ranks.
        rows = await conn.fetch(
            f"""
            SELECT d.person_id FROM document d, to_tsquery('simple'::regconfig, $1) AS q
            WHERE d.search @@ q
              AND (SELECT {_ELIGIBLE.replace("$3", "$2")} FROM person p WHERE p.id = d.person_id)
            ORDER BY ts_rank(d.search, q) DESC, d.id
            LIMIT $3
            """,
            _or_query(lexemes),
            exclude_organisation_id,
            limit if lexical_limit is None else lexical_limit,
        )
        ids.update(int(r["person_id"]) for r in rows)
    return sorted(ids)


async def refresh_statistics(conn: asyncpg.Connection) -> None:
    """Planner statistics after a bulk load, so retrieval gets sensible plans."""
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
    english: tuple[np.ndarray, str] | None = None,
    per_person: Callable[[int], int] | None = None,
) -> list[Candidate]:
    """Candidates with profile, capacity, exposure and their documents' dense similarity.

    With a vector and per_person (how many documents the scoring can use of a person with
    that many in their track record), each candidate brings only those nearest to it, and
    their speaker topics. With the challenge's English vector and model id, English
    documents also get the English model's similarity (``dense_english``; see
    matcher.matching.dense).
    """
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
                  AND ($4::bigint IS NULL OR m.challenge_id <> $4)) AS exposure,
               (SELECT count(*) FROM document d
                WHERE d.person_id = p.id AND d.kind <> 'speaker_topics') AS track_record_size
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
    wanted = (
        {r["id"]: per_person(int(r["track_record_size"])) for r in people}
        if per_person is not None
        else None
    )
    doc_rows = await _candidate_documents(
        conn, ids, vector=vector, model_id=model_id, wanted=wanted, english=english
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
                dense_english=(
                    float(r["dense_english"]) if r["dense_english"] is not None else None
                ),
                lexical_features=r["lexical_features"],
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
            track_record_size=int(r["track_record_size"]),
        )
        for r in people
    ]


def _english_sql(english: tuple[np.ndarray, str] | None, first: int) -> str:
    """The English-model cosine of a document row; parameters first (vector), first + 1 (model)."""
    if english is None:
        return "NULL::float8"
    dim = int(english[0].shape[0])
    return (
        f"CASE WHEN d.embedding_english_model = ${first + 1} AND d.embedding_hash = d.text_hash "
        f"AND vector_dims(d.embedding_english) = {dim} "
        f"THEN 1 - (d.embedding_english::vector({dim}) <=> ${first}::vector({dim})) END"
    )


def _english_args(english: tuple[np.ndarray, str] | None) -> list[object]:
    return [] if english is None else [english[0], english[1]]


def _document_columns(
    vector: np.ndarray | None, english: tuple[np.ndarray, str] | None, english_first: int
) -> str:
    """The document columns scoring reads, the dense similarities last (NULL when stale)."""
    if vector is None:
        dense = "NULL::float8"
    else:
        dim = int(vector.shape[0])
        dense = (
            f"CASE WHEN d.embedding_dim = {dim} AND d.embedding_model = $2 "
            f"AND d.embedding_hash = d.text_hash "
            f"THEN 1 - (d.embedding::vector({dim}) <=> $3::vector({dim})) END"
        )
    # Stored n-gram features count only while they belong to the current text.
    return (
        "d.id, d.person_id, d.kind, d.title, d.body, "
        "CASE WHEN d.lexical_hash = d.text_hash THEN d.lexical_features END AS lexical_features, "
        f"{dense} AS dense, {_english_sql(english, english_first)} AS dense_english"
    )


async def _candidate_documents(
    conn: asyncpg.Connection,
    ids: list[int],
    *,
    vector: np.ndarray | None,
    model_id: str,
    wanted: dict[int, int] | None,
    english: tuple[np.ndarray, str] | None,
) -> list[asyncpg.Record]:
    """The candidates' documents: all of them, or the number wanted of each person's nearest."""
    if vector is None or wanted is None:
        args: list[object] = [ids, model_id, vector] if vector is not None else [ids]
        columns = _document_columns(vector, english, len(args) + 1)
        rows: list[asyncpg.Record] = await conn.fetch(
            f"SELECT {columns} FROM document d WHERE d.person_id = ANY($1::bigint[]) ORDER BY d.id",
            *args,
            *_english_args(english),
        )
        return rows
    # Per person, its documents by similarity in SQL (an index scan on person, a handful of
    # distances each); documents with a stale vector come last.
    columns = _document_columns(vector, english, 5)
    rows = await conn.fetch(
        f"""
        SELECT best.* FROM unnest($1::bigint[], $4::int[]) AS c(person_id, wanted)
        CROSS JOIN LATERAL (
            SELECT {columns} FROM document d
            WHERE d.person_id = c.person_id AND d.kind <> 'speaker_topics'
            ORDER BY dense DESC NULLS LAST, id
            LIMIT c.wanted
        ) AS best
        UNION ALL
        SELECT {columns} FROM document d
        WHERE d.person_id = ANY($1::bigint[]) AND d.kind = 'speaker_topics'
        """,
        ids,
        model_id,
        vector,
        [wanted.get(pid, 0) for pid in ids],
        *_english_args(english),
    )
    return rows


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
