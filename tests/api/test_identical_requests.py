"""The same suggestion request gives the same answer, on whichever pooled connection it runs."""

from __future__ import annotations

from matcher.records import Role
from matcher.usecases.demo import load_demo
from tests.conftest import Api


async def test_identical_requests_return_identical_suggestions(api: Api) -> None:
    async with api.pool.acquire() as conn, conn.transaction():
        await load_demo(conn)
    await api.drain()
    staff = await api.key(Role.programme_manager)
    async with api.pool.acquire() as conn:
        challenge_ids = [
            r["id"] for r in await conn.fetch("SELECT id FROM challenge ORDER BY id LIMIT 6")
        ]
    for cid in challenge_ids:
        answers = []
        for _ in range(3):
            r = await api.client.get(f"/challenges/{cid}/suggestions?top=10", headers=staff)
            assert r.status_code == 200, r.text
            answers.append(r.json())
        assert answers[0]["items"], cid
        assert answers[0] == answers[1] == answers[2]
