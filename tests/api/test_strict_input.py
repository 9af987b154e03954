"""Input is taken literally: no numbers from text or booleans, no dates from numbers."""

from __future__ import annotations

from typing import Any

import pytest

from matcher.records import Role
from tests.conftest import Api

ORG = {"name": "Strikt", "sector": "ict", "province": "Drenthe", "contact_email": "s@s.nl"}

BAD_PEOPLE: list[tuple[str, Any]] = [
    ("capacity_hours_per_month", True),
    ("capacity_hours_per_month", "12"),
    ("available_from", 1.9e-70),
    ("available_from", 0),
    ("available_from", "1999-12-31"),
    ("available_until", "2026-1-5"),
    ("consent", "true"),
    ("consent", 1),
    ("willing_to_speak", "yes"),
    ("conflict_organisation_ids", ["12"]),
    ("conflict_organisation_ids", [True]),
]


@pytest.mark.parametrize(("field", "value"), BAD_PEOPLE)
async def test_person_fields_refuse_loose_values(api: Api, field: str, value: Any) -> None:
    pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    body = {"organisation_id": org, "name": "Els", "email": "els@s.nl", field: value}
    r = await api.client.post("/people", headers=pm, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in {e["field"].split(".")[0] for e in r.json()["errors"]}


async def test_challenge_and_outcome_refuse_loose_values(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    base = {
        "organisation_id": org,
        "title": "Vraag",
        "description": "Een vraag over datamigratie.",
        "kind": "capacity",
    }
    for extra in (
        {"hours_needed": True},
        {"hours_needed": "12"},
        {"needed_by": 1.9e-70},
        {"starts_on": "1970-01-01"},
        {"organisation_id": str(org)},
    ):
        r = await api.client.post("/challenges", headers=pm, json={**base, **extra})
        assert r.status_code == 422, (extra, r.text)
    ok = await api.client.post(
        "/challenges", headers=pm, json={**base, "hours_needed": 12, "needed_by": "2030-06-30"}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["needed_by"] == "2030-06-30" and ok.json()["hours_needed"] == 12
