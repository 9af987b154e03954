"""The job runner on the real database: schedules in Amsterdam time, a missed run happens once,
racing workers queue one job, jobs run through PgQueuer with retries, /health reports it all."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
import structlog

from matcher.scheduling import next_run
from matcher.settings import Settings
from matcher.usecases.jobs import JobRun, ScheduleSpec, enqueue_due, enqueue_job, sync_schedules
from matcher.worker.jobs import JOBS, JobRunner, JobSpec, schedules_for
from tests.conftest import Api

AMS = "Europe/Amsterdam"
DIGEST = ScheduleSpec("member_digest", "0 7 * * 1", AMS)
# Monday 7 December 2026, 06:00 in Amsterdam (winter time, UTC+1).
MONDAY_EARLY = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def test_schedules_follow_amsterdam_wall_clock_across_daylight_saving() -> None:
    summer = next_run("0 7 * * 1", AMS, datetime(2026, 7, 6, 4, 0, tzinfo=UTC))
    winter = next_run("0 7 * * 1", AMS, datetime(2026, 12, 7, 5, 0, tzinfo=UTC))
    assert summer == datetime(2026, 7, 6, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert winter == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 07:00 CET
    # Strictly after: at 07:00 itself the next one is a week later.
    assert next_run("0 7 * * 1", AMS, winter) == winter + timedelta(days=7)
    sunday = next_run("0 23 * * 0", AMS, MONDAY_EARLY)
    assert sunday == datetime(2026, 12, 13, 22, 0, tzinfo=UTC)


def test_only_jobs_with_a_function_get_a_schedule() -> None:
    async def nothing(pool: asyncpg.Pool, run: JobRun) -> None:
        return None

    jobs = (
        JobSpec("reranker_training", nothing, "schedule_reranker_training"),
        JobSpec("queued_only", nothing, None),
    )
    settings = Settings(schedule_reranker_training="0 4 * * *", schedule_member_digest="0 7 * * 1")
    assert [s.name for s in schedules_for(jobs, settings)] == ["reranker_training"]
    assert schedules_for(jobs, Settings(schedule_reranker_training="")) == []
    # Every registered job with a schedule setting is scheduled by default.
    registered = {j.name for j in JOBS if j.schedule_setting is not None}
    assert {s.name for s in schedules_for(JOBS, Settings())} == registered


async def _jobs(pool: asyncpg.Pool, entrypoint: str) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT id, status, payload FROM pgqueuer WHERE entrypoint = $1 ORDER BY id",
            entrypoint,
        )
    )


async def test_a_missed_schedule_runs_once_when_the_worker_returns(pool: asyncpg.Pool) -> None:
    await sync_schedules(pool, [DIGEST], now=MONDAY_EARLY)
    assert await enqueue_due(pool, [DIGEST.name], now=MONDAY_EARLY) == {}

    # The worker was down at 07:00 and comes back at 10:30: it syncs, then finds the run due.
    back = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    await sync_schedules(pool, [DIGEST], now=back)
    queued = await enqueue_due(pool, [DIGEST.name], now=back)
    assert list(queued) == [DIGEST.name]
    assert await enqueue_due(pool, [DIGEST.name], now=back + timedelta(minutes=1)) == {}
    jobs = await _jobs(pool, DIGEST.name)
    assert len(jobs) == 1
    run = JobRun.from_payload(jobs[0]["id"], DIGEST.name, jobs[0]["payload"])
    assert run.scheduled_for == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)

    # Down for three weeks: one run, not three; the next is the coming Monday 07:00.
    later = datetime(2026, 12, 30, 12, 0, tzinfo=UTC)
    assert list(await enqueue_due(pool, [DIGEST.name], now=later)) == [DIGEST.name]
    assert len(await _jobs(pool, DIGEST.name)) == 2
    next_at = await pool.fetchval(
        "SELECT next_run_at FROM job_schedule WHERE name = $1", DIGEST.name
    )
    assert next_at == datetime(2027, 1, 4, 6, 0, tzinfo=UTC)


async def test_a_changed_expression_moves_the_next_run(pool: asyncpg.Pool) -> None:
    await sync_schedules(pool, [DIGEST], now=MONDAY_EARLY)
    moved = ScheduleSpec(DIGEST.name, "0 8 * * 1", AMS)
    await sync_schedules(pool, [moved], now=MONDAY_EARLY)
    next_at = await pool.fetchval(
        "SELECT next_run_at FROM job_schedule WHERE name = $1", DIGEST.name
    )
    assert next_at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


async def test_racing_workers_queue_a_due_run_once(pool: asyncpg.Pool) -> None:
    await sync_schedules(pool, [DIGEST], now=MONDAY_EARLY)
    due = datetime(2026, 12, 7, 6, 0, 1, tzinfo=UTC)
    results = await asyncio.gather(*(enqueue_due(pool, [DIGEST.name], now=due) for _ in range(8)))
    assert sum(len(r) for r in results) == 1
    assert len(await _jobs(pool, DIGEST.name)) == 1


async def test_a_job_queued_in_a_rolled_back_transaction_never_runs(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await enqueue_job(conn, "member_digest", {"week": "2026-W50"})
                raise RuntimeError("the cause failed")
        async with conn.transaction():
            await enqueue_job(conn, "member_digest", {"week": "2026-W50"})
    jobs = await _jobs(pool, "member_digest")
    assert len(jobs) == 1


async def _wait_for(pool: asyncpg.Pool, sql: str, *args: object) -> None:
    for _ in range(300):
        if await pool.fetchval(sql, *args):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never true: {sql}")


async def test_the_runner_runs_scheduled_training_and_retries_failures(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    calls: list[int] = []

    async def broken(pool: asyncpg.Pool, run: JobRun) -> None:
        calls.append(run.job_id)
        raise RuntimeError("digest template missing")

    # The clock says training was due (03:15) and the runner starts at 09:00.
    clock = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    await sync_schedules(pool, schedules_for(JOBS, settings), now=clock - timedelta(days=1))
    runner = JobRunner(
        pool,
        settings,
        jobs=[*JOBS, JobSpec("broken", broken)],
        clock=lambda: clock,
        poll_seconds=0.2,
        max_attempts=1,
    )
    async with pool.acquire() as conn:
        await enqueue_job(conn, "broken")
    await runner.start()
    try:
        await _wait_for(
            pool,
            "SELECT last_status = 'successful' FROM job_schedule WHERE name = 'reranker_training'",
        )
        await _wait_for(pool, "SELECT count(*) = 1 FROM pgqueuer WHERE status = 'failed'")
    finally:
        await runner.stop()
    # Too few decisions: training refused honestly and stored no model; the job succeeded.
    assert await pool.fetchval("SELECT count(*) FROM reranker_model") == 0
    assert len(calls) == 2  # the first attempt and one retry, then held as failed
    assert len(set(calls)) == 1


async def test_health_reports_schedules_and_jobs(api: Api) -> None:
    settings = api.app.state.settings  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    await sync_schedules(api.pool, schedules_for(JOBS, settings), now=now)
    async with api.pool.acquire() as conn:
        await enqueue_job(conn, "member_digest")
    r = await api.client.get("/health")
    worker = r.json()["worker"]
    assert worker["jobs"] == {"queued": 1, "running": 0, "failed": 0}
    (training,) = [s for s in worker["schedules"] if s["name"] == "reranker_training"]
    assert training["name"] == "reranker_training"
    assert training["last_run_at"] is None and training["last_state"] is None
    assert training["time_zone"] == AMS
    assert datetime.fromisoformat(training["next_run_at"]) > now
    assert r.json()["proposals"] == {"due": 0, "failed": 0}


def test_pgqueuer_finds_its_schema_as_migration_0003_wrote_it(db_url: str) -> None:
    """PgQueuer's own planner wants no table, column, index or type changed."""
    result = subprocess.run(
        [sys.executable, "-m", "pgqueuer", "--pg-dsn", db_url, "upgrade", "--plan"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        check=True,
        timeout=120,
    )
    statements = [
        line
        for line in result.stdout.splitlines()
        if line.strip().upper().startswith(("CREATE", "ALTER", "DROP"))
    ]
    # Only the notify function is worded differently (same behaviour, written here).
    assert statements == [
        "CREATE OR REPLACE FUNCTION fn_pgqueuer_changed() RETURNS TRIGGER AS $$"
    ], result.stdout


async def test_migration_0003_may_run_again_and_reverts(conn: asyncpg.Connection) -> None:
    from matcher import migrations

    (jobs,) = [m for m in migrations.available_migrations() if m.version == 3]
    await conn.execute(jobs.up)  # every statement is idempotent
    reverted = await migrations.downgrade(conn, target=2)
    assert 3 in reverted
    for table in ("pgqueuer", "pgqueuer_log", "job_schedule"):
        assert await conn.fetchval("SELECT to_regclass($1)", table) is None
    assert await migrations.upgrade(conn) == sorted(reverted)


def test_settings_refuse_a_bad_schedule_or_time_zone() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not a cron expression"):
        Settings(schedule_reranker_training="elke nacht")
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(job_time_zone="Europe/Leeuwarden")
    assert Settings(schedule_member_digest=" ").schedule_member_digest == ""


async def test_a_running_job_names_itself_in_the_log_context(
    pool: asyncpg.Pool, settings: Settings
) -> None:
    seen: list[dict[str, object]] = []

    async def probe(pool: asyncpg.Pool, run: JobRun) -> None:
        seen.append({**structlog.contextvars.get_contextvars(), "run_job_id": run.job_id})

    runner = JobRunner(pool, settings, jobs=[JobSpec("probe", probe)], poll_seconds=0.2)
    async with pool.acquire() as conn:
        await enqueue_job(conn, "probe")
    await runner.start()
    try:
        await _wait_for(pool, "SELECT count(*) = 0 FROM pgqueuer WHERE entrypoint = 'probe'")
    finally:
        await runner.stop()
    assert len(seen) == 1
    context = seen[0]
    assert context["job"] == "probe"
    assert context["job_id"] == context["run_job_id"]
    assert "request_id" not in context
