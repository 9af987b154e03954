"""Knowledge networks: data, a challenge's suggested networks, confirmation, sector agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matcher.records import Role
from matcher.usecases.networks import digest_network_challenges
from tests.conftest import Api
from tests.programme.helpers import organisation


async def test_networks_suggest_confirm_digest_and_agenda(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    gemeente = await organisation(api, pm, "Gemeente Noord", "overheden")
    zorg = await organisation(api, pm, "Ziekenhuis Noord", "zorg")
    member = await api.key(Role.member, gemeente)
    body = {
        "name": "Digitale veiligheid",
        "description": "Informatiebeveiliging, ransomware, crisisoefeningen en NIS2.",
        "organisation_ids": [zorg],
    }
    r = await api.client.post("/networks", headers=member, json=body)
    assert r.status_code == 403
    r = await api.client.post("/networks", headers=pm, json=body)
    assert r.status_code == 201, r.text
    security = r.json()["id"]
    r = await api.client.post("/networks", headers=pm, json=body)
    assert r.status_code == 409
    r = await api.client.post(
        "/networks",
        headers=pm,
        json={
            "name": "Digitaal samenwerken",
            "description": "Samenwerken in Teams en SharePoint, hybride werken, digitale vergaderingen.",
            "organisation_ids": [999999],
        },
    )
    assert r.status_code == 422
    r = await api.client.post(
        "/networks",
        headers=pm,
        json={
            "name": "Digitaal samenwerken",
            "description": "Samenwerken in Teams en SharePoint, hybride werken, digitale vergaderingen.",
        },
    )
    collaboration = r.json()["id"]
    r = await api.client.post(
        "/challenges",
        headers=member,
        json={
            "title": "Ransomware crisisoefening",
            "description": "Wij willen een crisisoefening rond ransomware en informatiebeveiliging.",
            "kind": "knowledge",
        },
    )
    challenge_id = r.json()["id"]
    await api.drain()
    r = await api.client.get(f"/challenges/{challenge_id}/networks", headers=member)
    assert r.status_code == 200, r.text
    ranked = r.json()
    assert [n["network_id"] for n in ranked] == [security, collaboration]
    assert not any(n["confirmed"] for n in ranked)
    r = await api.client.post(
        f"/challenges/{challenge_id}/networks", headers=member, json={"network_id": security}
    )
    assert r.status_code == 403
    r = await api.client.post(
        f"/challenges/{challenge_id}/networks", headers=pm, json={"network_id": security}
    )
    assert r.status_code == 200
    r = await api.client.get(f"/challenges/{challenge_id}/networks", headers=pm)
    assert [n["confirmed"] for n in r.json()] == [True, False]
    r = await api.client.get(f"/networks/{security}", headers=member)
    assert [c["challenge_id"] for c in r.json()["challenges"]] == [challenge_id]
    assert [m["name"] for m in r.json()["members"]] == ["Ziekenhuis Noord"]
    async with api.pool.acquire() as c:
        digest = await digest_network_challenges(c, zorg)
        assert [d.challenge_id for d in digest] == [challenge_id]
        assert await digest_network_challenges(c, gemeente) == []
    r = await api.client.post(
        "/events",
        headers=pm,
        json={
            "kind": "sector_meeting",
            "theme": "Overheden: wat speelt er?",
            "sector": "overheden",
            "starts_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    r = await api.client.get(f"/events/{r.json()['id']}/agenda", headers=member)
    assert [c["challenge_id"] for c in r.json()["challenges"]] == [challenge_id]
    assert r.json()["recent_matches"] == []
