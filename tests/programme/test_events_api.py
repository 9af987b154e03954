"""Events through the API: calendar, bad input, speakers on behalf of the association, invitations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from matcher.matching.programme import third_thursday
from matcher.records import Role
from matcher.records_programme import EventKind
from matcher.storage import events as event_store
from tests.conftest import Api
from tests.programme.helpers import organisation, person

AI_TEXT = (
    "Kunstmatige intelligentie in de zorg: AI-modellen voor radiologie en triage veilig invoeren."
)


def _future(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def test_bad_input_is_a_clear_problem(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    r = await api.client.post(
        "/events", headers=pm, json={"kind": "lunch_session", "theme": "AI", "starts_at": past}
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "event_in_past"
    r = await api.client.post(
        "/events",
        headers=pm,
        json={"kind": "lunch_session", "theme": "AI", "starts_at": _future(), "speaker_slots": 0},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "speaker_slots"
    r = await api.client.post(
        "/events",
        headers=pm,
        json={"kind": "sector_meeting", "theme": "Zorg", "starts_at": _future()},
    )
    assert r.status_code == 422
    org = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    member = await api.key(Role.member, org)
    r = await api.client.post(
        "/events",
        headers=member,
        json={"kind": "lunch_session", "theme": "AI", "starts_at": _future()},
    )
    assert r.status_code == 403
    async with api.pool.acquire() as c:
        count = await c.fetchval("SELECT count(*) FROM event")
    assert count == 0


async def test_theme_calendar_is_generated_once_and_a_moved_date_stays_moved(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    r = await api.client.post("/events/theme-calendar", headers=pm)
    assert r.status_code == 200, r.text
    created = r.json()["created"]
    assert len(created) == 12
    for event in created:
        day = date.fromisoformat(event["day"])
        assert day == third_thursday(day.year, day.month)
        assert event["series_date"] == event["day"]
        assert event["state"] == "planned"
    first = created[0]
    moved_to = (datetime.fromisoformat(first["starts_at"]) + timedelta(days=7)).isoformat()
    r = await api.client.patch(
        f"/events/{first['id']}",
        headers=pm,
        json={"starts_at": moved_to, "theme": "Hybride werken"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["day"] != first["day"]
    assert r.json()["series_date"] == first["day"]
    r = await api.client.post(f"/events/{created[1]['id']}/cancel", headers=pm)
    assert r.json()["state"] == "cancelled"
    r = await api.client.post("/events/theme-calendar", headers=pm)
    assert r.json()["created"] == []
    r = await api.client.patch(
        f"/events/{first['id']}",
        headers=pm,
        json={"starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
    )
    assert r.status_code == 422
    r = await api.client.get("/events", headers=pm)
    assert len(r.json()) == 12


async def test_association_asks_nobody_is_own_organisation_and_willingness_applies(
    api: Api,
) -> None:
    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    college = await organisation(api, pm, "Hogeschool Noord", "onderwijs")
    expert = await person(api, pm, hospital, "Fenna Bakker", AI_TEXT, topics=["AI in de zorg"])
    shy = await person(api, pm, college, "Jelle Smit", AI_TEXT, willing=False)
    await person(api, pm, college, "Gerrit Post", AI_TEXT, consent=False)
    await api.drain()
    r = await api.client.post(
        "/events",
        headers=pm,
        json={
            "kind": "theme_event",
            "theme": "AI in de zorg",
            "description": "Kunstmatige intelligentie veilig invoeren in ziekenhuizen.",
            "starts_at": _future(),
            "speaker_slots": 2,
        },
    )
    assert r.status_code == 201, r.text
    event_id = r.json()["id"]
    r = await api.client.get(f"/events/{event_id}/speaker-suggestions", headers=pm)
    assert r.status_code == 200, r.text
    body = r.json()
    names = [i["person_name"] for i in body["items"]]
    assert names == ["Fenna Bakker"]
    assert body["items"][0]["proposed"] is True
    assert "cross_sector_bonus" not in body["items"][0]["score_parts"]
    assert any("1 van 2" in n for n in body["notes"])
    member = await api.key(Role.member, hospital)
    r = await api.client.get(f"/events/{event_id}/speaker-suggestions", headers=member)
    assert r.status_code == 403
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": shy}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "not_willing_to_speak"
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": expert}
    )
    assert r.status_code == 201, r.text
    invitation = r.json()
    assert invitation["state"] == "invited"
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": expert}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "speaker_already_invited"
    r = await api.client.get(f"/events/{event_id}", headers=pm)
    assert r.json()["state"] == "speakers_invited"
    # Another member sees the programme only once the speaker accepted, and never the e-mail.
    other = await api.key(Role.member, college)
    r = await api.client.get(f"/events/{event_id}", headers=other)
    assert r.json()["invitations"] == []
    r = await api.client.post(f"/invitations/{invitation['id']}/accept", headers=other)
    assert r.status_code == 404
    r = await api.client.post(f"/invitations/{invitation['id']}/accept", headers=member)
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = await api.client.post(f"/invitations/{invitation['id']}/decline", headers=member)
    assert r.status_code == 409
    r = await api.client.get(f"/events/{event_id}", headers=other)
    (shown,) = r.json()["invitations"]
    assert shown["person_name"] == "Fenna Bakker" and shown["email"] is None
    r = await api.client.post(f"/events/{event_id}/confirm", headers=pm)
    assert r.json()["state"] == "programme_confirmed"
    r = await api.client.post(f"/events/{event_id}/held", headers=pm)
    assert r.status_code == 409
    assert r.json()["code"] == "event_not_started"
    r = await api.client.get("/events.ics", headers=other)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    text = r.text.replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 1
    assert "AI in de zorg (thema-evenement)" in text
    assert "Fenna Bakker (Ziekenhuis Noord)" in text
    r = await api.client.get("/events.ics")
    assert r.status_code == 401


async def test_a_held_event_feeds_rotation_and_track_record(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    college = await organisation(api, pm, "Hogeschool Noord", "onderwijs")
    fenna = await person(api, pm, hospital, "Fenna Bakker", AI_TEXT)
    await person(api, pm, college, "Jelle Smit", AI_TEXT + " Onderzoek naar AI-ethiek.")
    await api.drain()
    now = datetime.now(UTC)
    async with api.pool.acquire() as c:
        past = await event_store.insert_event(
            c,
            kind=EventKind.lunch_session,
            theme="AI in de zorg",
            starts_at=now - timedelta(days=20),
            ends_at=now - timedelta(days=20) + timedelta(hours=1),
        )
        inv_id = await event_store.insert_invitation(
            c, event_id=past.id, person_id=fenna, organisation_id=hospital, topic="", score=None
        )
        await c.execute("UPDATE event_invitation SET state = 'accepted' WHERE id = $1", inv_id)
    r = await api.client.post(
        f"/events/{past.id}/held", headers=pm, json={"speaker_person_ids": [fenna]}
    )
    assert r.status_code == 200, r.text
    (held,) = r.json()["invitations"]
    assert held["state"] == "held" and held["track_record_document_id"]
    r = await api.client.get(f"/people/{fenna}", headers=pm)
    talks = [d for d in r.json()["documents"] if d["kind"] == "talk"]
    assert any("lunchsessie" in d["title"] for d in talks)
    await api.drain()
    r = await api.client.post(
        "/events",
        headers=pm,
        json={
            "kind": "theme_event",
            "theme": "AI in de zorg",
            "starts_at": _future(),
            "speaker_slots": 1,
        },
    )
    event_id = r.json()["id"]
    r = await api.client.get(f"/events/{event_id}/speaker-suggestions", headers=pm)
    items = {i["person_name"]: i for i in r.json()["items"]}
    assert items["Fenna Bakker"]["resting"] is True
    assert items["Fenna Bakker"]["proposed"] is False
    assert items["Jelle Smit"]["proposed"] is True
    # With no rest period she is proposed again (her talk makes her the stronger candidate).
    r = await api.client.get(f"/events/{event_id}/speaker-suggestions?rest_months=0", headers=pm)
    assert [i["person_name"] for i in r.json()["items"] if i["proposed"]] == ["Fenna Bakker"]


async def test_events_needing_speakers_for_the_digest(api: Api) -> None:
    from matcher.usecases.speakers import events_needing_speakers

    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    fenna = await person(api, pm, hospital, "Fenna Bakker", AI_TEXT)
    ids = []
    for slots in (1, 2):
        r = await api.client.post(
            "/events",
            headers=pm,
            json={
                "kind": "lunch_session",
                "theme": "AI",
                "starts_at": _future(),
                "speaker_slots": slots,
            },
        )
        ids.append(r.json()["id"])
    for event_id in ids:
        await api.client.post(
            f"/events/{event_id}/invitations", headers=pm, json={"person_id": fenna}
        )
    now = datetime.now(UTC)
    async with api.pool.acquire() as c:
        found = await events_needing_speakers(c, since=now, until=now + timedelta(days=60))
    assert [(f.event.id, f.open_slots) for f in found] == [(ids[1], 1)]


async def test_far_off_years_are_a_problem_not_a_crash(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    for moment in ("9999-12-31T23:00:00", "0001-01-01T00:00:00+00:00"):
        r = await api.client.post(
            "/events",
            headers=pm,
            json={"kind": "lunch_session", "theme": "AI", "starts_at": moment},
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "starts_at"
    r = await api.client.get("/events?since=0001-01-01&until=9999-12-31", headers=pm)
    assert r.status_code == 422  # a date the database cannot take: a problem, not a 500


async def test_invitation_mail_is_queued_with_the_invitation_and_exported(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    hospital = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    fenna = await person(api, pm, hospital, "Fenna Bakker", AI_TEXT)
    r = await api.client.post(
        "/events",
        headers=pm,
        json={
            "kind": "theme_event",
            "theme": "AI in de zorg",
            "starts_at": "2099-03-19T15:00:00",
            "place": "Hanzehuis Groningen",
        },
    )
    event_id = r.json()["id"]
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": fenna}
    )
    invitation_id = r.json()["id"]
    async with api.pool.acquire() as c:
        (message,) = await c.fetch(
            "SELECT recipient, dedupe_key, subject, body_text, state FROM outbox_message "
            "WHERE kind = 'event_invitation'"
        )
    assert message["recipient"] == "fenna@example.org"
    assert message["dedupe_key"] == f"event_invitation:{invitation_id}"
    assert "19 maart 2099 om 15:00 (Hanzehuis Groningen)" in message["body_text"]
    assert message["subject"] == "Uitnodiging: spreken op het thema-evenement van 19-03-2099"
    assert message["state"] == "queued"
    # Inviting the same person again is a 409, and no second mail is queued.
    r = await api.client.post(
        f"/events/{event_id}/invitations", headers=pm, json={"person_id": fenna}
    )
    assert r.status_code == 409
    async with api.pool.acquire() as c:
        assert await c.fetchval("SELECT count(*) FROM outbox_message") == 1
    r = await api.client.get(f"/people/{fenna}/export", headers=pm)
    (exported,) = r.json()["speaker_invitations"]
    assert exported["event_id"] == event_id and exported["state"] == "invited"
