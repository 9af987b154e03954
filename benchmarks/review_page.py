"""Size and server-side render time of the paginated review page with 500 open proposals.

    python benchmarks/review_page.py [--challenges 50] [--proposals 10] [--runs 20]

Builds a scratch database on the configured server (the embedded one by default), writes
the queue directly (no embedding), signs in and requests /review in-process (no network):
the time is the whole server side (queries, views, template). Goals, printed not asserted:
page < 300 KB and render < 0.5 s. Before this page was paginated, the demo's 477 proposals
made one 3.1 MB page that took 5.8 s.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from api.app import create_app
from embeddings.hashing import HashingEmbedder
from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.records import Role
from matcher.settings import Settings, get_settings
from matcher.usecases.keys import create_key
from tests.web.bulk_seed import seed_big_queue

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _measure(url: str, challenges: int, proposals: int, runs: int) -> None:
    pool = await db.create_pool(url, max_size=2)
    try:
        async with pool.acquire() as conn:
            await seed_big_queue(conn, challenges=challenges, proposals=proposals, people=200)
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    finally:
        await pool.close()
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp()), embed_in_process=False, cookie_secure=False
    )
    app = create_app(settings, database_url=url, embedder=HashingEmbedder(256))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            form = await client.get("/review/login")
            token = _CSRF.search(form.text)
            assert token is not None
            await client.post("/review/login", data={"api_key": key, "csrf_token": token.group(1)})
            print(
                f"{challenges} open challenges x {proposals} proposals = {challenges * proposals}"
            )
            print(f"{'view':<28}{'KB':>8}{'p50 ms':>10}{'max ms':>10}")
            for label, path in (
                ("page 1 (urgency)", "/review"),
                ("page 3 (sort: score)", "/review?pagina=3&sort=score"),
                ("search", "/review?q=Persoon+01"),
                ("show more (one card)", "/review?meer=1"),
                ("network", "/review/network"),
            ):
                times = []
                size = 0
                for _ in range(runs):
                    started = time.perf_counter()
                    r = await client.get(path)
                    times.append(time.perf_counter() - started)
                    assert r.status_code == 200, r.status_code
                    size = len(r.content)
                print(
                    f"{label:<28}{size / 1024:>8.1f}{statistics.median(times) * 1000:>10.1f}"
                    f"{max(times) * 1000:>10.1f}"
                )
            print("goals: < 300 KB, < 500 ms")


async def main(challenges: int, proposals: int, runs: int) -> None:
    """Scratch database, seed, measure, drop."""
    async with ScratchDatabase(db.database_url(get_settings())) as url:
        await _measure(url, challenges, proposals, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=50)
    parser.add_argument("--proposals", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.challenges, args.proposals, args.runs))
