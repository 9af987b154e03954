"""The worker sends the Monday digests on their schedule, through its own delivery loop, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from matcher.settings import Settings
from matcher.usecases.digest_common import current_week
from matcher.usecases.jobs import sync_schedules
from matcher.worker import Worker
from matcher.worker.jobs import JOBS, JobRunner, schedules_for
from tests.mail.conftest import Net, SmtpServer


async def _until(check: object, seconds: float = 30.0) -> None:
    for _ in range(int(seconds * 10)):
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("never happened")


async def test_scheduled_member_digest_is_sent_once_by_the_worker(
    net: Net, smtp: SmtpServer, tmp_path: object
) -> None:
    await net.person(name="Anna de Vries")
    await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    pool: asyncpg.Pool = net.api.pool
    settings = Settings(
        data_dir=tmp_path,  # type: ignore[arg-type]
        smtp_url=smtp.url,  # type: ignore[arg-type]
        embed_in_process=False,
        schedule_member_digest="0 7 * * 1",
    )
    # The worker was down at Monday 07:00 and starts at 09:00: the digest runs once now.
    monday_nine = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    await sync_schedules(pool, schedules_for(JOBS, settings), now=monday_nine - timedelta(days=1))
    worker = Worker(pool, net.api.app.state.embedder, settings, on_challenges=None)  # type: ignore[attr-defined]
    worker.jobs = JobRunner(pool, settings, clock=lambda: monday_nine, poll_seconds=0.2)
    await worker.start()
    try:

        async def delivered() -> bool:
            return bool(
                await pool.fetchval(
                    "SELECT count(*) > 0 AND bool_and(state = 'sent') FROM outbox_message "
                    "WHERE kind = 'member_digest'"
                )
            )

        await _until(delivered)
        await asyncio.sleep(1.0)  # a second poll of the schedule must not queue it again
    finally:
        await worker.stop()
    week = current_week(monday_nine)
    digests = [m for m in smtp.recorder.messages if week.label in str(m["Subject"])]
    recipients = [str(m["To"]) for m in digests]
    # The member digest and the manager digest (same Monday), each recipient once.
    queued = await pool.fetchval(
        "SELECT count(*) FROM outbox_message WHERE kind IN ('member_digest', 'manager_digest')"
    )
    assert len(digests) == queued >= 2
    assert len(recipients) == len(set(recipients))
