"""The scheduled mail jobs: weekly digests and daily introduction reminders, as the worker runs them.

Each is idempotent per (kind, ISO week or day, recipient) through the outbox's dedupe keys, so
a retried or repeated run sends nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from matcher.logging import get_logger
from matcher.usecases.digest_common import LOCAL, current_week
from matcher.usecases.introduction_mail import send_introduction_reminders
from matcher.usecases.jobs import JobRun
from matcher.usecases.manager_digest import run_manager_digest
from matcher.usecases.member_digest import run_member_digest

log = get_logger(__name__)


def _due(run: JobRun) -> datetime:
    """The time the run stands for: its schedule's due time, or now for a queued run."""
    return run.scheduled_for or datetime.now(UTC)


async def run_member_digest_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """Monday morning: every member's digest for the week the schedule fell in."""
    result = await run_member_digest(pool, current_week(_due(run)))
    log.info("member digest", job_id=run.job_id, week=result.week, queued=result.queued)


async def run_manager_digest_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """Monday morning: the programme manager's network digest."""
    result = await run_manager_digest(pool, current_week(_due(run)))
    log.info("manager digest", job_id=run.job_id, week=result.week, queued=result.queued)


async def run_introduction_reminders_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """Daily: one reminder for introductions unanswered after five working days."""
    queued = await send_introduction_reminders(pool, _due(run).astimezone(LOCAL).date())
    log.info("introduction reminders", job_id=run.job_id, queued=queued)
