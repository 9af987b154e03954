"""Challenges members post."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import asyncpg
import numpy as np

from embeddings.base import text_hash
from matcher.errors import AlreadyExists, InvalidInput, NotFound
from matcher.inputs import ChallengeChanges, NewChallenge, Unset, changed_fields
from matcher.records import Challenge, ChallengeKind, ChallengeStatus, Page, challenge_text
from matcher.storage.sql import id_by_ref, record, rows_affected, set_clause

_COLUMNS = """
    id, organisation_id, title, description, kind, hours_needed::float8, starts_on, needed_by,
    status,
    external_ref, text_hash, embedding_model, embedding_hash, embed_attempts, embed_error,
    created_at, updated_at
"""

_FIELDS = tuple(f.name for f in fields(ChallengeChanges))


def _record(row: asyncpg.Record) -> Challenge:
    return record(
        Challenge, row, kind=ChallengeKind(row["kind"]), status=ChallengeStatus(row["status"])
    )


async def get_challenge(conn: asyncpg.Connection, challenge_id: int) -> Challenge:
    """One challenge or NotFound."""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM challenge WHERE id = $1", challenge_id)
    if row is None:
        raise NotFound(f"challenge {challenge_id} does not exist")
    return _record(row)


# Orders a listing may ask for; the SQL comes from this table, never from the caller.
CHALLENGE_SORTS = {
    "-created": "created_at DESC, id DESC",
    "created": "created_at ASC, id ASC",
    "-updated": "updated_at DESC, id DESC",
    "updated": "updated_at ASC, id ASC",
    "needed_by": "needed_by ASC NULLS LAST, id ASC",
    "title": "lower(title) ASC, id ASC",
}


async def list_challenges(
    conn: asyncpg.Connection,
    *,
    visible_to_organisation: int | None,
    limit: int,
    offset: int,
    status: str | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
    since: datetime | None = None,
    sort: str = "-created",
) -> Page[Challenge]:
    """A page of challenges in `sort` order (newest first by default), created or changed since.

    With visible_to_organisation, only that organisation's challenges and others' open ones.
    """
    where = """
        WHERE ($1::bigint IS NULL OR organisation_id = $1 OR status = 'open')
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR kind = $3)
          AND ($4::bigint IS NULL OR organisation_id = $4)
          AND ($5::timestamptz IS NULL OR created_at >= $5 OR updated_at >= $5)
    """
    args = (visible_to_organisation, status, kind, organisation_id, since)
    order = CHALLENGE_SORTS[sort]
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM challenge {where} ORDER BY {order} LIMIT $6 OFFSET $7",
        *args,
        limit,
        offset,
    )
    total = await conn.fetchval(f"SELECT count(*) FROM challenge {where}", *args)
    return Page(items=[_record(r) for r in rows], total=int(total), limit=limit, offset=offset)


async def first_open_challenge_id(conn: asyncpg.Connection, organisation_id: int) -> int | None:
    """The oldest open challenge of an organisation."""
    value = await conn.fetchval(
        "SELECT min(id) FROM challenge WHERE organisation_id = $1 AND status = 'open'",
        organisation_id,
    )
    return int(value) if value is not None else None


async def challenge_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The id of the challenge with this external reference."""
    return await id_by_ref(conn, "challenge", external_ref)


def _digest(title: str, description: str) -> str:
    return text_hash(challenge_text(title, description))


async def insert_challenge(
    conn: asyncpg.Connection,
    *,
    organisation_id: int,
    challenge: NewChallenge,
    external_ref: str | None = None,
) -> int:
    """Insert a challenge; its embedding is pending until the worker runs."""
    try:
        value = await conn.fetchval(
            """
            INSERT INTO challenge (organisation_id, external_ref, text_hash, title, description,
                                   kind, hours_needed, starts_on, needed_by, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
            """,
            organisation_id,
            external_ref,
            _digest(challenge.title, challenge.description),
            challenge.title,
            challenge.description,
            challenge.kind,
            challenge.hours_needed,
            challenge.starts_on,
            challenge.needed_by,
            challenge.status,
        )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists("a challenge with this external reference exists") from exc
    except asyncpg.CheckViolationError as exc:
        raise InvalidInput("starts_on must not be after needed_by", field="needed_by") from exc
    return int(value)


async def update_challenge(
    conn: asyncpg.Connection, challenge_id: int, changes: ChallengeChanges
) -> bool:
    """Change a challenge; returns whether its text changed (so it needs a new vector)."""
    current = await get_challenge(conn, challenge_id)
    digest = _digest(
        current.title if isinstance(changes.title, Unset) else changes.title,
        current.description if isinstance(changes.description, Unset) else changes.description,
    )
    sets = set_clause(changed_fields(changes), columns=_FIELDS, first=3)
    try:
        await conn.execute(
            f"""
            UPDATE challenge SET text_hash = $2{", " + sets.sql if sets else ""},
                updated_at = now(),
                embed_attempts = CASE WHEN text_hash = $2 THEN embed_attempts ELSE 0 END,
                embed_error = CASE WHEN text_hash = $2 THEN embed_error ELSE NULL END,
                embed_after = CASE WHEN text_hash = $2 THEN embed_after ELSE now() END
            WHERE id = $1
            """,
            challenge_id,
            digest,
            *sets.args,
        )
    except asyncpg.CheckViolationError as exc:
        raise InvalidInput("starts_on must not be after needed_by", field="needed_by") from exc
    return digest != current.text_hash


async def delete_challenge(conn: asyncpg.Connection, challenge_id: int) -> None:
    """Delete a challenge and its matches."""
    status = await conn.execute("DELETE FROM challenge WHERE id = $1", challenge_id)
    if rows_affected(status) == 0:
        raise NotFound(f"challenge {challenge_id} does not exist")


async def challenge_vector(
    conn: asyncpg.Connection, challenge_id: int, model_id: str
) -> np.ndarray | None:
    """The challenge's vector from this model for its current text, or None."""
    value = await conn.fetchval(
        "SELECT embedding FROM challenge WHERE id = $1 AND embedding_model = $2 "
        "AND embedding_hash = text_hash",
        challenge_id,
        model_id,
    )
    if value is None:
        return None
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


async def challenge_english_vector(
    conn: asyncpg.Connection, challenge_id: int
) -> tuple[np.ndarray, str] | None:
    """The English model's vector of the challenge's current text and that model's id, or None."""
    row = await conn.fetchrow(
        "SELECT embedding_english, embedding_english_model FROM challenge WHERE id = $1 "
        "AND embedding_english IS NOT NULL AND embedding_hash = text_hash",
        challenge_id,
    )
    if row is None:
        return None
    value = row["embedding_english"]
    vector = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)
    return vector, str(row["embedding_english_model"])
