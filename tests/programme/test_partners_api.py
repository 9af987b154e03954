"""GET /challenges/{id}/partners: organisations by team strength, with people and documents."""

from __future__ import annotations

from matcher.records import Role
from tests.conftest import Api
from tests.programme.helpers import organisation, person

CRISIS = (
    "Digitale crisisoefening met een ransomwarescenario en een gedeeld draaiboek voor gemeenten."
)


async def test_partners_ranked_by_team_with_evidence_and_access_rules(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    municipality = await organisation(api, pm, "Gemeente Noord", "overheden")
    firm = await organisation(api, pm, "Veilig ICT", "ict")
    college = await organisation(api, pm, "Hogeschool Noord", "onderwijs")
    other = await organisation(api, pm, "Woningcorporatie Noord", "wonen")
    await person(api, pm, firm, "Anna Veenstra", CRISIS)
    await person(api, pm, firm, "Bram Dijkstra", CRISIS + " Crisiscommunicatie geoefend.")
    await person(api, pm, college, "Carla Mulder", "Onderwijs over datagedreven roosters.")
    await person(api, pm, municipality, "Eigen Mens", CRISIS)
    member = await api.key(Role.member, municipality)
    r = await api.client.post(
        "/challenges",
        headers=member,
        json={
            "title": "Partner voor een digitale crisisoefening",
            "description": "Wij zoeken een partner om samen een ransomware-crisisoefening met "
            "draaiboek te organiseren.",
            "kind": "partner",
        },
    )
    challenge_id = r.json()["id"]
    r = await api.client.get(f"/challenges/{challenge_id}/partners", headers=member)
    assert r.status_code == 409
    await api.drain()
    r = await api.client.get(f"/challenges/{challenge_id}/partners", headers=member)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items[0]["organisation_name"] == "Veilig ICT"
    assert {p["name"] for p in items[0]["people"]} == {"Anna Veenstra", "Bram Dijkstra"}
    assert items[0]["documents"] and items[0]["cross_sector"] is True
    assert "Gemeente Noord" not in [i["organisation_name"] for i in items]
    assert all("email" not in p for p in items[0]["people"])
    outsider = await api.key(Role.member, other)
    r = await api.client.get(f"/challenges/{challenge_id}/partners", headers=outsider)
    assert r.status_code == 403
    r = await api.client.get(f"/challenges/{challenge_id}/partners", headers=pm)
    assert r.status_code == 200
