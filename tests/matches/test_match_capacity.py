"""Capacity: approval holds hours, endings release or book them, racing approvals never overbook."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import httpx
import pytest

from matcher.matching.capacity import Window, available_hours
from tests.matches.conftest import NEEDED_BY, PATHS, STARTS_ON, Net

# 22.5 hours a month over the 61-day window of the test challenges: 45.1 hours.
CAPACITY_PER_MONTH = 22.5
WINDOW_HOURS = available_hours(
    hours_per_month=CAPACITY_PER_MONTH,
    available_from=None,
    available_until=None,
    window=Window(STARTS_ON, NEEDED_BY),
)


def test_the_scenario_has_room_for_four_ten_hour_jobs() -> None:
    assert 40 < WINDOW_HOURS < 50


async def test_approve_holds_the_challenges_hours_in_its_window(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    first = await net.challenge("BIO-beleid A")
    second = await net.challenge("BIO-beleid B")
    await net.drain()
    mid = await net.match_id(first, person)
    other = await net.match_id(second, person)
    before = await net.get(other)
    assert before["capacity_hours"] == round(WINDOW_HOURS, 1)
    assert before["free_hours"] == round(WINDOW_HOURS, 1)

    r = await net.act(mid, "approve")
    assert r.status_code == 200, r.text
    assert r.json()["reserved_hours"] == 10.0
    assert r.json()["reservation_state"] == "held"
    assert await net.reservation(mid) == {
        "hours": 10.0,
        "state": "held",
        "starts_on": STARTS_ON,
        "ends_on": NEEDED_BY,
    }
    # Every view of this person in an overlapping window now has ten hours less.
    assert (await net.get(other))["free_hours"] == round(WINDOW_HOURS - 10, 1)
    assert (await net.get(mid))["free_hours"] == round(WINDOW_HOURS - 10, 1)


async def test_a_challenge_without_hours_holds_zero(net: Net) -> None:
    person = await net.person(capacity=0)
    cid = await net.challenge(hours_needed=None)
    await net.drain()
    mid = await net.match_id(cid, person)
    r = await net.act(mid, "approve")
    assert r.status_code == 200, r.text
    assert (await net.reservation(mid) or {})["hours"] == 0.0


async def test_approval_beyond_free_hours_is_409_and_holds_nothing(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    cid = await net.challenge(hours_needed=50)
    await net.drain()
    mid = await net.match_id(cid, person)
    r = await net.act(mid, "approve")
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "insufficient_capacity"
    assert "needs 50.0" in r.json()["detail"]
    assert (await net.get(mid))["state"] == "proposed"
    assert await net.reservation(mid) is None


@pytest.mark.parametrize("ending", ["cancelled", "declined", "cancelled_after_accept"])
async def test_endings_release_the_held_hours(net: Net, ending: str) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "approved")
    assert await net.held_hours(person) == 10.0
    for action, actor in PATHS[ending][1:]:  # the approval is done
        r = await net.act(mid, action, actor)
        assert r.status_code == 200, r.text
    assert await net.held_hours(person) == 0.0
    assert (await net.reservation(mid) or {})["state"] == "released"
    assert (await net.get(mid))["free_hours"] == round(WINDOW_HOURS, 1)


async def test_reject_holds_nothing(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "rejected")
    assert await net.reservation(mid) is None
    assert await net.held_hours(person) == 0.0


async def test_released_hours_can_be_approved_again(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    big = await net.challenge("BIO-beleid groot", hours_needed=40)
    small = await net.challenge("BIO-beleid klein", hours_needed=10)
    await net.drain()
    big_mid = await net.match_id(big, person)
    small_mid = await net.match_id(small, person)
    assert (await net.act(big_mid, "approve")).status_code == 200
    assert (await net.act(small_mid, "approve")).status_code == 409
    assert (await net.act(big_mid, "cancel")).status_code == 200
    assert (await net.act(small_mid, "approve")).status_code == 200
    assert await net.held_hours(person) == 10.0


async def test_complete_books_the_hours_actually_spent(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "accepted")
    r = await net.act(mid, "complete", body={"hours_spent": 14.5, "outcome_rating": 3})
    assert r.status_code == 200, r.text
    assert await net.reservation(mid) == {
        "hours": 14.5,
        "state": "booked",
        "starts_on": STARTS_ON,
        "ends_on": NEEDED_BY,
    }
    assert await net.held_hours(person) == 0.0
    # Booked hours still count against the person's capacity.
    assert r.json()["free_hours"] == round(WINDOW_HOURS - 14.5, 1)


# The race


async def _ten_proposals(net: Net) -> tuple[int, list[int]]:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    challenges = [
        await net.challenge(f"BIO-capaciteit {i}", kind="capacity", hours_needed=10)
        for i in range(10)
    ]
    await net.drain()
    matches = [await net.match_id(cid, person) for cid in challenges]
    assert len(set(matches)) == 10
    return person, matches


async def _sample_held(
    pool: asyncpg.Pool, person: int, stop: asyncio.Event, seen: list[float]
) -> None:
    async with pool.acquire() as conn:
        while not stop.is_set():
            seen.append(
                float(
                    await conn.fetchval(
                        "SELECT coalesce(sum(hours), 0) FROM capacity_reservation "
                        "WHERE person_id = $1 AND state = 'held'",
                        person,
                    )
                )
            )
            await asyncio.sleep(0.002)


def _check_outcome(responses: list[httpx.Response]) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 4 + [409] * 6, [r.text for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert r.json()["code"] == "insufficient_capacity", r.text
        else:
            assert r.json()["state"] == "approved"


async def _final_checks(net: Net, pool: asyncpg.Pool, person: int, matches: list[int]) -> None:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT state, hours FROM capacity_reservation WHERE person_id = $1", person
        )
        approved = await conn.fetchval(
            "SELECT count(*) FROM match WHERE id = ANY($1::bigint[]) AND state = 'approved'",
            matches,
        )
    assert [(r["state"], float(r["hours"])) for r in rows] == [("held", 10.0)] * 4
    assert approved == 4
    assert await net.held_hours(person) <= WINDOW_HOURS


async def test_racing_approvals_that_really_overlap_cannot_all_win(
    net: Net, pool: asyncpg.Pool
) -> None:
    """Ten approvals wait together at the person's row lock, then run: exactly four fit."""
    person, matches = await _ten_proposals(net)
    seen: list[float] = []
    stop = asyncio.Event()
    async with pool.acquire() as blocker, pool.acquire() as watcher:
        # Hold the person's row so that every approval is inside its transaction, past its own
        # reads of the match, when they are let go together.
        gate = blocker.transaction()
        await gate.start()
        await blocker.execute("SELECT 1 FROM person WHERE id = $1 FOR UPDATE", person)
        tasks = [
            asyncio.create_task(net.client.post(f"/matches/{mid}/approve", headers=net.pm))
            for mid in matches
        ]
        sampler = asyncio.create_task(_sample_held(pool, person, stop, seen))
        waiting = 0
        try:
            for _ in range(1500):
                waiting = await watcher.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                if waiting == 10 or all(t.done() for t in tasks):
                    break
                await asyncio.sleep(0.01)
        finally:
            await gate.rollback()
        responses = await asyncio.gather(*tasks)
        stop.set()
        await sampler
    assert waiting == 10, "the approvals did not all wait on the person's row lock"
    _check_outcome(list(responses))
    assert seen and max(seen) <= WINDOW_HOURS
    await _final_checks(net, pool, person, matches)


async def test_racing_approvals_fired_at_once_cannot_all_win(net: Net, pool: asyncpg.Pool) -> None:
    """The same race without a gate: ten concurrent requests on the app's pool."""
    person, matches = await _ten_proposals(net)
    seen: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_held(pool, person, stop, seen))
    try:
        responses = await asyncio.gather(
            *(
                asyncio.create_task(net.client.post(f"/matches/{mid}/approve", headers=net.pm))
                for mid in matches
            )
        )
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    _check_outcome(list(responses))
    assert max(seen, default=0.0) <= WINDOW_HOURS
    await _final_checks(net, pool, person, matches)


async def test_the_same_match_approved_twice_at_once_holds_once(net: Net) -> None:
    person = await net.person(capacity=CAPACITY_PER_MONTH)
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    responses = await asyncio.gather(
        *(
            asyncio.create_task(net.client.post(f"/matches/{mid}/approve", headers=net.pm))
            for _ in range(5)
        )
    )
    assert [r.status_code for r in responses] == [200] * 5
    assert await net.held_hours(person) == 10.0
    history = (await net.get(mid))["history"]
    assert [h["to_state"] for h in history] == ["proposed", "approved"]
