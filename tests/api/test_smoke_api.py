"""A first pass through the API."""

from __future__ import annotations

from matcher.records import Role
from tests.conftest import Api
from tests.factories import create_organisation


async def test_create_org_person_challenge_and_suggest(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org_a = await create_organisation(api, pm, "Gemeente Test", province="Friesland")
    org_b = await create_organisation(api, pm, "ICT Bedrijf", "ict")
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


async def test_health_reports_database_model_and_waiting_texts(api: Api) -> None:
    import asyncio

    pm = await api.key(Role.programme_manager)
    org = await create_organisation(api, pm, "H", "ict", province="Drenthe")
    await api.client.post(
        "/people",
        headers=pm,
        json={"organisation_id": org, "name": "P", "email": "p@h.example", "summary": "Netwerken"},
    )
    for _ in range(100):
        r = await api.client.get("/health")
        if r.json()["model"]["ready"]:
            break
        await asyncio.sleep(0.02)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["model"]["id"] == "hashing-256"
    assert body["embeddings"] == {"pending": 1, "failed": 0}
    await api.drain()
    assert (await api.client.get("/health")).json()["embeddings"] == {"pending": 0, "failed": 0}
