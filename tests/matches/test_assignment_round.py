"""The assignment round on the real database: proposals within hours, stored all at once."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.usecases.assignment import (
    propose_within_hours_left,
    run_assignment_job,
    run_assignment_round,
)
from tests.matches.conftest import Net

MODEL = "hashing-256"
CAPACITY_PER_MONTH = 22.5  # 45.1 hours in the test challenges' window: one 30-hour job


async def _proposed(net: Net, challenge_id: int) -> dict[int, int]:
    return {
        m["person_id"]: m["id"]
        for m in await net.matches_of(challenge_id)
        if m["state"] == "proposed"
    }


async def test_the_round_proposes_people_only_where_their_hours_reach(net: Net) -> None:
    people = [
        await net.person(net.org_b, "Anna de Vries", capacity=CAPACITY_PER_MONTH),
        await net.person(net.org_c, "Bram Bakker", capacity=CAPACITY_PER_MONTH),
        await net.person(net.org_b, "Carla Smit", capacity=CAPACITY_PER_MONTH),
    ]
    first = await net.challenge("BIO-beleid A", kind="capacity", hours_needed=30)
    second = await net.challenge("BIO-beleid B", kind="capacity", hours_needed=30)
    await net.drain()
    before = {cid: await _proposed(net, cid) for cid in (first, second)}

    dry = await run_assignment_round(net.api.pool, model_id=MODEL, dry_run=True)
    assert dry.stored == 0 and dry.challenges == 2
    assert {cid: await _proposed(net, cid) for cid in (first, second)} == before
    # Per-challenge proposals put someone on both challenges: more than their hours allow.
    assert dry.greedy.people_over_hours >= 1
    assert dry.assignment.people_over_hours == 0

    report = await run_assignment_round(net.api.pool, model_id=MODEL)
    after = {cid: await _proposed(net, cid) for cid in (first, second)}
    assert report.stored == sum(len(v) for v in after.values()) == 3
    assert not set(after[first]) & set(after[second])
    assert set(after[first]) | set(after[second]) == set(people)
    # Every proposal can be approved: the hours are there for all of them at once.
    for proposals in after.values():
        for match_id in proposals.values():
            r = await net.act(match_id, "approve")
            assert r.status_code == 200, r.text


async def test_a_second_run_keeps_the_same_proposals(net: Net) -> None:
    await net.person(net.org_b, "Anna de Vries")
    await net.person(net.org_c, "Bram Bakker")
    cid = await net.challenge()
    await net.drain()
    await run_assignment_round(net.api.pool, model_id=MODEL)
    once = await _proposed(net, cid)
    again = await run_assignment_round(net.api.pool, model_id=MODEL)
    assert again.stored == len(once)
    assert await _proposed(net, cid) == once


async def test_a_new_challenge_gets_proposals_within_the_hours_left(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries", capacity=CAPACITY_PER_MONTH)
    first = await net.challenge("BIO-beleid A", kind="capacity", hours_needed=30)
    await net.drain()
    await run_assignment_round(net.api.pool, model_id=MODEL)
    assert set(await _proposed(net, first)) == {anna}
    dirk = await net.person(net.org_c, "Dirk Jansen", capacity=CAPACITY_PER_MONTH)
    second = await net.challenge("BIO-beleid B", kind="capacity", hours_needed=30)
    await net.drain()
    async with net.api.pool.acquire() as conn, conn.transaction():
        await propose_within_hours_left(conn, [second], model_id=MODEL, today=date.today())
    # Anna's hours in this window are spoken for by her proposal on the first challenge.
    assert set(await _proposed(net, second)) == {dirk}


async def test_the_weekly_job_runs_the_round(net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    from matcher.settings import Settings, get_settings
    from matcher.usecases.jobs import JobRun
    from matcher.worker.jobs import JOBS, schedules_for

    (schedule,) = [s for s in schedules_for(JOBS, Settings()) if s.name == "assignment_round"]
    assert schedule.cron == "0 23 * * 0"  # Sunday night
    await net.person(net.org_b, "Anna de Vries")
    await net.person(net.org_c, "Bram Bakker")
    cid = await net.challenge()
    await net.drain()
    assert len(await _proposed(net, cid)) == 2
    monkeypatch.setenv("MATCHER_EMBEDDING_MODEL", MODEL)
    get_settings.cache_clear()
    try:
        run = JobRun(job_id=1, name="assignment_round", payload={"per_challenge": 1})
        await run_assignment_job(net.api.pool, run)
    finally:
        get_settings.cache_clear()
    assert len(await _proposed(net, cid)) == 1


async def test_the_service_default_hook_proposes_within_the_hours_left(net: Net) -> None:
    """What the worker runs by default (wiring): a new challenge never over-proposes a person."""
    from matcher import wiring
    from matcher.settings import Settings

    state = net.api.app.state  # type: ignore[attr-defined]
    assert Settings().proposals_within_hours
    state.on_challenges = wiring.proposal_hook(state.embedder, Settings())
    anna = await net.person(net.org_b, "Anna de Vries", capacity=CAPACITY_PER_MONTH)
    first = await net.challenge("BIO-beleid A", kind="capacity", hours_needed=30)
    await net.drain()
    assert set(await _proposed(net, first)) == {anna}
    dirk = await net.person(net.org_c, "Dirk Jansen", capacity=CAPACITY_PER_MONTH)
    second = await net.challenge("BIO-beleid B", kind="capacity", hours_needed=30)
    await net.drain()
    # Anna's hours in this window are spoken for by her proposal on the first challenge.
    assert set(await _proposed(net, second)) == {dirk}
