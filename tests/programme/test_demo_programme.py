"""The programme demo: networks, a year of theme events, staffed events, a lunch session, a project."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import asyncpg

from embeddings.hashing import HashingEmbedder
from matcher.matching.programme import third_thursday
from matcher.usecases.demo import load_demo
from matcher.usecases.demo_programme import load_programme_demo
from matcher.usecases.embedding import embed_pending


async def test_programme_demo_loads_once_with_rotation_kept(pool: asyncpg.Pool) -> None:
    embedder = HashingEmbedder(128)
    async with pool.acquire() as conn, conn.transaction():
        await load_demo(conn)
    await embed_pending(pool, embedder)
    today, now = date.today(), datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        first = await load_programme_demo(conn, embedder, today=today, now=now)
    assert first.networks_created == 2
    assert first.theme_events_created == 12
    assert first.project_created
    assert first.events_staffed >= 4  # two past, the next two, the lunch session
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT e.id, e.kind, e.state, e.series_date, "
            "(e.starts_at AT TIME ZONE 'Europe/Amsterdam')::date AS day, "
            "array_agg(i.person_id) FILTER (WHERE i.id IS NOT NULL) AS people, "
            "array_agg(i.organisation_id) FILTER (WHERE i.id IS NOT NULL) AS orgs "
            "FROM event e LEFT JOIN event_invitation i ON i.event_id = e.id "
            "GROUP BY e.id ORDER BY e.starts_at"
        )
        themes = [r for r in rows if r["kind"] == "theme_event"]
        assert len(themes) == 14
        held = [r for r in themes if r["state"] == "held"]
        assert len(held) == 2
        future = [r for r in themes if r["day"] > today]
        assert all(r["day"] == third_thursday(r["day"].year, r["day"].month) for r in future)
        staffed = [r for r in future if r["people"]]
        assert [r["id"] for r in staffed] == [r["id"] for r in future[:2]]
        # Rotation: nobody from the last two theme events is booked again, and no organisation
        # stands on two consecutive theme events.
        booked = held + staffed
        for a, b in pairwise(booked):
            assert not set(a["orgs"]) & set(b["orgs"]), (a["day"], b["day"])
        speakers = [p for r in booked for p in r["people"]]
        assert len(speakers) == len(set(speakers))
        lunch = [r for r in rows if r["kind"] == "lunch_session"]
        assert len(lunch) == 1 and lunch[0]["people"]
        talks = await conn.fetchval(
            "SELECT count(*) FROM event_invitation WHERE state = 'held' AND document_id IS NOT NULL"
        )
        assert talks >= 2
        outputs = await conn.fetchval("SELECT count(*) FROM project_output_document")
        assert outputs == 4
        assert await conn.fetchval("SELECT count(*) FROM challenge_network") > 0
        # Coming events' speakers are mailed their invitation; the past ones' history is not.
        mailed = await conn.fetch(
            "SELECT e.starts_at FROM outbox_message o "
            "JOIN event_invitation i ON o.dedupe_key = 'event_invitation:' || i.id "
            "JOIN event e ON e.id = i.event_id WHERE o.kind = 'event_invitation'"
        )
        assert mailed and all(r["starts_at"] > now for r in mailed)
        assert len(mailed) == await conn.fetchval(
            "SELECT count(*) FROM event_invitation i JOIN event e ON e.id = i.event_id "
            "WHERE e.starts_at > $1",
            now,
        )
    # Again: nothing new, and the demo load keeps the programme's track-record items.
    async with pool.acquire() as conn, conn.transaction():
        await load_demo(conn)
        second = await load_programme_demo(conn, embedder, today=today, now=now)
    assert (second.networks_created, second.theme_events_created, second.events_staffed) == (
        0,
        0,
        0,
    )
    assert not second.project_created
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM project_output_document") == 4
        assert await conn.fetchval("SELECT count(*) FROM event") == len(rows)
