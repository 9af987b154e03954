"""Joint projects: at least two organisations, hours, outputs into track record, from a match."""

from __future__ import annotations

from matcher.records import Role
from tests.conftest import Api
from tests.programme.helpers import organisation, person


async def test_project_rules_outputs_and_track_record(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    a = await organisation(api, pm, "Gemeente Noord", "overheden")
    b = await organisation(api, pm, "Veilig ICT", "ict")
    c = await organisation(api, pm, "Hogeschool Noord", "onderwijs")
    anna = await person(api, pm, b, "Anna Veenstra", "Informatiebeveiliging voor gemeenten.")
    sjoerd = await person(api, pm, a, "Sjoerd Hoekstra", "CISO van een gemeente.")
    member_a = await api.key(Role.member, a)
    base = {"title": "Digitale crisisoefening", "goal": "Samen een ransomware-oefening houden."}
    r = await api.client.post(
        "/projects", headers=pm, json={**base, "participants": [{"organisation_id": a}]}
    )
    assert r.status_code == 422 and r.json()["code"] == "project_needs_two_organisations"
    r = await api.client.post(
        "/projects",
        headers=pm,
        json={**base, "participants": [{"organisation_id": a}, {"organisation_id": a}]},
    )
    assert r.status_code == 422
    r = await api.client.post(
        "/projects",
        headers=pm,
        json={
            **base,
            "participants": [
                {"organisation_id": a, "contact_person_id": anna},
                {"organisation_id": b},
            ],
        },
    )
    assert r.status_code == 422  # Anna does not work for the municipality
    participants = [
        {"organisation_id": a, "contact_person_id": sjoerd, "hours_pledged": 40},
        {"organisation_id": b, "contact_person_id": anna, "hours_pledged": 24},
    ]
    r = await api.client.post(
        "/projects", headers=member_a, json={**base, "participants": participants}
    )
    assert r.status_code == 403
    r = await api.client.post("/projects", headers=pm, json={**base, "participants": participants})
    assert r.status_code == 201, r.text
    project = r.json()
    assert project["hours_pledged"] == 64 and project["state"] == "running"
    pid = project["id"]
    r = await api.client.put(
        f"/projects/{pid}/participants", headers=pm, json={"organisation_id": c, "hours_pledged": 8}
    )
    assert len(r.json()["participants"]) == 3
    r = await api.client.put(
        f"/projects/{pid}/participants/{b}/hours", headers=member_a, json={"hours_spent": 5}
    )
    assert r.status_code == 403
    r = await api.client.put(
        f"/projects/{pid}/participants/{a}/hours", headers=member_a, json={"hours_spent": 12.5}
    )
    assert r.status_code == 200 and r.json()["hours_spent"] == 12.5
    r = await api.client.post(
        f"/projects/{pid}/outputs",
        headers=pm,
        json={
            "kind": "playbook",
            "title": "Draaiboek digitale crisis",
            "summary": "Wie belt wie in het eerste uur na een ransomware-aanval.",
            "url": "https://leden.example/draaiboek.pdf",
        },
    )
    assert r.status_code == 201, r.text
    (output,) = r.json()["outputs"]
    assert len(output["track_record_document_ids"]) == 2  # the two contact persons
    r = await api.client.post(
        f"/projects/{pid}/outputs",
        headers=pm,
        json={"kind": "playbook", "title": "Draaiboek digitale crisis", "summary": "Nogmaals."},
    )
    assert r.status_code == 409
    r = await api.client.get(f"/people/{anna}", headers=pm)
    titles = [d["title"] for d in r.json()["documents"]]
    assert "Draaiboek: Draaiboek digitale crisis" in titles
    # Every member sees the project and its outputs, not other organisations' contacts.
    other = await api.key(Role.member, c)
    r = await api.client.get(f"/projects/{pid}", headers=other)
    assert r.json()["outputs"][0]["title"] == "Draaiboek digitale crisis"
    contacts = {p["organisation_id"]: p["contact_person_name"] for p in r.json()["participants"]}
    assert contacts[a] is None and contacts[b] is None
    r = await api.client.post(f"/projects/{pid}/state", headers=pm, json={"state": "completed"})
    assert r.json()["state"] == "completed"
    r = await api.client.put(
        f"/projects/{pid}/participants", headers=pm, json={"organisation_id": c}
    )
    assert r.status_code == 409


async def test_an_accepted_partner_match_becomes_a_project(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    a = await organisation(api, pm, "Gemeente Noord", "overheden")
    b = await organisation(api, pm, "Veilig ICT", "ict")
    anna = await person(api, pm, b, "Anna Veenstra", "Ransomware crisisoefening organiseren.")
    member_a = await api.key(Role.member, a)
    member_b = await api.key(Role.member, b)
    r = await api.client.post(
        "/challenges",
        headers=member_a,
        json={
            "title": "Partner voor crisisoefening",
            "description": "Wij zoeken een partner voor een ransomware crisisoefening.",
            "kind": "partner",
        },
    )
    challenge_id = r.json()["id"]
    await api.drain()
    r = await api.client.get(f"/challenges/{challenge_id}/matches", headers=pm)
    (match,) = [m for m in r.json()["items"] if m["person_id"] == anna]
    mid = match["id"]
    r = await api.client.post(f"/matches/{mid}/project", headers=pm)
    assert r.status_code == 409 and r.json()["code"] == "match_not_accepted"
    for step, headers in (("approve", pm), ("introduce", pm), ("accept", member_b)):
        r = await api.client.post(f"/matches/{mid}/{step}", headers=headers)
        assert r.status_code == 200, (step, r.text)
    r = await api.client.post(f"/matches/{mid}/project", headers=pm)
    assert r.status_code == 201, r.text
    project = r.json()
    assert {p["organisation_id"] for p in project["participants"]} == {a, b}
    assert project["title"] == "Partner voor crisisoefening" and project["match_id"] == mid
    r = await api.client.post(f"/matches/{mid}/project", headers=pm)
    assert r.status_code == 409
