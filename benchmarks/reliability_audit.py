"""Erasure racing the embedding worker, as the audit ran it: counts answers and deadlocks.

    python benchmarks/reliability_audit.py [--rounds 60]

Builds a scratch database on the configured server (the embedded one by default), serves the
app in-process with its embedding worker running, and per round creates a person with 40
documents through the API, waits 0–200 ms and erases them. Prints the status codes of the
erasures and PostgreSQL's own deadlock counter for the database (pg_stat_database), which also
counts deadlocks the service retried. The audit's baseline: 5 of 60 erasures answered 500.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from api.app import create_app
from embeddings.hashing import HashingEmbedder
from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.records import Role
from matcher.settings import Settings, get_settings
from matcher.usecases.keys import create_key


async def _deadlocks(url: str) -> int:
    conn = await db.connect(url)
    try:
        value = await conn.fetchval(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(value or 0)
    finally:
        await conn.close()


async def audit(rounds: int, seed: int) -> None:
    """Run the rounds and print the figures."""
    rng = random.Random(seed)
    server = await asyncio.to_thread(db.database_url, get_settings())
    async with ScratchDatabase(server) as url:
        settings = Settings(
            data_dir=Path(tempfile.mkdtemp(prefix="audit-")),
            embed_in_process=True,
            embed_batch_size=8,
            cookie_secure=False,
            rate_limit="",
        )
        app = create_app(settings, database_url=url, embedder=HashingEmbedder(dimension=256))
        statuses: Counter[int] = Counter()
        before = await _deadlocks(url)
        async with app.router.lifespan_context(app):
            async with app.state.pool.acquire() as conn:
                key = await create_key(conn, role=Role.admin, organisation_id=None)
            headers = {"Authorization": f"Bearer {key}"}
            # A 500 is counted as an answer, as a client would see it.
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://a") as client:
                org = await client.post(
                    "/organisations",
                    headers=headers,
                    json={
                        "name": "Audit",
                        "sector": "ict",
                        "province": "Drenthe",
                        "contact_email": "a@a.nl",
                    },
                )
                org_id = org.json()["id"]
                for n in range(rounds):
                    person = await client.post(
                        "/people",
                        headers=headers,
                        json={
                            "organisation_id": org_id,
                            "name": f"Persoon {n}",
                            "email": f"p{n}@a.nl",
                            "consent": True,
                            "summary": "Netwerken en cloud.",
                            "documents": [
                                {"title": f"Project {i}", "text": f"Migratie {i} naar de cloud."}
                                for i in range(40)
                            ],
                        },
                    )
                    await asyncio.sleep(rng.uniform(0, 0.2))
                    erased = await client.delete(f"/people/{person.json()['id']}", headers=headers)
                    statuses[erased.status_code] += 1
        after = await _deadlocks(url)
    print(f"erasures: {rounds}, statuses: {dict(sorted(statuses.items()))}")
    print(f"5xx: {sum(n for s, n in statuses.items() if s >= 500)} (audit baseline: 5 of 60)")
    print(f"deadlocks detected by PostgreSQL: {after - before}")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(audit(args.rounds, args.seed))


if __name__ == "__main__":
    main()
