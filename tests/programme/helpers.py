"""Building a small association through the API for the programme tests."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import create_organisation, create_person


async def organisation(api: Api, pm: dict[str, str], name: str, sector: str) -> int:
    """A member organisation; returns its id."""
    return await create_organisation(api, pm, name, sector)


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
    return await create_person(
        api,
        pm,
        name,
        organisation_id=org,
        summary=text,
        consent=consent,
        willing_to_speak=willing,
        speaker_topics=topics or [],
        documents=[{"kind": "talk", "title": text[:60], "text": text}],
    )
