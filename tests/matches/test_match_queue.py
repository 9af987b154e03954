"""The review queue and the network overview."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matcher.errors import Forbidden
from matcher.matching.introduction import default_introduction_text
from matcher.records import Principal, Role
from matcher.usecases.match_views import get_match
from matcher.usecases.review_queue import network_overview, review_queue
from tests.matches.conftest import TODAY, Net

STAFF = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)


async def _backdate(net: Net, challenge_id: int, days: int) -> None:
    async with net.api.pool.acquire() as conn:
        await conn.execute(
            "UPDATE challenge SET created_at = now() - make_interval(days => $2) WHERE id = $1",
            challenge_id,
            days,
        )


async def test_queue_lists_open_challenges_most_urgent_first(net: Net) -> None:
    await net.person(capacity=200)
    later = await net.challenge("BIO later", needed_by=TODAY + timedelta(days=60))
    soon = await net.challenge("BIO soon", needed_by=TODAY + timedelta(days=20))
    undated_new = await net.challenge("BIO undated new", needed_by=None)
    undated_old = await net.challenge("BIO undated old", needed_by=None)
    closed = await net.challenge("BIO closed", needed_by=TODAY + timedelta(days=10))
    await _backdate(net, undated_old, 5)
    await net.drain()
    r = await net.client.patch(f"/challenges/{closed}", headers=net.pm, json={"status": "closed"})
    assert r.status_code == 200

    r = await net.client.get("/review/queue", headers=net.pm)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["id"] for i in items] == [soon, later, undated_old, undated_new]
    old = items[2]
    assert old["age_days"] == 5
    assert items[0]["age_days"] == 0
    assert (old["organisation_name"], old["sector"], old["sector_name"]) == (
        "Gemeente Leeuwarden",
        "overheden",
        "Overheden",
    )
    assert old["kind"] == "knowledge" and old["hours_needed"] == 10.0
    for item in items:
        assert [m["state"] for m in item["matches"]] == ["proposed"]
        assert item["matches"][0]["challenge_id"] == item["id"]


async def test_queue_filters_by_sector_kind_and_match_state(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries", capacity=200)
    await net.person(net.org_c, "Bram Bakker", capacity=200)
    from_a = await net.challenge("BIO gemeente", kind="knowledge")
    from_c = await net.challenge("BIO zorg", org=net.org_c, kind="speaker")
    await net.drain()
    await net.drive(await net.match_id(from_a, anna), "approved")

    async def ids(query: str) -> list[int]:
        r = await net.client.get(f"/review/queue?{query}", headers=net.pm)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await ids("sector=zorg") == [from_c]
    assert await ids("sector=overheden") == [from_a]
    assert await ids("sector=wonen") == []
    assert await ids("kind=speaker") == [from_c]
    assert set(await ids("")) == {from_a, from_c}
    r = await net.client.get("/review/queue?status=approved", headers=net.pm)
    [item] = r.json()["items"]
    assert item["id"] == from_a
    assert [(m["person_id"], m["state"]) for m in item["matches"]] == [(anna, "approved")]
    r = await net.client.get("/review/queue?status=any", headers=net.pm)
    by_id = {i["id"]: i for i in r.json()["items"]}
    assert sorted(m["state"] for m in by_id[from_a]["matches"]) == ["approved", "proposed"]
    # Only proposals: the approved match is not in the proposed view of its challenge.
    r = await net.client.get("/review/queue", headers=net.pm)
    by_id = {i["id"]: i for i in r.json()["items"]}
    assert all(m["state"] == "proposed" for m in by_id[from_a]["matches"])
    for bad in ("status=done", "kind=lunch", "sector=Not%20A%20Code", "sector=ict&extra=1"):
        r = await net.client.get(f"/review/queue?{bad}", headers=net.pm)
        assert r.status_code == (200 if bad.endswith("extra=1") else 422), (bad, r.text)


async def test_review_queue_use_case_refuses_members(net: Net) -> None:
    member = Principal(key_id=0, role=Role.member, organisation_id=net.org_a)
    async with net.api.pool.acquire() as conn:
        with pytest.raises(Forbidden):
            await review_queue(conn, member)
        with pytest.raises(Forbidden):
            await network_overview(conn, member)
        assert await review_queue(conn, STAFF) == []


async def test_network_overview_counts_connections_by_sector(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries", capacity=400)
    approved = await net.challenge("BIO goedgekeurd")
    completed = await net.challenge("BIO afgerond")
    from_zorg = await net.challenge("BIO zorg", org=net.org_c)
    rejected = await net.challenge("BIO afgewezen")
    declined = await net.challenge("BIO afgeslagen")
    waiting = await net.challenge("BIO wacht")
    await _backdate(net, waiting, 9)
    await _backdate(net, declined, 3)
    await net.drain()
    await net.drive(await net.match_id(approved, anna), "approved")
    await net.drive(await net.match_id(completed, anna), "completed")
    await net.drive(await net.match_id(from_zorg, anna), "introduced")
    await net.drive(await net.match_id(rejected, anna), "rejected")
    await net.drive(await net.match_id(declined, anna), "declined")

    async with net.api.pool.acquire() as conn:
        overview = await network_overview(conn, STAFF)
    names = [s.name for s in overview.sectors]
    assert names == sorted(names) and len(names) == 9
    assert len(overview.matrix) == 81
    assert overview.matrix[("overheden", "ict")] == 2
    assert overview.matrix[("zorg", "ict")] == 1
    assert overview.total == 3 and overview.cross_sector == 3
    assert sum(1 for n in overview.matrix.values() if n) == 2
    assert [u.challenge_id for u in overview.unmatched] == [waiting, declined, rejected]
    challenge_id, title, organisation, age = overview.unmatched[0]
    assert (challenge_id, title, organisation, age) == (
        waiting,
        "BIO wacht",
        "Gemeente Leeuwarden",
        9,
    )
    assert overview.unmatched[1].age_days == 3


async def test_default_introduction_is_dutch_and_names_both_sides(net: Net) -> None:
    anna = await net.person(name="Anna de Vries")
    cid = await net.challenge("Hulp bij BIO-audit", hours_needed=12.5)
    await net.drain()
    mid = await net.match_id(cid, anna)
    async with net.api.pool.acquire() as conn:
        view = await get_match(conn, STAFF, mid)
    text = default_introduction_text(view.record)
    assert text.startswith("Beste Anna de Vries,")
    assert "Gemeente Leeuwarden zoekt" in text
    assert "«Hulp bij BIO-audit»" in text
    assert "Security officer bij ICT Noord" in text
    assert "«BIO-implementatie»" in text
    assert "ongeveer 12,5 uur" in text
    assert "graag vóór" in text
    assert "Het programmabureau" in text
    assert len(text) <= 5000
