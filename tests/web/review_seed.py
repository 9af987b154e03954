"""Seed data for the review-page tests: three sectors, people with capacity, two challenges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg
import httpx

from embeddings.base import Embedder
from matcher.usecases.embedding import embed_pending
from matcher.usecases.proposals import make_proposal_hook


@dataclass(frozen=True, slots=True)
class Seeded:
    """Ids the tests need."""

    gemeente: int
    ict: int
    zorg: int
    bio_challenge: int
    zorg_challenge: int
    bio_title: str
    zorg_title: str


BIO_TITLE = "Informatiebeveiliging volgens de BIO"
ZORG_TITLE = "Spreker over digitale toegankelijkheid"


async def _post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, object]
) -> int:
    r = await client.post(path, headers=headers, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def seed(client: httpx.AsyncClient, pm: dict[str, str]) -> Seeded:
    """Organisations in three sectors, consenting people with capacity, and two challenges."""
    gemeente = await _post(
        client,
        "/organisations",
        pm,
        {
            "name": "Gemeente Noordlaren",
            "sector": "overheden",
            "province": "Groningen",
            "contact_email": "info@noordlaren.example",
        },
    )
    ict = await _post(
        client,
        "/organisations",
        pm,
        {
            "name": "Noord ICT Diensten",
            "sector": "ict",
            "province": "Friesland",
            "contact_email": "info@noordict.example",
        },
    )
    zorg = await _post(
        client,
        "/organisations",
        pm,
        {
            "name": "Zorggroep Drenthe",
            "sector": "zorg",
            "province": "Drenthe",
            "contact_email": "info@zorggroep.example",
        },
    )
    people = [
        (
            ict,
            "Anna de Vries",
            "Security officer",
            40,
            "Specialist informatiebeveiliging en de BIO voor overheden.",
            "BIO-implementatie",
            "Informatiebeveiligingsbeleid en risicoanalyse volgens de BIO opgesteld.",
        ),
        (
            zorg,
            "Bram Jansen",
            "CISO",
            6,
            "Informatiebeveiliging in de zorg, NEN 7510 en de BIO.",
            "NEN 7510 certificering",
            "Informatiebeveiliging en risicoanalyse voor een zorggroep.",
        ),
        (
            gemeente,
            "Carla Smit",
            "Adviseur digitale toegankelijkheid",
            8,
            "Digitale toegankelijkheid van websites en formulieren, WCAG.",
            "Toegankelijkheid gemeentelijke website",
            "Digitale toegankelijkheid getoetst en verbeterd volgens WCAG.",
        ),
    ]
    for org, name, role, hours, summary, title, text in people:
        await _post(
            client,
            "/people",
            pm,
            {
                "organisation_id": org,
                "name": name,
                "role": role,
                "email": name.split()[0].lower() + "@example.org",
                "summary": summary,
                "consent": True,
                "capacity_hours_per_month": hours,
                "willing_to_speak": True,
                "speaker_topics": ["digitale toegankelijkheid"] if org == gemeente else [],
                "documents": [{"kind": "project", "title": title, "text": text}],
            },
        )
    soon = date.today() + timedelta(days=12)
    later = date.today() + timedelta(days=60)
    bio = await _post(
        client,
        "/challenges",
        pm,
        {
            "organisation_id": gemeente,
            "title": BIO_TITLE,
            "kind": "capacity",
            "hours_needed": 8,
            "needed_by": soon.isoformat(),
            "description": "Wij zoeken hulp bij informatiebeveiliging en risicoanalyse volgens de BIO.",
        },
    )
    zorg_challenge = await _post(
        client,
        "/challenges",
        pm,
        {
            "organisation_id": zorg,
            "title": ZORG_TITLE,
            "kind": "speaker",
            "needed_by": later.isoformat(),
            "description": "Voor onze lunchsessie zoeken wij een spreker over digitale toegankelijkheid en WCAG.",
        },
    )
    return Seeded(gemeente, ict, zorg, bio, zorg_challenge, BIO_TITLE, ZORG_TITLE)


async def drain(pool: asyncpg.Pool, embedder: Embedder) -> None:
    """Embed everything and turn each challenge's suggestions into proposed matches."""
    await embed_pending(pool, embedder, on_challenges=make_proposal_hook(embedder.model_id))
