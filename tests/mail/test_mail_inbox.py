"""GET /matches (the inbox) follows GET /matches/{id}'s visibility; GET /challenges since/sort."""

from __future__ import annotations

from tests.mail.conftest import Net


async def _ids(net: Net, actor: str, query: str = "") -> list[int]:
    r = await net.client.get(f"/matches{query}", headers=net.headers(actor))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"]) or body["limit"] < body["total"]
    return [m["id"] for m in body["items"]]


async def test_inbox_shows_each_side_what_it_may_see(net: Net) -> None:
    anna = await net.person(name="Anna de Vries")
    bram = await net.person(net.org_c, name="Bram Bakker")
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    m_anna = await net.match_id(cid, anna)
    m_bram = await net.match_id(cid, bram)

    # Proposals are nobody's business but staff's.
    assert await _ids(net, "challenge_org") == []
    assert await _ids(net, "person_org") == []
    assert sorted(await _ids(net, "pm")) == sorted([m_anna, m_bram])

    await net.drive(m_anna, "approved")
    assert await _ids(net, "challenge_org", "?role=asker") == [m_anna]
    assert await _ids(net, "person_org") == []  # approved, not yet introduced

    assert (await net.act(m_anna, "introduce")).status_code == 200
    assert await _ids(net, "person_org", "?role=helper&state=introduced") == [m_anna]
    assert await _ids(net, "person_org", "?role=asker") == []
    assert await _ids(net, "other_org") == []
    r = await net.client.get("/matches?role=asker", headers=net.headers("challenge_org"))
    item = r.json()["items"][0]
    assert item["email"] is None  # not before the introduction is accepted
    detail = await net.get(m_anna, "challenge_org")
    assert detail["state"] == item["state"] and detail["email"] == item["email"]

    # Each item is exactly what GET /matches/{id} shows that caller.
    for actor in ("challenge_org", "person_org"):
        for mid in await _ids(net, actor):
            one = await net.client.get(f"/matches/{mid}", headers=net.headers(actor))
            assert one.status_code == 200

    assert await _ids(net, "pm", f"?organisation_id={net.org_b}&role=helper") == [m_anna]
    bad = await net.client.get("/matches?rol=asker", headers=net.headers("person_org"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rol"
    bad = await net.client.get("/matches?role=boss", headers=net.headers("person_org"))
    assert bad.status_code == 422
    paged = await net.client.get("/matches?limit=1", headers=net.pm)
    assert paged.json()["total"] == 2 and len(paged.json()["items"]) == 1


async def test_challenges_since_sort_and_unknown_parameters(net: Net) -> None:
    first = await net.challenge(title="Alpha vraag")
    second = await net.challenge(title="Beta vraag")
    headers = net.headers("challenge_org")

    async def ids(params: dict[str, str]) -> list[int]:
        r = await net.client.get("/challenges", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    # Boundaries from the database's own clock (the stored times), not the test's.
    second_created = (await net.client.get(f"/challenges/{second}", headers=headers)).json()[
        "created_at"
    ]
    assert await ids({"since": second_created}) == [second]
    assert await ids({"sort": "created"}) == [first, second]
    assert await ids({"sort": "-created"}) == [second, first]
    assert await ids({"sort": "title"}) == [first, second]

    # A change counts as "since" too.
    patch = await net.client.patch(
        f"/challenges/{first}", json={"title": "Alpha vraag, aangepast"}, headers=headers
    )
    assert patch.status_code == 200
    assert await ids({"since": patch.json()["updated_at"]}) == [first]
    assert await ids({"sort": "-updated"}) == [first, second]

    for params in ({"sort": "random"}, {"statuss": "open"}, {"since": "gisteren"}):
        r = await net.client.get("/challenges", params=params, headers=headers)
        assert r.status_code == 422, params
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await net.client.get(
        "/challenges", params={"since": "2026-01-01T00:00:00"}, headers=headers
    )
    assert r.status_code == 422  # a time without zone is ambiguous
