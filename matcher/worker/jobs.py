"""The job runner: PgQueuer runs queued jobs (retried with backoff), a loop queues due schedules.

Registering a job is one line in JOBS: its name, its function and the setting holding its
schedule (None for jobs that are only ever enqueued). Job functions live in the use-cases and
take the pool and a JobRun.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog
from pgqueuer import PgQueuer
from pgqueuer.executors import DatabaseRetryEntrypointExecutor, EntrypointExecutorParameters
from pgqueuer.models import Job

from matcher.logging import get_logger
from matcher.settings import Settings
from matcher.usecases.assignment import run_assignment_job
from matcher.usecases.jobs import (
    JobRun,
    ScheduleSpec,
    enqueue_due,
    next_due,
    record_job_finished,
    sync_schedules,
)
from matcher.usecases.mail_jobs import (
    run_introduction_reminders_job,
    run_manager_digest_job,
    run_member_digest_job,
)
from matcher.usecases.suggestions import run_lexeme_fold_job
from matcher.usecases.training import run_training_job

log = get_logger(__name__)

JobFunction = Callable[[asyncpg.Pool, JobRun], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job the worker runs: its queue name, its function, its schedule setting (if any)."""

    name: str
    run: JobFunction
    schedule_setting: str | None = None


JOBS: tuple[JobSpec, ...] = (
    JobSpec("reranker_training", run_training_job, "schedule_reranker_training"),
    JobSpec("lexeme_fold", run_lexeme_fold_job, "schedule_lexeme_fold"),
    JobSpec("assignment_round", run_assignment_job, "schedule_assignment_round"),
    JobSpec("member_digest", run_member_digest_job, "schedule_member_digest"),
    JobSpec("manager_digest", run_manager_digest_job, "schedule_manager_digest"),
    JobSpec(
        "introduction_reminders", run_introduction_reminders_job, "schedule_introduction_reminders"
    ),
)

MAX_ATTEMPTS = 5


def schedules_for(jobs: Sequence[JobSpec], settings: Settings) -> list[ScheduleSpec]:
    """The schedules of the registered jobs that have one switched on in the settings."""
    found: list[ScheduleSpec] = []
    for job in jobs:
        if job.schedule_setting is None:
            continue
        cron = str(getattr(settings, job.schedule_setting)).strip()
        if cron:
            found.append(ScheduleSpec(job.name, cron, settings.job_time_zone))
    return found


class JobRunner:
    """Runs queued jobs with PgQueuer and queues scheduled ones when due; many may run at once."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        settings: Settings,
        *,
        jobs: Sequence[JobSpec] = JOBS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        poll_seconds: float = 30.0,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._pool = pool
        self._jobs = tuple(jobs)
        self._schedules = schedules_for(self._jobs, settings)
        self._clock = clock
        self._poll = poll_seconds
        self._max_attempts = max_attempts
        self._pgq = PgQueuer.from_asyncpg_pool(pool)
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        for job in self._jobs:
            self._register(job)

    def _register(self, job: JobSpec) -> None:
        pool = self._pool
        max_attempts = self._max_attempts

        async def handle(raw: Job) -> None:
            run = JobRun.from_payload(int(raw.id), job.name, raw.payload)
            # Only a scheduled run is noted on its schedule (for /health).
            scheduled = run.scheduled_for is not None
            # Every log line of this run names it (cleared again when the run ends).
            with structlog.contextvars.bound_contextvars(
                job=job.name, job_id=run.job_id, attempt=raw.attempts
            ):
                try:
                    await job.run(pool, run)
                except Exception:
                    if scheduled and raw.attempts >= max_attempts:  # the executor gives up now
                        await record_job_finished(pool, run.job_id, ok=False)
                    raise
                if scheduled:
                    await record_job_finished(pool, run.job_id, ok=True)

        def executor(params: EntrypointExecutorParameters) -> DatabaseRetryEntrypointExecutor:
            return DatabaseRetryEntrypointExecutor(parameters=params, max_attempts=max_attempts)

        self._pgq.entrypoint(job.name, on_failure="hold", executor_factory=executor)(handle)

    async def start(self) -> None:
        """Store the schedules, then run the queue and the schedule loop in the background."""
        await sync_schedules(self._pool, self._schedules, now=self._clock())
        self._tasks = [
            asyncio.create_task(self._queue(), name="job-queue"),
            asyncio.create_task(self._schedule_loop(), name="job-schedules"),
        ]

    async def stop(self) -> None:
        """Stop taking jobs; a job cut off is picked up again by a worker after its heartbeat."""
        self._stop.set()
        self._pgq.shutdown.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def tick(self) -> dict[str, int]:
        """Queue every schedule due now; returns the queued job ids by name."""
        return await enqueue_due(self._pool, [s.name for s in self._schedules], now=self._clock())

    async def _queue(self) -> None:
        while not self._stop.is_set():
            try:
                await self._pgq.qm.run(dequeue_timeout=timedelta(seconds=5), batch_size=50)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away; try again later
                log.warning("job queue stopped", error=repr(exc))
                await asyncio.sleep(5)

    async def _schedule_loop(self) -> None:
        names = [s.name for s in self._schedules]
        if not names:
            return
        while not self._stop.is_set():
            wait = self._poll
            try:
                await self.tick()
                upcoming = await next_due(self._pool, names)
                if upcoming is not None:
                    wait = min(wait, max(0.5, (upcoming - self._clock()).total_seconds()))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("scheduling jobs failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=wait)
