"""The outbox: mail written with its cause, claimed, sent and settled by the delivery use-case."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from matcher.errors import NotFound
from matcher.storage.sql import rows_affected

OUTBOX_STATES = ("queued", "sending", "sent", "failed", "cancelled")
DIGEST_KINDS = ("member_digest", "manager_digest")


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to put in the outbox; dedupe_key makes a second enqueue a no-op."""

    dedupe_key: str
    kind: str
    recipient: str
    language: str
    subject: str
    body_text: str
    body_html: str
    match_id: int | None = None
    period: str | None = None
    person_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A stored outbox message with its delivery state."""

    id: int
    dedupe_key: str
    kind: str
    recipient: str
    language: str
    subject: str
    body_text: str
    body_html: str
    match_id: int | None
    period: str | None
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MailPreference:
    """What an address chose: language, the member digest (persons opt in), unsubscribed."""

    email: str
    language: str | None
    digest_opt_in: bool
    unsubscribed: bool


_COLUMNS = """
    id, dedupe_key, kind, recipient, language, subject, body_text, body_html, match_id, period,
    state, attempts, last_error, next_attempt_at, sent_at, created_at, updated_at
"""


def _message(row: asyncpg.Record) -> OutboxMessage:
    return OutboxMessage(**dict(row))


async def enqueue(conn: asyncpg.Connection, messages: Sequence[NewMessage]) -> int:
    """Insert messages whose dedupe key is new; returns how many were inserted."""
    if not messages:
        return 0
    inserted = await conn.fetchval(
        """
        WITH new AS (
            INSERT INTO outbox_message
                (dedupe_key, kind, recipient, language, subject, body_text, body_html,
                 match_id, period, person_ids)
            SELECT k, kd, r, l, s, t, h, m, p, string_to_array(ps, ',')::bigint[]
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                        $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[])
                AS x(k, kd, r, l, s, t, h, m, p, ps)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING 1
        )
        SELECT count(*) FROM new
        """,
        [m.dedupe_key for m in messages],
        [m.kind for m in messages],
        [m.recipient for m in messages],
        [m.language for m in messages],
        [m.subject for m in messages],
        [m.body_text for m in messages],
        [m.body_html for m in messages],
        [m.match_id for m in messages],
        [m.period for m in messages],
        [",".join(str(i) for i in sorted(set(m.person_ids))) for m in messages],
    )
    return int(inserted)


async def existing_keys(conn: asyncpg.Connection, keys: Sequence[str]) -> set[str]:
    """Which of these dedupe keys are already in the outbox."""
    rows = await conn.fetch(
        "SELECT dedupe_key FROM outbox_message WHERE dedupe_key = ANY($1::text[])", list(keys)
    )
    return {r["dedupe_key"] for r in rows}


async def claim_due(
    conn: asyncpg.Connection, *, limit: int, lease_seconds: float
) -> list[OutboxMessage]:
    """Mark due messages 'sending' (queued ones, and 'sending' ones whose claim lapsed).

    Each claim counts as an attempt and holds the message for lease_seconds; another
    deliverer skips it meanwhile. The caller commits the claim before it sends.
    """
    rows = await conn.fetch(
        f"""
        WITH due AS (
            SELECT id FROM outbox_message
            WHERE state IN ('queued', 'sending') AND next_attempt_at <= now()
            ORDER BY next_attempt_at, id
            LIMIT $1
            FOR UPDATE SKIP LOCKED
        )
        UPDATE outbox_message o
        SET state = 'sending', attempts = o.attempts + 1,
            next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
        FROM due WHERE o.id = due.id
        RETURNING {", ".join("o." + c.strip() for c in _COLUMNS.split(","))}
        """,
        limit,
        lease_seconds,
    )
    return sorted((_message(r) for r in rows), key=lambda m: (m.next_attempt_at, m.id))


async def renew_claim(
    conn: asyncpg.Connection, message_id: int, *, attempts: int, lease_seconds: float
) -> bool:
    """Extend our claim just before sending; False if it lapsed and another deliverer took it
    (its claim counted another attempt, so `attempts` no longer matches)."""
    renewed = await conn.fetchval(
        "UPDATE outbox_message SET next_attempt_at = now() + make_interval(secs => $3), "
        "updated_at = now() WHERE id = $1 AND state = 'sending' AND attempts = $2 RETURNING 1",
        message_id,
        attempts,
        lease_seconds,
    )
    return renewed is not None


async def mark_sent(conn: asyncpg.Connection, message_id: int) -> None:
    """The SMTP server accepted the message."""
    await conn.execute(
        "UPDATE outbox_message SET state = 'sent', sent_at = now(), last_error = NULL, "
        "updated_at = now() WHERE id = $1 AND state = 'sending'",
        message_id,
    )


async def mark_retry(
    conn: asyncpg.Connection, message_id: int, *, error: str, delay_seconds: float
) -> None:
    """A temporary failure: queued again after delay_seconds."""
    await conn.execute(
        "UPDATE outbox_message SET state = 'queued', last_error = $2, "
        "next_attempt_at = now() + make_interval(secs => $3), updated_at = now() "
        "WHERE id = $1 AND state = 'sending'",
        message_id,
        error[:2000],
        delay_seconds,
    )


async def _settle(
    conn: asyncpg.Connection, message_id: int, state: str, note: str, *, unless_past: list[str]
) -> None:
    # A final state with its note, for a message still in one of the states unless_past.
    await conn.execute(
        "UPDATE outbox_message SET state = $2, last_error = $3, updated_at = now() "
        "WHERE id = $1 AND state = ANY($4::text[])",
        message_id,
        state,
        note,
        unless_past,
    )


async def mark_failed(conn: asyncpg.Connection, message_id: int, *, error: str) -> None:
    """Given up: stays visible to the manager until retried."""
    await _settle(conn, message_id, "failed", error[:2000], unless_past=["sending"])


async def release_claims(
    conn: asyncpg.Connection, message_ids: Sequence[int], *, delay_seconds: float
) -> None:
    """Claimed but not tried (the server went away first): queued again, the attempt not counted."""
    await conn.execute(
        "UPDATE outbox_message SET state = 'queued', attempts = greatest(attempts - 1, 0), "
        "next_attempt_at = now() + make_interval(secs => $2), updated_at = now() "
        "WHERE id = ANY($1::bigint[]) AND state = 'sending'",
        list(message_ids),
        delay_seconds,
    )


async def mark_cancelled(conn: asyncpg.Connection, message_id: int, *, reason: str) -> None:
    """Not sent on purpose (e.g. the recipient unsubscribed after it was queued)."""
    await _settle(conn, message_id, "cancelled", reason, unless_past=["queued", "sending"])


async def requeue_failed(conn: asyncpg.Connection, message_ids: Sequence[int] | None) -> int:
    """Failed messages (all, or these) queued again with fresh attempts; returns how many."""
    status = await conn.execute(
        "UPDATE outbox_message SET state = 'queued', attempts = 0, next_attempt_at = now(), "
        "updated_at = now() WHERE state = 'failed' AND ($1::bigint[] IS NULL OR id = ANY($1))",
        list(message_ids) if message_ids is not None else None,
    )
    return rows_affected(status)


async def get_message(conn: asyncpg.Connection, message_id: int) -> OutboxMessage:
    """One message or NotFound."""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM outbox_message WHERE id = $1", message_id)
    if row is None:
        raise NotFound(f"message {message_id} does not exist")
    return _message(row)


async def list_messages(
    conn: asyncpg.Connection,
    *,
    state: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[OutboxMessage], int]:
    """Messages newest first, optionally by state and kind, with the total."""
    where = "WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2)"
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM outbox_message {where} "
        "ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        state,
        kind,
        limit,
        offset,
    )
    total = await conn.fetchval(f"SELECT count(*) FROM outbox_message {where}", state, kind)
    return [_message(r) for r in rows], int(total)


async def state_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """How many messages are in each state."""
    rows = await conn.fetch("SELECT state, count(*) AS n FROM outbox_message GROUP BY state")
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update({r["state"]: int(r["n"]) for r in rows})
    return counts


# Preferences


async def preferences(conn: asyncpg.Connection, emails: Sequence[str]) -> dict[str, MailPreference]:
    """Stored preferences of these addresses (lower-cased keys); absent ones are left out."""
    rows = await conn.fetch(
        "SELECT email, language, digest_opt_in, unsubscribed_at IS NOT NULL AS unsubscribed "
        "FROM mail_preference WHERE email = ANY($1::text[])",
        sorted({e.lower() for e in emails}),
    )
    return {r["email"]: MailPreference(**dict(r)) for r in rows}


async def opted_in_emails(conn: asyncpg.Connection) -> set[str]:
    """Addresses that asked for the member digest and did not unsubscribe."""
    rows = await conn.fetch(
        "SELECT email FROM mail_preference WHERE digest_opt_in AND unsubscribed_at IS NULL"
    )
    return {r["email"] for r in rows}


async def set_preference(
    conn: asyncpg.Connection,
    email: str,
    *,
    language: str | None,
    digest_opt_in: bool,
    unsubscribed: bool,
) -> None:
    """Store an address's choices (language None: the default for the address)."""
    await conn.execute(
        """
        INSERT INTO mail_preference (email, language, digest_opt_in, unsubscribed_at)
        VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)
        ON CONFLICT (email) DO UPDATE SET
            language = EXCLUDED.language,
            digest_opt_in = EXCLUDED.digest_opt_in,
            unsubscribed_at = CASE WHEN $4
                THEN coalesce(mail_preference.unsubscribed_at, now()) END,
            updated_at = now()
        """,
        email.lower(),
        language,
        digest_opt_in,
        unsubscribed,
    )


async def is_unsubscribed(conn: asyncpg.Connection, email: str) -> bool:
    """Whether the address unsubscribed from digests."""
    value = await conn.fetchval(
        "SELECT unsubscribed_at IS NOT NULL FROM mail_preference WHERE email = $1", email.lower()
    )
    return bool(value)


async def person_mail(conn: asyncpg.Connection, person_id: int, email: str) -> list[OutboxMessage]:
    """Messages to a person's address or naming them (for their data export), oldest first."""
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM outbox_message
        WHERE ($1 <> '' AND lower(recipient) = $1) OR person_ids @> ARRAY[$2::bigint]
           OR match_id IN (SELECT id FROM match WHERE person_id = $2)
        ORDER BY created_at, id
        """,
        email.lower(),
        person_id,
    )
    return [_message(r) for r in rows]


async def erase_person(conn: asyncpg.Connection, person_id: int, email: str) -> int:
    """Forget a person: messages to their address or naming them, and their preferences."""
    if email:
        await conn.execute("DELETE FROM mail_preference WHERE email = $1", email.lower())
    status = await conn.execute(
        "DELETE FROM outbox_message WHERE ($1 <> '' AND lower(recipient) = $1) "
        "OR person_ids @> ARRAY[$2::bigint]",
        email.lower(),
        person_id,
    )
    return rows_affected(status)


async def signing_secret(conn: asyncpg.Connection) -> bytes:
    """The secret that signs links in mail; made on first use (racing makers agree)."""
    await conn.execute(
        "INSERT INTO signing_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        secrets.token_bytes(32),
    )
    secret: bytes = await conn.fetchval("SELECT secret FROM signing_key WHERE id = 1")
    return secret
