"""A 2xx means committed: a write is visible to another connection as soon as its answer arrives."""

from __future__ import annotations

import httpx

from matcher import db
from matcher.records import Role
from matcher.usecases.keys import create_key
from tests.conftest import LiveServer
from tests.factories import organisation_body


async def test_created_person_is_readable_the_moment_the_answer_arrives(
    live_server: LiveServer, db_url: str
) -> None:
    observer = await db.connect(db_url)
    try:
        staff = await create_key(observer, role=Role.programme_manager, organisation_id=None)
        headers = {"Authorization": f"Bearer {staff}"}
        async with httpx.AsyncClient(base_url=live_server.url, headers=headers) as client:
            org = await client.post(
                "/organisations", json=organisation_body("Gemeente Proef", province="Drenthe")
            )
            assert org.status_code == 201, org.text
            org_id = org.json()["id"]
            missing_rows = missing_reads = 0
            for i in range(120):
                created = await client.post(
                    "/people",
                    json={"organisation_id": org_id, "name": f"P {i}", "email": f"p{i}@x.example"},
                )
                assert created.status_code == 201, created.text
                person_id = created.json()["id"]
                # Another connection, straight after the answer: the row must be committed.
                if (
                    await observer.fetchval("SELECT count(*) FROM person WHERE id = $1", person_id)
                    != 1
                ):
                    missing_rows += 1
                if (await client.get(f"/people/{person_id}")).status_code != 200:
                    missing_reads += 1
        assert (missing_rows, missing_reads) == (0, 0)
    finally:
        await observer.close()
