"""Themes over the API and on the page: clusters of the quarter, growth, speakers for staff only."""

from __future__ import annotations

from matcher.records import Role
from tests.conftest import Api
from tests.programme.helpers import organisation, person
from tests.web.test_web_review import csrf_of, sign_in

SECURITY = [
    ("Ransomware oefening", "Ransomware crisisoefening met draaiboek voor de gemeente."),
    ("Ransomware draaiboek", "Een draaiboek voor ransomware en crisisoefening."),
    ("Crisisoefening ransomware", "Ransomware oefenen met het crisisteam en een draaiboek."),
]
HYBRID = [
    ("Hybride vergaderen", "Hybride vergaderen met Teams in vergaderzalen."),
    ("Hybride werken", "Hybride werken en vergaderen met Teams en SharePoint."),
    ("Teams vergaderzalen", "Vergaderzalen geschikt maken voor hybride vergaderen met Teams."),
]


async def test_themes_for_members_and_staff_and_the_page(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    gemeente = await organisation(api, pm, "Gemeente Noord", "overheden")
    zorg = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    await person(
        api, pm, zorg, "Fenna Bakker", "Ransomware crisisoefening en draaiboek geschreven."
    )
    member = await api.key(Role.member, gemeente)
    ids = []
    for title, description in SECURITY + HYBRID:
        r = await api.client.post(
            "/challenges",
            headers=member,
            json={"title": title, "description": description, "kind": "knowledge"},
        )
        ids.append(r.json()["id"])
    await api.drain()
    # One security challenge was posted in the previous quarter.
    async with api.pool.acquire() as c:
        await c.execute(
            "UPDATE challenge SET created_at = now() - interval '120 days' WHERE id = $1", ids[0]
        )
    r = await api.client.get("/themes", headers=pm)
    assert r.status_code == 200, r.text
    themes = r.json()["themes"]
    assert sum(t["size"] for t in themes) == 5
    by_term = {t["terms"][0]: t for t in themes}
    assert len(themes) == 2 and {"ransomware", "hybride"} <= set(by_term)
    security = next(t for t in themes if "ransomware" in t["terms"])
    assert security["previous_size"] == 1 and security["growth"] == 1.0
    assert security["sectors"] == [{"sector": "Overheden", "challenges": 2}]
    assert [s["name"] for s in security["speakers"]] == ["Fenna Bakker"]
    r = await api.client.get("/themes", headers=member)
    assert all(t["speakers"] == [] and t["challenge_titles"] == [] for t in r.json()["themes"])
    await sign_in(api.client, pm)
    r = await api.client.get("/review/themes")
    assert r.status_code == 200
    assert r.text.count('<circle class="theme-dot"') == 5
    assert "Fenna Bakker" in r.text and "<script" not in r.text


async def test_the_manager_picks_a_theme_for_a_coming_event(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    gemeente = await organisation(api, pm, "Gemeente Noord", "overheden")
    member = await api.key(Role.member, gemeente)
    for title, description in SECURITY + HYBRID:
        await api.client.post(
            "/challenges",
            headers=member,
            json={"title": title, "description": description, "kind": "knowledge"},
        )
    await api.drain()
    created = (await api.client.post("/events/theme-calendar", headers=pm)).json()["created"]
    await sign_in(api.client, pm)
    page = await api.client.get("/review/themes")
    assert page.text.count('action="/review/themes/choose"') == 2
    label = page.text.split('name="theme" value="')[1].split('"')[0]
    target = created[1]["id"]
    r = await api.client.post(
        "/review/themes/choose",
        data={"csrf_token": "wrong", "theme": label, "event_id": str(target)},
    )
    assert r.status_code == 403
    r = await api.client.post(
        "/review/themes/choose",
        data={"csrf_token": csrf_of(page.text), "theme": label, "event_id": str(target)},
    )
    assert r.status_code == 303 and "thema-gekozen" in r.headers["location"]
    r = await api.client.get(f"/events/{target}", headers=pm)
    assert r.json()["theme"] == label
