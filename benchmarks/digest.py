"""Weekly member digests at scale: 10,000 organisations and 100,000 people, rendered into the outbox.

    python benchmarks/digest.py [--organisations 10000] [--people 100000]

Builds a scratch database on the configured server (the embedded one by default) with
organisations, people, this week's open challenges with their proposed matches, older open
challenges and introductions waiting for an answer; runs `run_member_digest` (the
production use-case: set-based queries, batch rendering with inlined CSS, outbox writes;
nothing is sent), then renders one typical digest on its own many times and prints the
full run against "one digest x N".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime

from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.mailer.render import render
from matcher.settings import get_settings
from matcher.usecases.digest_common import current_week
from matcher.usecases.mail_common import mail_links
from matcher.usecases.member_digest import Recipient, _recipients, context_for, run_member_digest

SECTORS = "ARRAY['overheden','ict','zorg','zakelijk','onderwijs','wonen','energie','industrie','agrofood']"


async def _setup(url: str, organisations: int, people: int) -> None:
    conn = await db.connect(url)
    try:
        new_challenges = max(organisations // 5, 1)
        old_challenges = organisations
        await conn.execute(
            f"""
            INSERT INTO organisation (name, sector_code, province, contact_email)
            SELECT 'Lid ' || g, ({SECTORS})[1 + g % 9], 'Groningen', 'contact' || g || '@leden.example'
            FROM generate_series(1, $1) g
            """,
            organisations,
        )
        await conn.execute(
            """
            INSERT INTO person (organisation_id, name, role, email, consent, capacity_hours_per_month)
            SELECT 1 + (g % $2), 'Persoon ' || g, 'Adviseur', 'p' || g || '@leden.example', true, 8
            FROM generate_series(1, $1) g
            """,
            people,
            organisations,
        )
        # This week's open challenges, then older ones (their organisations' own questions).
        await conn.execute(
            """
            INSERT INTO challenge (organisation_id, title, description, kind, text_hash, created_at)
            SELECT 1 + ((g * 7) % $2), 'Nieuwe vraag ' || g,
                   'Wij zoeken hulp bij informatiebeveiliging en de BIO.', 'knowledge', 'h', now()
            FROM generate_series(1, $1) g
            """,
            new_challenges,
            organisations,
        )
        await conn.execute(
            """
            INSERT INTO challenge (organisation_id, title, description, kind, text_hash, created_at)
            SELECT 1 + ((g * 13) % $2), 'Oudere vraag ' || g, 'Een vraag van eerder.', 'partner',
                   'h', now() - interval '30 days'
            FROM generate_series(1, $1) g
            """,
            old_challenges,
            organisations,
        )
        # Ten proposals per new challenge, with an explanation line as the matcher writes it.
        await conn.execute(
            """
            INSERT INTO match (challenge_id, person_id, state, rank, score, explanation)
            SELECT c.id, 1 + ((c.id * 37 + k * 1013) % $1), 'proposed', k, 1.0 / k,
                   jsonb_build_object('lines', jsonb_build_array(
                       'Bewijs: «BIO-implementatie» sluit aan op informatiebeveiliging'))
            FROM challenge c, generate_series(1, 10) k
            WHERE c.title LIKE 'Nieuwe vraag %'
            ON CONFLICT DO NOTHING
            """,
            people,
        )
        # Introductions waiting for an answer on older challenges.
        await conn.execute(
            """
            WITH intro AS (
                INSERT INTO match (challenge_id, person_id, state, rank, score)
                SELECT c.id, 1 + ((c.id * 53) % $1), 'introduced', 1, 0.9
                FROM challenge c WHERE c.title LIKE 'Oudere vraag %' AND c.id % 5 = 0
                ON CONFLICT DO NOTHING
                RETURNING id
            )
            INSERT INTO match_transition (match_id, from_state, to_state, actor_role, created_at)
            SELECT id, 'approved', 'introduced', 'programme_manager', now() - interval '3 days'
            FROM intro
            """,
            people,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _typical(recipients: list[Recipient]) -> Recipient:
    with_news = [r for r in recipients if r.fits and r.own]
    return with_news[len(with_news) // 2] if with_news else recipients[0]


async def main(organisations: int, people: int, repeats: int) -> None:
    """Build, run the digest, render one digest alone, print the figures."""
    url = db.database_url(get_settings())
    week = current_week()
    async with ScratchDatabase(url) as scratch:
        started = time.perf_counter()
        await _setup(scratch, organisations, people)
        print(
            f"data: {organisations} organisations, {people} people ({time.perf_counter() - started:.1f} s to build)"
        )
        pool = await db.create_pool(scratch, max_size=4)
        try:
            started = time.perf_counter()
            run = await run_member_digest(pool, week)
            full = time.perf_counter() - started
            async with pool.acquire() as conn:
                recipients, _ = await _recipients(conn, week)
                links = await mail_links(conn)
                stored = await conn.fetchval("SELECT count(*) FROM outbox_message")
            one = _typical(recipients)
            now = datetime.now(UTC)
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                render("member_digest", context_for(one, week, links, now))
                times.append(time.perf_counter() - t)
            started = time.perf_counter()
            again = await run_member_digest(pool, week)
            rerun = time.perf_counter() - started
        finally:
            await pool.close()
    single = statistics.median(times)
    n = run.queued
    print(
        f"member digest {week.label}: {n} messages rendered into the outbox ({stored} rows), "
        f"{run.nothing_to_say} recipients with nothing to say"
    )
    print(
        f"  contents: {sum(1 for r in recipients if r.fits)} with fitting new challenges, "
        f"{sum(1 for r in recipients if r.waiting)} with introductions to answer, "
        f"{sum(1 for r in recipients if r.own)} with own open challenges"
    )
    print(f"  full run:               {full:.1f} s ({full / max(n, 1) * 1000:.2f} ms per digest)")
    print(
        f"  one digest alone:       {single * 1000:.2f} ms (median of {repeats}) x {n} = {single * n:.1f} s"
    )
    print(f"  ratio full / (one x N): {full / max(single * n, 1e-9):.2f}")
    print(
        f"  same week again:        {rerun:.1f} s, queued {again.queued} (already {again.already_queued})"
    )
    print(f"  goal: <= 60 s -> {'met' if full <= 60 else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10000)
    parser.add_argument("--people", type=int, default=100000)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.organisations, args.people, args.repeats))
