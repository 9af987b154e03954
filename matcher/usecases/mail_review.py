"""What the programme manager sees of mail: the outbox, one message, retrying, overdue answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from matcher.errors import Forbidden, InvalidInput
from matcher.records import Page, Principal
from matcher.storage import outbox as store
from matcher.storage.outbox import OUTBOX_STATES, NewMessage, OutboxMessage
from matcher.usecases.digest_common import current_week
from matcher.usecases.manager_digest import overdue_introductions
from matcher.usecases.member_digest import run_member_digest


def _require_staff(principal: Principal | None) -> None:
    # None: the command line, run by whoever operates the service.
    if principal is not None and not principal.is_staff:
        raise Forbidden("only the programme manager or an admin sees the mail")


async def list_outbox(
    conn: asyncpg.Connection,
    principal: Principal | None,
    *,
    state: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[OutboxMessage]:
    """Messages newest first, by state and kind."""
    _require_staff(principal)
    if state is not None and state not in OUTBOX_STATES:
        raise InvalidInput(f"state must be one of {', '.join(OUTBOX_STATES)}", field="state")
    items, total = await store.list_messages(
        conn, state=state, kind=kind, limit=limit, offset=offset
    )
    return Page(items=items, total=total, limit=limit, offset=offset)


async def outbox_counts(conn: asyncpg.Connection, principal: Principal | None) -> dict[str, int]:
    """How many messages are in each state."""
    _require_staff(principal)
    return await store.state_counts(conn)


async def get_message(
    conn: asyncpg.Connection, principal: Principal | None, message_id: int
) -> OutboxMessage:
    """One message with its bodies."""
    _require_staff(principal)
    return await store.get_message(conn, message_id)


async def retry_message(
    conn: asyncpg.Connection, principal: Principal | None, message_id: int
) -> int:
    """Queue one failed message again; returns 1 if it was failed, else 0."""
    _require_staff(principal)
    return await store.requeue_failed(conn, [message_id])


async def overdue_answers(
    conn: asyncpg.Connection, principal: Principal | None, today: date | None = None
) -> list[tuple[str, str, str, int]]:
    """(person, challenge, asker, working days) of introductions waiting more than 10 days."""
    _require_staff(principal)
    rows = await overdue_introductions(conn, today or date.today())
    return [(i.person_name, i.challenge_title, i.asker_name, age) for i, age in rows]


async def preview_member_digests(
    pool: asyncpg.Pool, principal: Principal | None, *, now: datetime | None = None
) -> tuple[str, list[NewMessage]]:
    """What each member would receive this week (rendered, nothing queued)."""
    _require_staff(principal)
    week = current_week(now or datetime.now(UTC))
    run = await run_member_digest(pool, week, dry_run=True, now=now)
    return week.label, run.rendered
