"""The programme on the demo: network suggestions against hand labels, and how long the pages' work takes.

    matcher demo load && matcher programme demo     # once, with the model to measure
    python benchmarks/programme.py [--runs 3] [--json]

Runs against the configured database (the embedded one by default) and model. Network
suggestions are scored from descriptions only (as for a new network) against the hand labels
below, then again with the demo's confirmations as past challenges. Timings are wall-clock
per call in this process: speaker suggestions for every coming theme event, and the quarter's
theme discovery.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime
from typing import Any

from embeddings.factory import make_embedder
from matcher import db
from matcher.records import Principal, Role
from matcher.records_programme import EventKind
from matcher.settings import get_settings
from matcher.storage import challenges as challenge_store
from matcher.usecases import networks, programme, speakers, themes

MANAGER = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)

# Which demo challenges belong to which network, labelled by hand from their text.
LABELS = {
    "Digitale veiligheid": {
        "waldmaren-crisisoefening-2027",
        "sudergoa-ot-assessment-gemalen",
        "kustmarke-incidentrespons-afspraken",
        "esdijk-praktijkopdrachten-cyber",
        "dollardkust-phishing-samenwerking",
        "esveld-nis2-themabijeenkomst",
        "veenhaven-privacy-ggz",
        "dolmen-spreker-ot-security-energie",
        "noorderzijl-dpia-capaciteit",
        "lytsewald-ensia-ondersteuning",
        "veenmarke-ot-segmentatie",
        "wadwei-rollenmodel-iam",
        "esakker-iso27001-small-firm",
        "bolsterman-iec62443",
    },
    "Digitaal samenwerken": {
        "feanstreek-teams-governance",
        "fean-en-wald-hybride-zorg",
        "sudermar-genai-beleid-uitwisseling",
    },
}


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
    }


class _Rollback(Exception):
    """Leaves a transaction without keeping its changes, carrying the result out."""

    def __init__(self, value: Any) -> None:
        super().__init__("rollback")
        self.value = value


async def _description_only(conn: Any, embedder: Any) -> dict[str, Any]:
    page = await challenge_store.list_challenges(
        conn, visible_to_organisation=None, limit=500, offset=0
    )
    hits = suggested = 0
    for challenge in page.items:
        if challenge.external_ref is None:
            continue
        try:
            async with conn.transaction():
                await conn.execute("DELETE FROM challenge_network")
                found = await networks.suggest_networks(
                    conn, MANAGER, challenge.id, embedder=embedder
                )
                raise _Rollback(found)
        except _Rollback as done:
            found = done.value
        for s in found:
            if s.score.suggested:
                suggested += 1
                hits += challenge.external_ref in LABELS.get(s.network.name, set())
    return {
        "suggested": suggested,
        "right": hits,
        "labelled": sum(len(v) for v in LABELS.values()),
    }


async def main(runs: int) -> dict[str, Any]:
    settings = get_settings()
    embedder = make_embedder(
        settings.embedding_model,
        query_prefix=settings.query_prefix,
        document_prefix=settings.document_prefix,
        cache_path=settings.embedding_cache_path,
    )
    url = await asyncio.to_thread(db.database_url, settings)
    conn = await db.connect(url)
    try:
        embedder.embed_queries(["opwarmen"])
        coming = await programme.list_programme(
            conn, MANAGER, since=datetime.now(UTC), until=None, kind=EventKind.theme_event
        )
        speaker_times: list[float] = []
        for _ in range(runs):
            for item in coming:
                started = time.perf_counter()
                await speakers.suggest_speakers(
                    conn, MANAGER, item.event.id, embedder=embedder, today=date.today()
                )
                speaker_times.append(time.perf_counter() - started)
        theme_times: list[float] = []
        report = None
        for _ in range(runs):
            started = time.perf_counter()
            report = await themes.discover_themes(
                conn, MANAGER, model_id=embedder.model_id, today=date.today()
            )
            theme_times.append(time.perf_counter() - started)
        assert report is not None
        return {
            "model": embedder.model_id,
            "networks_from_descriptions": await _description_only(conn, embedder),
            "networks_with_past_challenges": await _with_past(conn, embedder),
            "speaker_suggestions": {"calls": len(speaker_times), **_percentiles(speaker_times)},
            "themes": {
                "themes": len(report.themes),
                "challenges": len(report.points),
                **_percentiles(theme_times),
            },
        }
    finally:
        await conn.close()


async def _with_past(conn: Any, embedder: Any) -> dict[str, Any]:
    """New suggestions (not yet confirmed) once the demo's confirmations are past challenges."""
    page = await challenge_store.list_challenges(
        conn, visible_to_organisation=None, limit=500, offset=0
    )
    hits = suggested = 0
    for challenge in page.items:
        if challenge.external_ref is None:
            continue
        found = await networks.suggest_networks(conn, MANAGER, challenge.id, embedder=embedder)
        for s in found:
            if s.score.suggested and not s.confirmed:
                suggested += 1
                hits += challenge.external_ref in LABELS.get(s.network.name, set())
    return {"new_suggested": suggested, "right": hits}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main(args.runs))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
