"""The programme pages over HTTP: sign-in needed, calendar, event with suggestions, invite form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matcher.records import Role
from tests.conftest import Api
from tests.programme.helpers import organisation, person
from tests.web.test_web_review import csrf_of, sign_in

AI_TEXT = (
    "Kunstmatige intelligentie in de zorg: AI-modellen voor radiologie en triage veilig invoeren."
)


async def test_calendar_and_event_page_with_invite_form(api: Api) -> None:
    r = await api.client.get("/review/events")
    assert r.status_code == 303 and r.headers["location"] == "/review/login"
    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    college = await organisation(api, pm, "Hogeschool Noord", "onderwijs")
    await person(api, pm, hospital, "Fenna Bakker", AI_TEXT)
    await person(api, pm, college, "Jelle Smit", AI_TEXT)
    await api.drain()
    await api.client.post("/events/theme-calendar", headers=pm)
    r = await api.client.post(
        "/events",
        headers=pm,
        json={
            "kind": "lunch_session",
            "theme": "AI in de zorg",
            "starts_at": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            "place": "Zwolle",
            "speaker_slots": 2,
        },
    )
    event_id = r.json()["id"]
    await sign_in(api.client, pm)
    r = await api.client.get("/review/events")
    assert r.status_code == 200
    assert r.text.count('class="event event-') == 13
    assert "AI in de zorg" in r.text and "donderdag" in r.text
    r = await api.client.get(f"/review/events/{event_id}")
    assert r.status_code == 200
    assert "Fenna Bakker" in r.text and "Jelle Smit" in r.text
    assert "Organisaties voor deze lunchsessie" in r.text
    person_id = int(r.text.split('name="person_id" value="')[1].split('"')[0])
    r = await api.client.post(
        f"/review/events/{event_id}/invite", data={"csrf_token": "wrong", "person_id": person_id}
    )
    assert r.status_code == 403
    page = await api.client.get(f"/review/events/{event_id}")
    token = csrf_of(page.text)
    r = await api.client.post(
        f"/review/events/{event_id}/invite", data={"csrf_token": token, "person_id": person_id}
    )
    assert r.status_code == 303 and "melding=uitgenodigd" in r.headers["location"]
    r = await api.client.post(
        f"/review/events/{event_id}/invite", data={"csrf_token": token, "person_id": person_id}
    )
    assert "melding=al-uitgenodigd" in r.headers["location"]
    r = await api.client.get(f"/events/{event_id}", headers=pm)
    assert [i["person_id"] for i in r.json()["invitations"]] == [person_id]
    r = await api.client.get("/review/events/999999")
    assert r.status_code == 404


async def test_event_actions_from_the_page(api: Api) -> None:
    from matcher.records_programme import EventKind
    from matcher.storage import events as event_store

    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    fenna = await person(api, pm, hospital, "Fenna Bakker", AI_TEXT)
    start = datetime.now(UTC) + timedelta(days=10)
    r = await api.client.post(
        "/events",
        headers=pm,
        json={"kind": "lunch_session", "theme": "AI in de zorg", "starts_at": start.isoformat()},
    )
    event_id = r.json()["id"]
    await sign_in(api.client, pm)
    page = await api.client.get(f"/review/events/{event_id}")
    token = csrf_of(page.text)
    assert "Programma bevestigen" in page.text and "Verplaatsen" in page.text

    async def act(action: str, **extra: str) -> str:
        r = await api.client.post(
            f"/review/events/{event_id}/action",
            data={"csrf_token": token, "action": action, **extra},
        )
        assert r.status_code == 303
        return str(r.headers["location"]).split("melding=")[1]

    assert await act("confirm") == "actie-mislukt"  # nobody accepted yet
    assert await act("move", starts_at="2001-01-01T12:00") == "actie-mislukt"
    assert await act("move", starts_at="nonsense") == "actie-mislukt"
    assert await act("move", starts_at="2099-06-02T12:30") == "actie-move"
    r = await api.client.get(f"/events/{event_id}", headers=pm)
    assert r.json()["day"] == "2099-06-02"
    assert r.json()["starts_at"].startswith("2099-06-02T10:30:00")  # 12:30 in Amsterdam
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": fenna}
    )
    await api.client.post(f"/invitations/{r.json()['id']}/accept", headers=pm)
    assert await act("confirm") == "actie-confirm"
    assert await act("held") == "actie-mislukt"  # not started
    assert await act("cancel") == "actie-cancel"
    r = await api.client.get(f"/events/{event_id}", headers=pm)
    assert r.json()["state"] == "cancelled"
    assert r.json()["invitations"][0]["state"] == "cancelled"
    r = await api.client.post(
        f"/review/events/{event_id}/action", data={"csrf_token": "x", "action": "cancel"}
    )
    assert r.status_code == 403
    # A past event is recorded as held from the page.
    async with api.pool.acquire() as c:
        past = await event_store.insert_event(
            c,
            kind=EventKind.lunch_session,
            theme="Terugblik",
            starts_at=datetime.now(UTC) - timedelta(days=1),
            ends_at=datetime.now(UTC) - timedelta(hours=23),
        )
    event_id = past.id
    page = await api.client.get(f"/review/events/{event_id}")
    assert "Vastleggen als gehouden" in page.text
    assert await act("held") == "actie-held"
