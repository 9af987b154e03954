"""A queue that empties: matched and closed challenges, withdrawn leftovers, bulk actions,
valid dates and proposals recomputed when a challenge's terms change."""

from __future__ import annotations

from datetime import date, timedelta

from tests.matches.conftest import NEEDED_BY, Net


async def _challenge(net: Net, cid: int) -> dict[str, object]:
    r = await net.client.get(f"/challenges/{cid}", headers=net.pm)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


async def _queue_ids(net: Net, status: str = "proposed") -> set[int]:
    r = await net.client.get(f"/review/queue?status={status}", headers=net.pm)
    assert r.status_code == 200, r.text
    return {item["id"] for item in r.json()["items"]}


async def test_accepting_matches_the_challenge_and_withdraws_the_rest(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    bram = await net.person(net.org_c, "Bram Bakker")
    cid = await net.challenge()
    await net.drain()
    assert cid in await _queue_ids(net)
    chosen = await net.match_id(cid, anna)
    await net.drive(chosen, "accepted")
    assert (await _challenge(net, cid))["status"] == "matched"
    other = await net.get(await net.match_id(cid, bram))
    assert other["state"] == "withdrawn"
    assert [(h["from_state"], h["to_state"]) for h in other["history"]] == [
        (None, "proposed"),
        ("proposed", "withdrawn"),
    ]
    assert cid not in await _queue_ids(net)
    assert cid in await _queue_ids(net, "accepted")
    r = await net.act(chosen, "complete")
    assert r.status_code == 200, r.text
    assert (await _challenge(net, cid))["status"] == "closed"
    assert cid not in await _queue_ids(net, "any")


async def test_the_manager_closes_a_challenge_with_a_reason(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    cid = await net.challenge()
    await net.drain()
    path = f"/challenges/{cid}/close"
    r = await net.client.post(path, headers=net.headers("challenge_org"), json={"reason": "x"})
    assert r.status_code == 403
    r = await net.client.post(path, headers=net.pm, json={"reason": "  "})
    assert r.status_code == 422
    r = await net.client.post(path, headers=net.pm, json={"reason": "Zelf opgelost"})
    assert r.status_code == 200, r.text
    assert r.json() == {"challenge_id": cid, "status": "closed"}
    assert (await net.get(await net.match_id(cid, anna)))["state"] == "withdrawn"
    assert cid not in await _queue_ids(net)
    again = await net.client.post(path, headers=net.pm, json={"reason": "Nogmaals"})
    assert again.status_code == 409
    missing = await net.client.post(
        "/challenges/999999/close", headers=net.pm, json={"reason": "x"}
    )
    assert missing.status_code == 404


async def test_reject_what_is_left_with_one_reason(net: Net) -> None:
    org_d = await net.org("Woonstichting Noord", "wonen")
    people = [
        await net.person(net.org_b, "Anna de Vries"),
        await net.person(net.org_c, "Bram Bakker"),
        await net.person(org_d, "Carla Smit"),
    ]
    cid = await net.challenge()
    await net.drain()
    kept = await net.match_id(cid, people[0])
    await net.drive(kept, "approved")
    r = await net.client.post(
        f"/challenges/{cid}/matches/reject",
        headers=net.pm,
        json={"reason_code": "wrong_expertise", "note": "Niet passend"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["succeeded"] == 2 and body["failed"] == 0
    states = {m["person_id"]: m["state"] for m in await net.matches_of(cid)}
    assert states == {people[0]: "approved", people[1]: "rejected", people[2]: "rejected"}
    bad = await net.client.post(
        f"/challenges/{cid}/matches/reject", headers=net.pm, json={"reason_code": "boring"}
    )
    assert bad.status_code == 422


async def test_approve_several_each_within_the_hours(net: Net) -> None:
    # 22.5 h/month gives 45 hours in the window: one 30-hour job, not two.
    anna = await net.person(net.org_b, "Anna de Vries", capacity=22.5)
    first = await net.challenge("BIO-beleid A", kind="capacity", hours_needed=30)
    second = await net.challenge("BIO-beleid B", kind="capacity", hours_needed=30)
    await net.drain()
    ids = [await net.match_id(first, anna), await net.match_id(second, anna)]
    r = await net.client.post("/matches/approve", headers=net.pm, json={"match_ids": ids})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["ok"] for i in items] == [True, False]
    assert items[0]["state"] == "approved"
    assert items[1]["code"] == "insufficient_capacity"
    assert (await net.get(ids[1]))["state"] == "proposed"
    assert await net.held_hours(anna) == 30.0
    empty = await net.client.post("/matches/approve", headers=net.pm, json={"match_ids": []})
    assert empty.status_code == 422
    member = await net.client.post(
        "/matches/approve", headers=net.headers("challenge_org"), json={"match_ids": ids}
    )
    assert member.status_code == 403


async def test_needed_by_in_the_past_is_refused(net: Net) -> None:
    yesterday = date.today() - timedelta(days=1)
    body = {
        "organisation_id": net.org_a,
        "title": "Oud",
        "description": "Een vraag met een deadline die al voorbij is.",
        "kind": "knowledge",
        "needed_by": yesterday.isoformat(),
    }
    r = await net.client.post("/challenges", headers=net.pm, json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "needed_by"
    cid = await net.challenge()
    r = await net.client.patch(
        f"/challenges/{cid}", headers=net.pm, json={"needed_by": yesterday.isoformat()}
    )
    assert r.status_code == 422
    r = await net.client.patch(f"/challenges/{cid}", headers=net.pm, json={"status": "matched"})
    assert r.status_code == 422
    assert (await _challenge(net, cid))["needed_by"] == NEEDED_BY.isoformat()


async def test_changed_dates_recompute_the_untouched_proposals(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    cid = await net.challenge()
    await net.drain()
    before = await net.get(await net.match_id(cid, anna))
    assert before["window_ends_on"] == NEEDED_BY.isoformat()
    later = NEEDED_BY + timedelta(days=30)
    r = await net.client.patch(
        f"/challenges/{cid}", headers=net.pm, json={"needed_by": later.isoformat()}
    )
    assert r.status_code == 200, r.text
    assert before["stale"] is False
    assert (await net.get(await net.match_id(cid, anna)))["stale"] is True
    await net.drain()
    after = await net.get(await net.match_id(cid, anna))
    assert after["stale"] is False
    assert after["window_ends_on"] == later.isoformat()
    assert after["updated_at"] > before["updated_at"]
    assert after["free_hours"] > before["free_hours"]
