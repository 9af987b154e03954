"""Job schedules and the job queue (PgQueuer's tables): rows in, typed records out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from pgqueuer.db import AsyncpgDriver
from pgqueuer.queries import Queries


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    """One schedule: when its job is next due and how its last run went."""

    name: str
    cron: str
    time_zone: str
    next_run_at: datetime
    last_due_at: datetime | None
    last_enqueued_at: datetime | None
    last_job_id: int | None
    last_finished_at: datetime | None
    last_status: str | None

    @property
    def last_run_at(self) -> datetime | None:
        """When the last run ended, or was queued while it has not ended yet."""
        return self.last_finished_at or self.last_enqueued_at

    @property
    def last_state(self) -> str | None:
        """successful, failed, queued (not ended yet) or None (never ran)."""
        if self.last_status is not None:
            return self.last_status
        return "queued" if self.last_job_id is not None else None


_COLUMNS = """
    name, cron, time_zone, next_run_at, last_due_at, last_enqueued_at, last_job_id,
    last_finished_at, last_status
"""


def _schedule(row: asyncpg.Record) -> ScheduleRecord:
    return ScheduleRecord(**dict(row))


async def get_schedule(conn: asyncpg.Connection, name: str) -> ScheduleRecord | None:
    """One schedule by name."""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM job_schedule WHERE name = $1", name)
    return None if row is None else _schedule(row)


async def list_schedules(conn: asyncpg.Connection) -> list[ScheduleRecord]:
    """Every schedule, by name."""
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM job_schedule ORDER BY name")
    return [_schedule(r) for r in rows]


async def lock_schedule(conn: asyncpg.Connection, name: str) -> ScheduleRecord | None:
    """Lock one schedule for this transaction; None when missing or another worker holds it."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM job_schedule WHERE name = $1 FOR UPDATE SKIP LOCKED", name
    )
    return None if row is None else _schedule(row)


async def insert_schedule(
    conn: asyncpg.Connection, *, name: str, cron: str, time_zone: str, next_run_at: datetime
) -> None:
    """Add a schedule unless another worker just did."""
    await conn.execute(
        """
        INSERT INTO job_schedule (name, cron, time_zone, next_run_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (name) DO NOTHING
        """,
        name,
        cron,
        time_zone,
        next_run_at,
    )


async def change_schedule(
    conn: asyncpg.Connection, *, name: str, cron: str, time_zone: str, next_run_at: datetime
) -> None:
    """A changed expression or time zone: the next run follows the new one."""
    await conn.execute(
        """
        UPDATE job_schedule SET cron = $2, time_zone = $3, next_run_at = $4, updated_at = now()
        WHERE name = $1
        """,
        name,
        cron,
        time_zone,
        next_run_at,
    )


async def record_enqueued(
    conn: asyncpg.Connection,
    *,
    name: str,
    due_at: datetime,
    enqueued_at: datetime,
    job_id: int,
    next_run_at: datetime,
) -> None:
    """The due run is queued as job_id; the schedule moves on to its next run."""
    await conn.execute(
        """
        UPDATE job_schedule SET last_due_at = $2, last_enqueued_at = $3, last_job_id = $4,
            last_finished_at = NULL, last_status = NULL, next_run_at = $5, updated_at = now()
        WHERE name = $1
        """,
        name,
        due_at,
        enqueued_at,
        job_id,
        next_run_at,
    )


async def record_finished(conn: asyncpg.Connection, *, job_id: int, status: str) -> None:
    """A scheduled job ended (successful or failed); noted on the schedule that queued it."""
    await conn.execute(
        """
        UPDATE job_schedule SET last_finished_at = now(), last_status = $2, updated_at = now()
        WHERE last_job_id = $1
        """,
        job_id,
        status,
    )


async def enqueue(
    conn: asyncpg.Connection,
    *,
    entrypoint: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
) -> int:
    """Queue a job in the caller's transaction (PgQueuer's own insert); returns its id."""
    ids = await Queries(AsyncpgDriver(conn)).enqueue(
        entrypoint,
        json.dumps(payload).encode(),
        dedupe_key=dedupe_key,
    )
    return int(ids[0])


async def queue_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Jobs waiting or running, and jobs that failed for good (held for a look)."""
    row = await conn.fetchrow(
        """
        SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
               count(*) FILTER (WHERE status = 'picked') AS running,
               count(*) FILTER (WHERE status = 'failed') AS failed
        FROM pgqueuer
        """
    )
    assert row is not None
    return {k: int(row[k]) for k in ("queued", "running", "failed")}
