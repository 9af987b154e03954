"""Proposals are never lost: a worker killed with SIGKILL at any moment leaves work that the
next worker finishes, and a row deleted mid-proposal is retried, not swallowed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg

from matcher.usecases.embedding import ChallengeHook, embed_pending, propose_due
from matcher.usecases.proposals import make_proposal_hook
from tests.matches.conftest import Net

ROOT = Path(__file__).resolve().parents[2]
CHALLENGES = 50


def _start_worker(db_url: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MATCHER_DATABASE_URL": db_url,
        "MATCHER_DATA_DIR": str(data_dir),
        "MATCHER_EMBEDDING_MODEL": "hashing-256",
        "MATCHER_EMBED_BATCH_SIZE": "3",
        # Durability, not policy: every challenge gets its top suggestions whatever the hours.
        "MATCHER_PROPOSALS_WITHIN_HOURS": "false",
        # A killed worker's claimed texts come back after this (300 s by default).
        "MATCHER_EMBED_LEASE_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
    }
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "matcher.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=sink,
        )


def _read(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


async def _wait_until_running(log: Path, runs: int) -> None:
    for _ in range(600):
        if _read(log).count("worker running") >= runs:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker did not start:\n{_read(log)}")


async def _unfinished(pool: asyncpg.Pool) -> int:
    """Challenges without a vector or still due for proposals."""
    value = await pool.fetchval(
        "SELECT count(*) FROM challenge WHERE embedding IS NULL OR proposals_due_at IS NOT NULL"
    )
    return int(value)


async def test_killed_worker_loses_no_proposals(net: Net, db_url: str, tmp_path: Path) -> None:
    for i, org in enumerate((net.org_b, net.org_c, net.org_b, net.org_c)):
        await net.person(org, f"Persoon {i}")
    await net.drain()  # the people's vectors; no challenge exists yet
    challenge_ids = [
        await net.challenge(f"BIO-beleid {i}", hours_needed=None) for i in range(CHALLENGES)
    ]
    pool = net.api.pool
    log = tmp_path / "worker.log"

    left_after_kills: list[int] = []
    in_window: list[int] = []
    for run, delay in enumerate((0.1, 0.2, 0.3, 0.4, 0.5), start=1):
        worker = _start_worker(db_url, tmp_path, log)
        try:
            await _wait_until_running(log, run)
            await asyncio.sleep(delay)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        left_after_kills.append(await _unfinished(pool))
        # Vectors stored, proposals not yet: the window in which a crash used to lose them.
        in_window.append(
            int(
                await pool.fetchval(
                    "SELECT count(*) FROM challenge "
                    "WHERE embedding IS NOT NULL AND proposals_due_at IS NOT NULL"
                )
            )
        )
    print("unfinished after each kill:", left_after_kills, "vector but no proposals:", in_window)
    # The kills really came mid-work (else this test proves nothing).
    assert left_after_kills[0] > 0, left_after_kills

    worker = _start_worker(db_url, tmp_path, log)
    try:
        for _ in range(1200):
            if await _unfinished(pool) == 0:
                break
            await asyncio.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait()
    assert await _unfinished(pool) == 0, _read(log)

    rows = await pool.fetch(
        "SELECT challenge_id, count(*) AS n FROM match WHERE state = 'proposed' "
        "GROUP BY challenge_id"
    )
    proposed = {int(r["challenge_id"]): int(r["n"]) for r in rows}
    missing = [cid for cid in challenge_ids if proposed.get(cid, 0) == 0]
    assert missing == [], f"challenges without proposals: {missing} (left {left_after_kills})"


async def test_a_foreign_key_error_mid_proposal_is_retried_not_swallowed(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    await net.drain()
    cid = await net.challenge()
    pool = net.api.pool
    inner = make_proposal_hook("hashing-256")
    calls = 0

    async def hook(conn: asyncpg.Connection, ids: list[int]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            # As if a person was erased between the candidate query and the insert.
            await conn.execute(
                "INSERT INTO match (challenge_id, person_id, state, rank, score, score_parts, "
                "features, explanation, model) "
                "VALUES ($1, -1, 'proposed', 1, 0.5, '{}', '{}', '{}', 'hashing-256')",
                ids[0],
            )
        await inner(conn, ids)

    failing: ChallengeHook = hook
    await embed_pending(pool, net.api.app.state.embedder, on_challenges=failing)  # type: ignore[attr-defined]
    assert calls == 2  # the failed attempt rolled back and was retried at once
    matches = await net.matches_of(cid)
    assert [m["person_id"] for m in matches] == [anna]
    due = await pool.fetchval("SELECT proposals_due_at FROM challenge WHERE id = $1", cid)
    assert due is None


async def test_a_hook_that_keeps_failing_leaves_the_challenge_due(net: Net) -> None:
    await net.person(net.org_b, "Anna de Vries")
    await net.drain()
    cid = await net.challenge()

    async def broken(conn: asyncpg.Connection, ids: list[int]) -> None:
        raise RuntimeError("scoring crashed")

    await embed_pending(net.api.pool, net.api.app.state.embedder, on_challenges=broken)  # type: ignore[attr-defined]
    row = await net.api.pool.fetchrow(
        "SELECT proposals_due_at, proposal_attempts, proposal_error FROM challenge WHERE id = $1",
        cid,
    )
    assert row["proposals_due_at"] is not None
    assert row["proposal_attempts"] == 1 and "scoring crashed" in row["proposal_error"]
    assert await net.matches_of(cid) == []
    # Once the backoff has passed, a working hook proposes.
    await net.api.pool.execute("UPDATE challenge SET proposals_due_at = now() WHERE id = $1", cid)
    assert await propose_due(net.api.pool, make_proposal_hook("hashing-256")) == 1
    assert len(await net.matches_of(cid)) == 1
