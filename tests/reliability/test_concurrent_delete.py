"""Writes racing a delete: a clear problem, never a 500; deadlocks retried in one place."""

from __future__ import annotations

import asyncio

import asyncpg

from matcher.records import Role
from matcher.retry import retrying
from tests.conftest import Api

ORG = {"name": "Zorggroep", "sector": "zorg", "province": "Groningen", "contact_email": "z@z.nl"}


async def test_person_created_while_its_organisation_is_deleted(api: Api) -> None:
    """The create waits for the delete and then answers 404, not a foreign-key 500."""
    admin = await api.key(Role.admin)
    org_id = (await api.client.post("/organisations", headers=admin, json=ORG)).json()["id"]
    async with api.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("DELETE FROM organisation WHERE id = $1", org_id)
        create = asyncio.create_task(
            api.client.post(
                "/people",
                headers=admin,
                json={"organisation_id": org_id, "name": "Ria", "email": "ria@z.nl"},
            )
        )
        await asyncio.sleep(0.3)
        assert not create.done()  # it waits for the delete instead of racing past it
        await tx.commit()
        response = await create
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_a_real_deadlock_is_retried_and_then_succeeds(pool: asyncpg.Pool) -> None:
    """Two transactions locking two rows in opposite order: PostgreSQL kills one, it reruns."""
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)")
        await conn.execute("INSERT INTO pair (id) VALUES (1), (2)")
    both_hold_one = asyncio.Barrier(2)
    attempts = {1: 0, 2: 0}

    def work(first: int, second: int):  # type: ignore[no-untyped-def]
        async def run() -> None:
            attempts[first] += 1
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("UPDATE pair SET n = n + 1 WHERE id = $1", first)
                if attempts[first] == 1:
                    await both_hold_one.wait()
                await conn.execute("UPDATE pair SET n = n + 1 WHERE id = $1", second)

        return run

    await asyncio.gather(retrying(work(1, 2)), retrying(work(2, 1)))
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT n FROM pair ORDER BY id")
    assert [r["n"] for r in rows] == [2, 2]  # both committed exactly once in the end
    assert sorted(attempts.values()) == [1, 2]  # one of them was rolled back and rerun
