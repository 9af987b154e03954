"""A big review queue written straight into the database: many challenges, each with proposals.

For paging tests and the review-page benchmark; no embedding is needed because the proposed
matches are written as the matcher would store them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

SECTORS = ("overheden", "ict", "zorg", "onderwijs", "wonen", "energie")


@dataclass(frozen=True, slots=True)
class BigQueue:
    """Ids of what was written."""

    challenge_ids: list[int]
    person_ids: list[int]


def _explanation(rng: random.Random) -> dict[str, object]:
    lines = [
        "Heeft eerder een vergelijkbaar traject gedaan bij een gemeente.",
        "Werkt in een andere sector: een verbinding over de grenzen van de eigen sector.",
        "Heeft in de periode van de vraag nog ruim voldoende uren vrij.",
    ]
    evidence = [
        {
            "document_id": rng.randrange(1, 10**6),
            "kind": "project",
            "title": f"Project {rng.randrange(1000)}",
            "excerpt": "Informatiebeveiligingsbeleid opgesteld volgens de BIO, met risicoanalyse.",
            "share": 0.6,
            "shared_terms": ["informatiebeveiliging", "bio"],
        }
    ]
    return {"lines": lines, "evidence": evidence}


async def seed_big_queue(
    conn: asyncpg.Connection,
    *,
    challenges: int,
    proposals: int,
    people: int = 60,
    seed: int = 3,
) -> BigQueue:
    """challenges open challenges with `proposals` proposed matches each."""
    rng = random.Random(seed)
    orgs = []
    for i in range(12):
        orgs.append(
            await conn.fetchval(
                "INSERT INTO organisation (name, sector_code, province) VALUES ($1, $2, $3) "
                "RETURNING id",
                f"Organisatie {i:02d}",
                SECTORS[i % len(SECTORS)],
                ("Friesland", "Groningen", "Drenthe")[i % 3],
            )
        )
    person_ids = []
    for i in range(people):
        person_ids.append(
            await conn.fetchval(
                """
                INSERT INTO person (organisation_id, name, role, email, summary,
                                    capacity_hours_per_month, consent)
                VALUES ($1, $2, 'Adviseur', $3, 'Informatiebeveiliging en de BIO.', 16, true)
                RETURNING id
                """,
                orgs[i % len(orgs)],
                f"Persoon {i:03d}",
                f"persoon{i}@example.org",
            )
        )
    challenge_ids = []
    today = date.today()
    for i in range(challenges):
        cid = await conn.fetchval(
            """
            INSERT INTO challenge (organisation_id, title, description, kind, hours_needed,
                                   needed_by, text_hash, created_at)
            VALUES ($1, $2, $3, 'capacity', 8, $4, 'seed', now() - make_interval(days => $5))
            RETURNING id
            """,
            orgs[(i * 5) % len(orgs)],
            f"Uitdaging {i:03d} informatiebeveiliging",
            "Wij zoeken hulp bij informatiebeveiliging en risicoanalyse volgens de BIO. " * 3,
            today + timedelta(days=10 + (i * 7) % 120),
            i % 40,
        )
        challenge_ids.append(cid)
        chosen = rng.sample(person_ids, proposals)
        for rank, pid in enumerate(chosen, start=1):
            mid = await conn.fetchval(
                """
                INSERT INTO match (challenge_id, person_id, rank, score, score_parts, explanation)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """,
                cid,
                pid,
                rank,
                round(0.9 - rank * 0.05 - rng.random() * 0.02, 4),
                {"relevance": 0.7, "cross_sector_bonus": 0.05, "score": 0.7},
                _explanation(rng),
            )
            await conn.execute(
                "INSERT INTO match_transition (match_id, to_state, actor_role) "
                "VALUES ($1, 'proposed', 'matcher')",
                mid,
            )
    return BigQueue(challenge_ids=challenge_ids, person_ids=person_ids)
