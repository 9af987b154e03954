"""Erasing a person while the worker stores their vectors: one lock order, never a deadlock."""

from __future__ import annotations

import asyncio

import asyncpg

from matcher.records import Principal, Role
from matcher.usecases import members
from matcher.usecases.embedding import embed_pending
from tests.conftest import Api

ORG = {"name": "Gemeente", "sector": "overheden", "province": "Drenthe"}
STAFF = Principal(key_id=0, role=Role.admin, organisation_id=None)


def _person(n: int) -> dict[str, object]:
    return {
        "name": f"Persoon {n}",
        "email": f"p{n}@gemeente.example",
        "consent": True,
        "summary": "Netwerkbeheer en cloudmigratie.",
        "documents": [
            {"kind": "project", "title": f"Project {i}", "text": f"Migratie {i} naar Azure."}
            for i in range(40)
        ],
    }


async def test_erasure_and_embedding_do_not_deadlock(api: Api) -> None:
    """Deletes 0–60 ms after a 40-document person is created, racing the embedding worker."""
    admin = await api.key(Role.admin)
    org = await api.client.post(
        "/organisations", headers=admin, json={**ORG, "contact_email": "a@g.example"}
    )
    org_id = org.json()["id"]
    state = api.app.state  # type: ignore[attr-defined]
    deadlocks: list[BaseException] = []
    erased = 0
    for n in range(12):
        created = await api.client.post(
            "/people", headers=admin, json={"organisation_id": org_id, **_person(n)}
        )
        person_id = created.json()["id"]

        async def erase(delay: float, person_id: int = person_id) -> None:
            await asyncio.sleep(delay)
            async with api.pool.acquire() as conn, conn.transaction():
                await members.delete_person(conn, STAFF, person_id)

        results = await asyncio.gather(
            embed_pending(api.pool, state.embedder, batch_size=8),
            embed_pending(api.pool, state.embedder, batch_size=8),
            erase(0.005 * n),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, asyncpg.TransactionRollbackError):
                deadlocks.append(result)
            elif isinstance(result, BaseException):
                raise result
        erased += 1
    assert deadlocks == []
    assert erased == 12
    async with api.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM person") == 0
        assert await conn.fetchval("SELECT count(*) FROM document") == 0
