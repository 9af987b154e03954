"""A first pass through the API."""

from __future__ import annotations

from matcher.records import Role
from tests.conftest import Api


async def test_create_org_person_challenge_and_suggest(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    r = await api.client.post(
        "/organisations",
        headers=pm,
        json={
            "name": "Gemeente Test",
            "sector": "overheden",
            "province": "Friesland",
            "contact_email": "info@test.example",
        },
    )
    assert r.status_code == 201, r.text
    org_a = r.json()["id"]
    r = await api.client.post(
        "/organisations",
        headers=pm,
        json={
            "name": "ICT Bedrijf",
            "sector": "ict",
            "province": "Groningen",
            "contact_email": "info@ict.example",
        },
    )
    org_b = r.json()["id"]
    member_b = await api.key(Role.member, org_b)
    r = await api.client.post(
        "/people",
        headers=member_b,
        json={
            "name": "Anna de Vries",
            "email": "anna@ict.example",
            "summary": "Specialist informatiebeveiliging en BIO.",
            "consent": True,
            "capacity_hours_per_month": 10,
            "documents": [
                {
                    "kind": "project",
                    "title": "BIO-implementatie",
                    "text": "Informatiebeveiligingsbeleid opgesteld volgens de BIO voor een gemeente.",
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["embedding_status"] == "pending"
    member_a = await api.key(Role.member, org_a)
    r = await api.client.post(
        "/challenges",
        headers=member_a,
        json={
            "title": "BIO-beleid",
            "description": "Wij zoeken hulp bij ons informatiebeveiligingsbeleid volgens de BIO.",
            "kind": "knowledge",
        },
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = await api.client.get(f"/challenges/{cid}/suggestions", headers=member_a)
    assert r.status_code == 409
    await api.drain()
    r = await api.client.get(f"/challenges/{cid}/suggestions", headers=member_a)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["person_name"] for i in items] == ["Anna de Vries"]
    assert items[0]["email"] is None
    assert "Bewijs" in items[0]["explanation"]
