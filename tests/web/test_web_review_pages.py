"""The paginated review queue over HTTP: pages, top three and "show more", search, sort, the
card anchor after an action, and closing a challenge from the page."""

from __future__ import annotations

import re

from matcher.records import Role
from tests.conftest import Api
from tests.web.bulk_seed import seed_big_queue
from tests.web.test_web_review import csrf_of, sign_in

_CARD = re.compile(r'<article class="challenge" id="uitdaging-(\d+)"')
_PROPOSAL = re.compile(r'id="voorstel-(\d+)" data-challenge="(\d+)"')


async def _setup(api: Api, challenges: int = 25, proposals: int = 4) -> list[int]:
    pm = await api.key(Role.programme_manager)
    async with api.pool.acquire() as conn:
        queue = await seed_big_queue(conn, challenges=challenges, proposals=proposals)
    r = await sign_in(api.client, pm)
    assert r.status_code == 303, r.text
    return queue.challenge_ids


async def test_ten_challenges_a_page_with_their_three_best_proposals(api: Api) -> None:
    ids = await _setup(api)
    first = await api.client.get("/review")
    assert first.status_code == 200
    cards = [int(c) for c in _CARD.findall(first.text)]
    assert len(cards) == 10
    assert len(_PROPOSAL.findall(first.text)) == 30
    assert "Pagina 1 van 3" in first.text
    assert first.text.count("Toon alle 4 voorstellen") == 10
    last = await api.client.get("/review?pagina=3")
    assert len(_CARD.findall(last.text)) == 5
    seen = set(cards)
    for page in (2, 3):
        r = await api.client.get(f"/review?pagina={page}")
        seen |= {int(c) for c in _CARD.findall(r.text)}
    assert seen == set(ids)
    # Past the end: the last page, not an empty one.
    beyond = await api.client.get("/review?pagina=99")
    assert "Pagina 3 van 3" in beyond.text
    # "Show more" lists every proposal of that challenge only.
    more = await api.client.get(f"/review?meer={cards[0]}")
    per_card = [int(c) for _, c in _PROPOSAL.findall(more.text)]
    assert per_card.count(cards[0]) == 4
    assert per_card.count(cards[1]) == 3


async def test_search_and_sort(api: Api) -> None:
    ids = await _setup(api)
    found = await api.client.get("/review", params={"q": "Uitdaging 007"})
    assert [int(c) for c in _CARD.findall(found.text)] == [ids[7]]
    person = await api.client.get("/review", params={"q": "Persoon 0"})
    assert len(_CARD.findall(person.text)) == 10
    none = await api.client.get("/review", params={"q": "100% _niets_"})
    assert _CARD.findall(none.text) == [] and "Niets te beoordelen" in none.text
    by_age = await api.client.get("/review", params={"sort": "age"})
    oldest = [int(c) for c in _CARD.findall(by_age.text)]
    # The seed makes challenge i (i % 40) days old: the oldest come first.
    assert oldest[0] == ids[24]
    by_score = await api.client.get("/review", params={"sort": "score"})
    assert len(_CARD.findall(by_score.text)) == 10
    bad = await api.client.get("/review", params={"sort": "DROP TABLE"})
    assert bad.status_code == 200


async def test_an_action_returns_to_the_same_card_on_the_same_page(api: Api) -> None:
    await _setup(api)
    page = await api.client.get("/review?pagina=2&sort=age")
    card = int(_CARD.findall(page.text)[4])
    match_id = next(int(m) for m, c in _PROPOSAL.findall(page.text) if int(c) == card)
    r = await api.client.post(
        f"/review/matches/{match_id}/approve",
        data={
            "csrf_token": csrf_of(page.text),
            "pagina": "2",
            "sort": "age",
            "anchor": f"uitdaging-{card}",
            "note": "Sluit goed aan",
        },
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.endswith(f"#uitdaging-{card}")
    assert "pagina=2" in location and "sort=age" in location
    pm = await api.key(Role.programme_manager)
    body = (await api.client.get(f"/matches/{match_id}", headers=pm)).json()
    assert body["state"] == "approved"
    assert body["history"][-1]["note"] == "Sluit goed aan"
    # A forged anchor is dropped.
    r = await api.client.post(
        f"/review/matches/{match_id}/cancel",
        data={"csrf_token": csrf_of(page.text), "anchor": 'x"><script>'},
    )
    assert r.status_code == 303 and "#" not in r.headers["location"]


async def test_close_and_reject_the_rest_from_the_page(api: Api) -> None:
    ids = await _setup(api, challenges=3, proposals=4)
    page = await api.client.get("/review")
    token = csrf_of(page.text)
    r = await api.client.post(
        f"/review/challenges/{ids[0]}/reject-rest",
        data={"csrf_token": token, "reason_code": "no_capacity", "anchor": f"uitdaging-{ids[0]}"},
    )
    assert r.status_code == 303 and "melding=rest-afgewezen" in r.headers["location"]
    r = await api.client.post(
        f"/review/challenges/{ids[1]}/close", data={"csrf_token": token, "reason": "Opgelost"}
    )
    assert r.status_code == 303 and "melding=gesloten" in r.headers["location"]
    after = await api.client.get("/review")
    assert {int(c) for c in _CARD.findall(after.text)} == {ids[2]}
    forged = await api.client.post(
        f"/review/challenges/{ids[2]}/close", data={"csrf_token": "nope", "reason": "x"}
    )
    assert forged.status_code == 403
    still = await api.client.get("/review")
    assert {int(c) for c in _CARD.findall(still.text)} == {ids[2]}
