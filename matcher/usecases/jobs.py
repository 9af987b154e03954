"""Scheduled and queued jobs: schedules that enqueue their job once per due time, and status.

Use-cases may enqueue a job here; running jobs is the worker's business.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from matcher.logging import get_logger
from matcher.scheduling import next_run, validate_schedule
from matcher.storage import jobs as store

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A job to run on a cron expression read in a time zone."""

    name: str
    cron: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class JobRun:
    """What a job function is told: its id, and the due time it stands for when scheduled."""

    job_id: int
    name: str
    scheduled_for: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, job_id: int, name: str, raw: bytes | None) -> JobRun:
        """Decode the JSON payload written by enqueue_job or a schedule."""
        payload: dict[str, Any] = json.loads(raw) if raw else {}
        due = payload.pop("scheduled_for", None)
        return cls(
            job_id=job_id,
            name=name,
            scheduled_for=datetime.fromisoformat(due) if isinstance(due, str) else None,
            payload=payload,
        )


async def enqueue_job(
    conn: asyncpg.Connection,
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
) -> int:
    """Queue a job in the caller's transaction (it runs only if that commits); returns its id."""
    return await store.enqueue(conn, entrypoint=name, payload=payload or {}, dedupe_key=dedupe_key)


async def sync_schedules(
    pool: asyncpg.Pool, schedules: Sequence[ScheduleSpec], *, now: datetime
) -> None:
    """Store the schedules; a new or changed one is next due after now, others keep their time.

    Keeping the stored due time is what makes a run missed while no worker ran happen once
    when a worker starts again.
    """
    for spec in schedules:
        validate_schedule(spec.cron, spec.time_zone)
        upcoming = next_run(spec.cron, spec.time_zone, now)
        async with pool.acquire() as conn, conn.transaction():
            current = await store.get_schedule(conn, spec.name)
            if current is None:
                await store.insert_schedule(
                    conn,
                    name=spec.name,
                    cron=spec.cron,
                    time_zone=spec.time_zone,
                    next_run_at=upcoming,
                )
            elif (current.cron, current.time_zone) != (spec.cron, spec.time_zone):
                await store.change_schedule(
                    conn,
                    name=spec.name,
                    cron=spec.cron,
                    time_zone=spec.time_zone,
                    next_run_at=upcoming,
                )


async def enqueue_due(pool: asyncpg.Pool, names: Sequence[str], *, now: datetime) -> dict[str, int]:
    """Queue each schedule that is due at `now`, once; returns the job ids by schedule name.

    However many due times passed, one job runs, and the next due time is the first after
    now. The schedule row is locked (other workers skip it) and the job is queued and the
    schedule moved on in one transaction: a crash does both or neither.
    """
    queued: dict[str, int] = {}
    for name in names:
        async with pool.acquire() as conn, conn.transaction():
            current = await store.lock_schedule(conn, name)
            if current is None or current.next_run_at > now:
                continue
            due = current.next_run_at
            job_id = await store.enqueue(
                conn,
                entrypoint=name,
                payload={"scheduled_for": due.isoformat()},
                dedupe_key=f"schedule:{name}:{due.isoformat()}",
            )
            await store.record_enqueued(
                conn,
                name=name,
                due_at=due,
                enqueued_at=now,
                job_id=job_id,
                next_run_at=next_run(current.cron, current.time_zone, now),
            )
        queued[name] = job_id
        log.info("scheduled job queued", job=name, due_at=due.isoformat(), job_id=job_id)
    return queued


async def next_due(pool: asyncpg.Pool, names: Sequence[str]) -> datetime | None:
    """The earliest next run among the named schedules."""
    async with pool.acquire() as conn:
        times = [s.next_run_at for s in await store.list_schedules(conn) if s.name in names]
    return min(times, default=None)


async def record_job_finished(pool: asyncpg.Pool, job_id: int, *, ok: bool) -> None:
    """Note on its schedule how a scheduled job ended."""
    async with pool.acquire() as conn:
        await store.record_finished(conn, job_id=job_id, status="successful" if ok else "failed")


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    """What /health reports about the worker."""

    schedules: list[store.ScheduleRecord]
    jobs: dict[str, int]


async def worker_status(pool: asyncpg.Pool) -> WorkerStatus:
    """Every schedule's last and next run, and how many jobs are queued, running, failed."""
    async with pool.acquire() as conn:
        return WorkerStatus(
            schedules=await store.list_schedules(conn), jobs=await store.queue_counts(conn)
        )
