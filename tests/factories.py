"""Request bodies for the organisations, people and challenges the API tests build."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

CHALLENGE_DESCRIPTION = "Wij zoeken hulp bij ons informatiebeveiligingsbeleid volgens de BIO."


def organisation_body(
    name: str, sector: str = "overheden", *, province: str = "Groningen", email: str | None = None
) -> dict[str, Any]:
    """A member organisation as POST /organisations takes it."""
    slug = "".join(ch for ch in name.lower() if ch.isalnum()) or "org"
    return {
        "name": name,
        "sector": sector,
        "province": province,
        "contact_email": email or f"info@{slug}.example",
    }


def person_body(name: str, *, organisation_id: int | None = None, **fields: Any) -> dict[str, Any]:
    """A staff profile as POST /people takes it (email derived from the first name)."""
    body: dict[str, Any] = {"name": name, "email": f"{name.split()[0].lower()}@example.org"}
    if organisation_id is not None:
        body["organisation_id"] = organisation_id
    return {**body, **fields}


def challenge_body(
    title: str = "BIO-beleid op orde",
    description: str = CHALLENGE_DESCRIPTION,
    kind: str = "knowledge",
    **fields: Any,
) -> dict[str, Any]:
    """A challenge as POST /challenges takes it."""
    return {"title": title, "description": description, "kind": kind, **fields}


async def _created(api: Api, path: str, headers: dict[str, str], body: dict[str, Any]) -> int:
    r = await api.client.post(path, headers=headers, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def create_organisation(
    api: Api, headers: dict[str, str], name: str, sector: str = "overheden", **fields: Any
) -> int:
    """POST an organisation; returns its id."""
    return await _created(api, "/organisations", headers, organisation_body(name, sector, **fields))


async def create_person(
    api: Api,
    headers: dict[str, str],
    name: str,
    *,
    organisation_id: int | None = None,
    **fields: Any,
) -> int:
    """POST a person; returns its id."""
    body = person_body(name, organisation_id=organisation_id, **fields)
    return await _created(api, "/people", headers, body)


async def create_challenge(api: Api, headers: dict[str, str], **fields: Any) -> int:
    """POST a challenge; returns its id."""
    return await _created(api, "/challenges", headers, challenge_body(**fields))
