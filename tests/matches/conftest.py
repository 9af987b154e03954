"""A small network built through the API: three members, keys for every role, helpers to
create people and challenges and to drive a match to any state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from matcher.records import Role
from tests.conftest import Api

TODAY = date.today()
STARTS_ON = TODAY + timedelta(days=7)
NEEDED_BY = TODAY + timedelta(days=67)  # a 61-day window: 22.5 h/month gives 45.1 hours
BIO_DOC = (
    "Informatiebeveiligingsbeleid opgesteld volgens de BIO voor een gemeente, "
    "met risicoanalyse en audit."
)
BIO_DESCRIPTION = (
    "Wij zoeken hulp bij ons informatiebeveiligingsbeleid volgens de BIO en een risicoanalyse."
)

# How each state is reached from 'proposed': (action, who) steps.
PATHS: dict[str, list[tuple[str, str]]] = {
    "proposed": [],
    "approved": [("approve", "pm")],
    "rejected": [("reject", "pm")],
    "introduced": [("approve", "pm"), ("introduce", "pm")],
    "accepted": [("approve", "pm"), ("introduce", "pm"), ("accept", "person_org")],
    "declined": [("approve", "pm"), ("introduce", "pm"), ("decline", "person_org")],
    "completed": [
        ("approve", "pm"),
        ("introduce", "pm"),
        ("accept", "person_org"),
        ("complete", "pm"),
    ],
    "cancelled": [("approve", "pm"), ("cancel", "pm")],
    "cancelled_after_accept": [
        ("approve", "pm"),
        ("introduce", "pm"),
        ("accept", "person_org"),
        ("cancel", "pm"),
    ],
}

BODIES: dict[str, dict[str, Any] | None] = {
    "approve": None,
    "reject": {"reason_code": "wrong_expertise", "note": "Past niet."},
    "introduce": None,
    "accept": None,
    "decline": {"note": "Geen tijd."},
    "complete": {"hours_spent": 8, "outcome_rating": 4},
    "cancel": None,
}


@dataclass
class Net:
    """Organisations A (posts challenges, overheden), B (people, ict) and C (zorg)."""

    api: Api
    org_a: int = 0
    org_b: int = 0
    org_c: int = 0
    keys: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.api.client

    @property
    def pm(self) -> dict[str, str]:
        return self.keys["pm"]

    def headers(self, actor: str) -> dict[str, str]:
        """Auth headers by actor name; 'no_key' sends none, 'bad_key' an unknown key."""
        if actor == "no_key":
            return {}
        if actor == "bad_key":
            return {"Authorization": "Bearer nm_000000000000_not-a-real-secret"}
        return self.keys[actor]

    async def org(self, name: str, sector: str, province: str = "Friesland") -> int:
        r = await self.client.post(
            "/organisations",
            headers=self.pm,
            json={
                "name": name,
                "sector": sector,
                "province": province,
                "contact_email": f"info@{sector}.example",
            },
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    async def person(
        self,
        org: int | None = None,
        name: str = "Anna de Vries",
        *,
        capacity: float = 40.0,
        text: str = BIO_DOC,
        consent: bool = True,
        role: str = "Security officer",
    ) -> int:
        org = org if org is not None else self.org_b
        slug = name.lower().replace(" ", ".")
        r = await self.client.post(
            "/people",
            headers=self.pm,
            json={
                "organisation_id": org,
                "name": name,
                "role": role,
                "email": f"{slug}@people.example",
                "summary": "Specialist informatiebeveiliging en BIO.",
                "consent": consent,
                "capacity_hours_per_month": capacity,
                "documents": [{"kind": "project", "title": "BIO-implementatie", "text": text}],
            },
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    async def challenge(
        self,
        title: str = "BIO-beleid",
        *,
        org: int | None = None,
        description: str = BIO_DESCRIPTION,
        kind: str = "knowledge",
        hours_needed: float | None = 10.0,
        starts_on: date | None = STARTS_ON,
        needed_by: date | None = NEEDED_BY,
    ) -> int:
        body: dict[str, Any] = {
            "organisation_id": org if org is not None else self.org_a,
            "title": title,
            "description": description,
            "kind": kind,
        }
        if hours_needed is not None:
            body["hours_needed"] = hours_needed
        if starts_on is not None:
            body["starts_on"] = starts_on.isoformat()
        if needed_by is not None:
            body["needed_by"] = needed_by.isoformat()
        r = await self.client.post("/challenges", headers=self.pm, json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    async def drain(self) -> None:
        await self.api.drain()

    async def matches_of(self, challenge_id: int) -> list[dict[str, Any]]:
        r = await self.client.get(f"/challenges/{challenge_id}/matches", headers=self.pm)
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    async def match_id(self, challenge_id: int, person_id: int) -> int:
        found = [m for m in await self.matches_of(challenge_id) if m["person_id"] == person_id]
        assert len(found) == 1, f"no single match for person {person_id} on {challenge_id}"
        return int(found[0]["id"])

    async def get(self, match_id: int, actor: str = "pm") -> dict[str, Any]:
        r = await self.client.get(f"/matches/{match_id}", headers=self.headers(actor))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    async def act(
        self,
        match_id: int,
        action: str,
        actor: str = "pm",
        body: dict[str, Any] | None = None,
        *,
        default_body: bool = True,
    ) -> httpx.Response:
        payload = body if body is not None else (BODIES[action] if default_body else None)
        return await self.client.post(
            f"/matches/{match_id}/{action}", headers=self.headers(actor), json=payload
        )

    async def drive(self, match_id: int, state: str) -> None:
        """Take a proposed match to state through the API."""
        for action, actor in PATHS[state]:
            r = await self.act(match_id, action, actor)
            assert r.status_code == 200, (action, r.text)

    async def held_hours(self, person_id: int) -> float:
        async with self.api.pool.acquire() as conn:
            value = await conn.fetchval(
                "SELECT coalesce(sum(hours), 0) FROM capacity_reservation "
                "WHERE person_id = $1 AND state = 'held'",
                person_id,
            )
        return float(value)

    async def reservation(self, match_id: int) -> dict[str, Any] | None:
        async with self.api.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT hours, state, starts_on, ends_on FROM capacity_reservation "
                "WHERE match_id = $1",
                match_id,
            )
        if row is None:
            return None
        return {
            "hours": float(row["hours"]),
            "state": row["state"],
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
        }


@pytest.fixture
async def net(api: Api) -> Net:
    """Three organisations and a key for every kind of caller."""
    n = Net(api)
    n.keys["pm"] = await api.key(Role.programme_manager)
    n.keys["admin"] = await api.key(Role.admin)
    n.org_a = await n.org("Gemeente Leeuwarden", "overheden")
    n.org_b = await n.org("ICT Noord", "ict", "Groningen")
    n.org_c = await n.org("Zorggroep Drenthe", "zorg", "Drenthe")
    n.keys["challenge_org"] = await api.key(Role.member, n.org_a)
    n.keys["person_org"] = await api.key(Role.member, n.org_b)
    n.keys["other_org"] = await api.key(Role.member, n.org_c)
    return n
