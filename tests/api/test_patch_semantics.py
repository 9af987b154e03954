"""PATCH through the typed changes: a left-out field stays, null clears what may be empty."""

from __future__ import annotations

from datetime import date, timedelta

from matcher.records import Role
from tests.conftest import Api
from tests.programme.helpers import organisation


async def test_person_patch(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = await organisation(api, pm, "Gemeente Patch", "overheden")
    r = await api.client.post(
        "/people",
        headers=pm,
        json={
            "organisation_id": org,
            "name": "Anna de Vries",
            "email": "anna@example.org",
            "role": "Architect",
            "summary": "Cloudmigratie bij gemeenten.",
            "languages": ["nl", "en"],
            "speaker_topics": ["Cloud"],
            "available_from": "2026-01-01",
            "available_until": "2026-12-31",
            "capacity_hours_per_month": 8,
            "consent": True,
        },
    )
    assert r.status_code == 201, r.text
    person_id = r.json()["id"]
    r = await api.client.patch(
        f"/people/{person_id}",
        headers=pm,
        json={
            "name": None,
            "consent": None,
            "role": None,
            "languages": None,
            "available_until": None,
            "capacity_hours_per_month": 12,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # null leaves what may not be empty, clears texts, lists and dates
    assert body["name"] == "Anna de Vries"
    assert body["consent"] is True
    assert body["role"] == ""
    assert body["languages"] == []
    assert body["available_until"] is None
    assert body["capacity_hours_per_month"] == 12
    # left out: unchanged
    assert body["available_from"] == "2026-01-01"
    assert body["speaker_topics"] == ["Cloud"]
    assert body["summary"] == "Cloudmigratie bij gemeenten."
    r = await api.client.patch(
        f"/people/{person_id}", headers=pm, json={"available_from": "2027-02-01"}
    )
    assert r.status_code == 200, r.text
    r = await api.client.patch(
        f"/people/{person_id}", headers=pm, json={"available_until": "2027-01-01"}
    )
    assert r.status_code == 422, r.text  # merged with the stored start: before it
    assert r.json()["errors"][0]["field"] == "available_until"


async def test_challenge_patch(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = await organisation(api, pm, "Gemeente Vraag", "overheden")
    needed = (date.today() + timedelta(days=60)).isoformat()
    r = await api.client.post(
        "/challenges",
        headers=pm,
        json={
            "organisation_id": org,
            "title": "Back-ups",
            "description": "Wij zoeken hulp bij ons back-upbeleid en de cloud.",
            "kind": "capacity",
            "hours_needed": 16,
            "needed_by": needed,
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "open"
    r = await api.client.patch(
        f"/challenges/{created['id']}",
        headers=pm,
        json={"title": None, "kind": None, "hours_needed": None, "status": "withdrawn"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["title"], body["kind"]) == ("Back-ups", "capacity")
    assert body["hours_needed"] is None
    assert body["needed_by"] == needed
    assert body["status"] == "withdrawn"
    r = await api.client.patch(
        f"/challenges/{created['id']}", headers=pm, json={"status": "matched"}
    )
    assert r.status_code == 422, r.text


async def test_organisation_patch(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = await organisation(api, pm, "Gemeente Oud", "overheden")
    r = await api.client.patch(
        f"/organisations/{org}", headers=pm, json={"name": None, "province": "Drenthe"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["province"]) == ("Gemeente Oud", "Drenthe")
    r = await api.client.patch(f"/organisations/{org}", headers=pm, json={"sector": "zorg"})
    assert r.status_code == 200, r.text
    assert r.json()["sector"] == "zorg"
