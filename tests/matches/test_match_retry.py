"""A request whose transaction PostgreSQL kills as a deadlock victim is run again, once more."""

from __future__ import annotations

import asyncio

from tests.matches.conftest import Net


async def test_approval_chosen_as_deadlock_victim_is_retried_and_succeeds(net: Net) -> None:
    person = await net.person()
    challenge = await net.challenge()
    await net.drain()
    match_id = await net.match_id(challenge, person)
    async with net.api.pool.acquire() as other:
        # This transaction waits long before checking for deadlocks, so PostgreSQL picks the
        # approval (default 1 s) as the victim: it locks match, then person — the wrong order.
        await other.execute("SET deadlock_timeout = '20s'")
        tx = other.transaction()
        await tx.start()
        await other.execute("SELECT 1 FROM match WHERE id = $1 FOR UPDATE", match_id)
        approve = asyncio.create_task(net.act(match_id, "approve"))
        await asyncio.sleep(0.5)  # the approval holds the person and waits for the match
        await other.execute("SELECT 1 FROM person WHERE id = $1 FOR UPDATE", person)
        await tx.commit()
        response = await approve
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "approved"
    history = (await net.get(match_id))["history"]
    assert [h["to_state"] for h in history] == ["proposed", "approved"]
    # There really was one, and the client never saw it (statistics arrive within seconds).
    deadlocks = 0
    async with net.api.pool.acquire() as conn:
        for _ in range(50):
            await conn.execute("SELECT pg_stat_clear_snapshot()")
            deadlocks = await conn.fetchval(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
            )
            if deadlocks:
                break
            await asyncio.sleep(0.2)
    assert deadlocks >= 1
