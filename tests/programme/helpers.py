"""Building a small association through the API for the programme tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


async def organisation(api: Api, pm: dict[str, str], name: str, sector: str) -> int:
    """A member organisation; returns its id."""
    r = await api.client.post(
        "/organisations",
        headers=pm,
        json={
            "name": name,
            "sector": sector,
            "province": "Groningen",
            "contact_email": f"info@{name.lower().replace(' ', '')}.example",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def person(
    api: Api,
    pm: dict[str, str],
    org: int,
    name: str,
    text: str,
    *,
    willing: bool = True,
    consent: bool = True,
    topics: list[str] | None = None,
) -> int:
    """A person with one track-record item; returns its id."""
    body: dict[str, Any] = {
        "organisation_id": org,
        "name": name,
        "email": f"{name.split()[0].lower()}@example.org",
        "summary": text,
        "consent": consent,
        "willing_to_speak": willing,
        "speaker_topics": topics or [],
        "documents": [{"kind": "talk", "title": text[:60], "text": text}],
    }
    r = await api.client.post("/people", headers=pm, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])
