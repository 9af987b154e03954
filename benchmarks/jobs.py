"""The job runner's throughput: queue N no-op jobs, time until the worker has run them all.

    python benchmarks/jobs.py [--jobs 1000]

Runs on a scratch database on the configured server (the embedded one by default), through
the production path: `enqueue_job` in one transaction, then `JobRunner` (PgQueuer with the
retrying executor and the completion bookkeeping). Baseline: a bare PgQueuer drain of 1,000
jobs took ~0.15–0.26 s on our 2-core machines (DESIGN.md).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg

from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.settings import Settings, get_settings
from matcher.usecases.jobs import JobRun, enqueue_job
from matcher.worker.jobs import JobRunner, JobSpec

BASELINE_SECONDS = (0.15, 0.26)


async def main(jobs: int) -> None:
    """Queue, drain, print the figures."""
    url = db.database_url(get_settings())
    done = 0
    finished = asyncio.Event()

    async def noop(pool: asyncpg.Pool, run: JobRun) -> None:
        nonlocal done
        done += 1
        if done == jobs:
            finished.set()

    async with ScratchDatabase(url) as scratch:
        pool = await db.create_pool(scratch, max_size=6)
        try:
            async with pool.acquire() as conn, conn.transaction():
                for i in range(jobs):
                    await enqueue_job(conn, "bench_noop", {"i": i})
            runner = JobRunner(
                pool,
                Settings(schedule_reranker_training=""),
                jobs=[JobSpec("bench_noop", noop)],
            )
            started = time.perf_counter()
            await runner.start()
            await finished.wait()
            seconds = time.perf_counter() - started
            await runner.stop()
        finally:
            await pool.close()
    low, high = BASELINE_SECONDS
    print(f"{jobs} no-op jobs through JobRunner: {seconds:.2f} s ({jobs / seconds:.0f} jobs/s)")
    print(f"  baseline, bare PgQueuer drain of 1,000 jobs: {low:.2f}–{high:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.jobs))
