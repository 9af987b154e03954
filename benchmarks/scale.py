"""Suggestions at scale: HTTP latency, exact-scan baseline, candidate SQL, recall, load, memory.

    python benchmarks/scale.py [--sizes 10000,100000] [--requests 200] [--json]
                               [--keep NAME] [--stages] [--workers N] [--no-overlap]
                               [--ceiling]

For each size, builds a corpus in a scratch database on the configured server (the
embedded one by default) through the project's own storage code: organisations across the
sectors, people with five documents each (10% without consent), texts recombined from the
demo network and the Dutch benchmark, vectors from the default backend (cached by model and
text hash in the data directory, so a second run embeds nothing), and 50 Dutch challenges
embedded by the worker's own code. Then serves the app with uvicorn in a subprocess and
prints, side by side from one run:

- suggestion latency through HTTP (p50/p95 over the warm requests),
- a numpy exact scan over the same vectors (the floor any index is judged against),
- the raw candidate SQL (`candidate_person_ids`, dense + full text, as the service runs it),
- candidate recall@10: the exact top-10 people by best-document cosine among the candidates,
  with the own-organisation filter ("filtered") and without it (consent always applies),
- throughput and p95 with 20 concurrent clients, errors, and the server's resident memory.

`--keep NAME` builds each size into the database NAME_<size> once and reuses it on later
runs (migrations applied); `--stages` adds where a warm request's time goes, stage by stage,
and the first request of a fresh process beside a warm one. `--workers N` serves with N
uvicorn processes (memory is their sum); `--no-overlap` skips measuring what each scoring
shortcut changes in the final top 10; `--ceiling` adds what the database part of a request
sustains alone with 20 clients (benchmarks/scale_ceiling.py). The embedded server sizes its
shared memory to its data at its next start: after building a large corpus, restart it
before measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np
from scale_ceiling import database_ceiling
from scale_corpus import ROOT, build_corpus, kept_database, load_corpus
from scale_stages import stage_times

from matcher import db
from matcher.evaluation.runner import ScratchDatabase
from matcher.logging import configure_logging
from matcher.matching.lexical import search_lexemes
from matcher.matching.scoring import ScoringConfig, rank
from matcher.records import ChallengeKind, ChallengeQuery
from matcher.settings import Settings
from matcher.storage import candidates as candidate_store
from matcher.usecases.suggestions import score_query

CLIENTS = 20


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def _exact_top_people(
    data: dict[str, Any], vector: np.ndarray, exclude_org: int | None, k: int = 10
) -> tuple[set[int], float]:
    """The exact top-k people by best-document cosine, and the time of the scan itself.

    The timed part is what an index replaces: every document's cosine and the nearest
    candidate documents.
    """
    started = time.perf_counter()
    sims = data["vectors"] @ vector
    np.argpartition(-sims, db.CANDIDATE_DOCUMENTS)[: db.CANDIDATE_DOCUMENTS]
    elapsed = time.perf_counter() - started
    best: list[int] = []
    for doc in np.argsort(-sims, kind="stable"):
        index = int(data["doc_person"][doc])
        if index in best or not data["consent"][index]:
            continue
        if exclude_org is not None and data["person_org"][index] == exclude_org:
            continue
        best.append(index)
        if len(best) >= k:
            break
    return {int(data["person_ids"][i]) for i in best}, elapsed


async def _top10_overlap(
    conn: asyncpg.Connection,
    data: dict[str, Any],
    cid: int,
    org: int,
    vector: np.ndarray,
    **change: object,
) -> float:
    """Share of the final top 10 that stays with one switch of the scoring changed."""
    query = ChallengeQuery(
        text=data["texts"][cid],
        kind=ChallengeKind.knowledge,
        organisation_id=org,
        sector_code=None,
        province=None,
        hours_needed=None,
        starts_on=None,
        needed_by=None,
    )
    tops = []
    for config in (ScoringConfig(), replace(ScoringConfig(), **change)):  # type: ignore[arg-type]
        scored = await score_query(
            conn, query, vector, model_id=data["model_id"], today=date.today(), config=config
        )
        tops.append({s.candidate.person_id for s in rank(scored, top=10, config=config)})
    return len(tops[0] & tops[1]) / max(len(tops[1]), 1)


async def _sql_and_recall(
    url: str, data: dict[str, Any], *, overlap: bool = True
) -> dict[str, float]:
    pool = await db.create_pool(url, max_size=2)
    times: list[float] = []
    recall: list[float] = []
    recall_filtered: list[float] = []
    top_kept: list[float] = []
    top_nearest: list[float] = []
    top_lexical: list[float] = []
    try:
        for _ in range(2):
            for cid, org, vector in data["challenges"]:
                async with pool.acquire() as conn:
                    every = await candidate_store.query_lexemes(conn, data["texts"][cid])
                    stats = await candidate_store.lexical_stats(conn, every)
                    lexemes = search_lexemes(every, stats, wanted=db.CANDIDATE_DOCUMENTS)
                    # What the selective full-text query changes in the final top 10,
                    # against the query with every lexeme (the service before).
                    if overlap and len(top_kept) < len(data["challenges"]):
                        top_kept.append(
                            await _top10_overlap(
                                conn, data, cid, org, vector, selective_lexical_candidates=False
                            )
                        )
                        top_nearest.append(
                            await _top10_overlap(
                                conn, data, cid, org, vector, nearest_documents_only=False
                            )
                        )
                        top_lexical.append(
                            await _top10_overlap(
                                conn,
                                data,
                                cid,
                                org,
                                vector,
                                lexical_candidate_documents=db.CANDIDATE_DOCUMENTS,
                            )
                        )
                    for exclude in (None, org):
                        started = time.perf_counter()
                        found = await candidate_store.candidate_person_ids(
                            conn,
                            vector=vector,
                            model_id=data["model_id"],
                            lexemes=lexemes,
                            exclude_organisation_id=exclude,
                            limit=db.CANDIDATE_DOCUMENTS,
                            lexical_limit=ScoringConfig().lexical_candidate_documents,
                        )
                        if exclude is not None:
                            times.append(time.perf_counter() - started)
                        exact, _ = _exact_top_people(data, vector, exclude)
                        share = len(exact & set(found)) / len(exact)
                        (recall if exclude is None else recall_filtered).append(share)
    finally:
        await pool.close()
    return {
        "sql_p95_ms": _p(times, 0.95),
        "recall_at_10": statistics.fmean(recall),
        "recall_at_10_filtered": statistics.fmean(recall_filtered),
        "recall_worst": min(recall + recall_filtered),
        "top10_same_as_all_lexemes": statistics.fmean(top_kept) if top_kept else math.nan,
        "top10_same_as_all_documents": statistics.fmean(top_nearest) if top_nearest else math.nan,
        "top10_same_as_more_lexical": statistics.fmean(top_lexical) if top_lexical else math.nan,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's worker processes)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += _rss_mb(int(child))
    return total


async def _http(
    url: str, data: dict[str, Any], settings: Settings, requests: int, workers: int
) -> dict[str, float]:
    port = _free_port()
    env = os.environ | {
        "MATCHER_DATABASE_URL": url,
        "MATCHER_EMBED_IN_PROCESS": "false",
        "MATCHER_DATA_DIR": str(settings.data_dir.resolve()),
        "MATCHER_LOG_LEVEL": "WARNING",
        "MATCHER_RATE_LIMIT": "",  # the benchmark is the only client
    }
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before the timed part)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
    )
    headers = {"Authorization": f"Bearer {data['key']}"}
    ids = [cid for cid, _, _ in data["challenges"]]
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60
        ) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                await asyncio.sleep(0.3)

            async def one(cid: int) -> tuple[float, int]:
                started = time.perf_counter()
                r = await client.get(f"/challenges/{cid}/suggestions?top=10")
                return time.perf_counter() - started, r.status_code

            # The first request of each challenge in a fresh process: what a restart costs.
            first_pass = [await one(cid) for cid in ids]
            sequential = [await one(ids[i % len(ids)]) for i in range(requests)]
            queue = [ids[i % len(ids)] for i in range(requests * 2)]
            concurrent: list[tuple[float, int]] = []

            async def client_loop() -> None:
                while queue:
                    concurrent.append(await one(queue.pop()))

            started = time.perf_counter()
            await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
            wall = time.perf_counter() - started
        rss = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = sum(1 for _, status in first_pass + sequential + concurrent if status != 200)
    return {
        "first_pass_p50_ms": _p([t for t, _ in first_pass], 0.5),
        "p50_ms": _p([t for t, _ in sequential], 0.5),
        "p95_ms": _p([t for t, _ in sequential], 0.95),
        "rps_20_clients": len(concurrent) / wall,
        "p95_ms_20_clients": _p([t for t, _ in concurrent], 0.95),
        "errors": errors,
        "rss_mb": rss,
    }


async def _warn_if_memory_pending(url: str) -> None:
    """Say so when the server runs with less shared memory than its data size calls for."""
    conn = await asyncpg.connect(url)
    try:
        pending = await conn.fetchval(
            "SELECT pending_restart FROM pg_settings WHERE name = 'shared_buffers'"
        )
    finally:
        await conn.close()
    if pending:
        print(
            "note: the server's shared_buffers grows with its data at its next start "
            "(matcher.db.memory_settings); restart it for representative figures",
            file=sys.stderr,
        )


async def _corpus(
    stack: contextlib.AsyncExitStack, size: int, settings: Settings, keep: str | None
) -> tuple[str, dict[str, Any]]:
    """The database of one size (scratch for the stack's lifetime, or kept) and its corpus."""
    server_url = db.database_url(settings)
    if keep is None:
        url = await stack.enter_async_context(ScratchDatabase(server_url))
        built = False
    else:
        url, built = await kept_database(server_url, f"{keep}_{size}")
    data = await load_corpus(url) if built else await build_corpus(url, size, settings)
    await _warn_if_memory_pending(url)
    return url, data


async def sweep_ef_search(
    size: int, settings: Settings, keep: str | None, values: list[int]
) -> dict[int, dict[str, float]]:
    """Candidate recall and SQL time for each hnsw.ef_search (what the default is chosen by)."""
    async with contextlib.AsyncExitStack() as stack:
        url, data = await _corpus(stack, size, settings, keep)
        out: dict[int, dict[str, float]] = {}
        default = db.SEARCH_SETTINGS["hnsw.ef_search"]
        try:
            for ef in values:
                db.SEARCH_SETTINGS["hnsw.ef_search"] = str(ef)
                out[ef] = await _sql_and_recall(url, data, overlap=False)
        finally:
            db.SEARCH_SETTINGS["hnsw.ef_search"] = default
    return out


async def measure(
    size: int,
    settings: Settings,
    requests: int,
    *,
    keep: str | None,
    stages: bool,
    workers: int = 1,
    overlap: bool = True,
    ceiling: bool = False,
) -> dict[str, Any]:
    """Build one size (or reuse a kept one) and measure everything."""
    async with contextlib.AsyncExitStack() as stack:
        url, data = await _corpus(stack, size, settings, keep)
        scans = [_exact_top_people(data, v, org)[1] for _, org, v in data["challenges"] * 4]
        figures: dict[str, Any] = {"numpy_p95_ms": _p(scans, 0.95)}
        if stages:
            figures["stages"] = await stage_times(url, data)
        if ceiling:
            figures |= await database_ceiling(url, data, requests)
        figures |= await _sql_and_recall(url, data, overlap=overlap)
        figures |= await _http(url, data, settings, requests, workers)
    figures["ratio_p95_to_numpy"] = figures["p95_ms"] / figures["numpy_p95_ms"]
    return figures


def main() -> int:
    """Measure each size and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--json-file", type=Path, help="also write the JSON object to this file")
    parser.add_argument("--keep", metavar="NAME", help="build into NAME_<size> once, then reuse")
    parser.add_argument("--stages", action="store_true", help="time each stage of a request")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (uvicorn --workers), default 1"
    )
    parser.add_argument(
        "--no-overlap",
        action="store_true",
        help="skip what each scoring shortcut changes in the final top 10 (the slow part)",
    )
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="also what the database part of a request sustains alone with 20 clients",
    )
    parser.add_argument(
        "--ef-search",
        metavar="LIST",
        help="only candidate recall and SQL time for each hnsw.ef_search, e.g. 100,200,400",
    )
    args = parser.parse_args()
    configure_logging("WARNING")
    settings = Settings()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.ef_search:
        values = [int(v) for v in args.ef_search.split(",") if v.strip()]
        print("| documents | ef_search | recall@10 | filtered | worst | candidate SQL p95 |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for size in sizes:
            for ef, r in asyncio.run(sweep_ef_search(size, settings, args.keep, values)).items():
                print(
                    f"| {size:,} | {ef} | {r['recall_at_10']:.3f} | "
                    f"{r['recall_at_10_filtered']:.3f} | {r['recall_worst']:.2f} | "
                    f"{r['sql_p95_ms']:.0f} ms |"
                )
        return 0
    results = {
        str(size): asyncio.run(
            measure(
                size,
                settings,
                args.requests,
                keep=args.keep,
                stages=args.stages,
                workers=args.workers,
                overlap=not args.no_overlap,
                ceiling=args.ceiling,
            )
        )
        for size in sizes
    }
    if args.json or args.json_file:
        keys = (
            "p50_ms",
            "p95_ms",
            "numpy_p95_ms",
            "sql_p95_ms",
            "recall_at_10",
            "recall_at_10_filtered",
            "rps_20_clients",
            "p95_ms_20_clients",
            "errors",
            "rss_mb",
            "first_pass_p50_ms",
        )
        text = json.dumps({s: {k: r[k] for k in keys} for s, r in results.items()})
        if args.json_file:
            args.json_file.write_text(text + "\n", encoding="utf-8")
        if args.json:
            print(text)
            return 0
    print(
        "| documents | HTTP p50 | HTTP p95 | numpy p95 | p95 ratio | candidate SQL p95 | "
        "recall@10 | filtered | 20 clients | p95 at 20 | errors | RSS |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, r in results.items():
        print(
            f"| {int(size):,} | {r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms | "
            f"{r['numpy_p95_ms']:.1f} ms | {r['ratio_p95_to_numpy']:.0f}x | "
            f"{r['sql_p95_ms']:.0f} ms | {r['recall_at_10']:.3f} | "
            f"{r['recall_at_10_filtered']:.3f} | {r['rps_20_clients']:.1f} req/s | "
            f"{r['p95_ms_20_clients']:.0f} ms | {r['errors']} | {r['rss_mb']:.0f} MB |"
        )
    for size, r in results.items():
        print(
            f"{int(size):,}: first request per challenge after a start p50 "
            f"{r['first_pass_p50_ms']:.0f} ms (warm p50 {r['p50_ms']:.0f} ms)"
        )
        if "stages" in r:
            total = sum(r["stages"].values())
            print(f"\n{int(size):,} documents, a warm request in process ({total:.0f} ms):\n")
            print("| stage | ms | share |\n| --- | ---: | ---: |")
            for stage, ms in r["stages"].items():
                print(f"| {stage} | {ms:.1f} | {ms / total:.0%} |")
            print()
    for size, r in results.items():
        print(
            f"{int(size):,}: worst recall@10 {r['recall_worst']:.2f}; final top 10 shared with "
            f"the full-text query over every lexeme: {r['top10_same_as_all_lexemes']:.3f}, "
            f"with every document of each candidate scored: "
            f"{r['top10_same_as_all_documents']:.3f}, with {db.CANDIDATE_DOCUMENTS} full-text "
            f"candidate documents: {r['top10_same_as_more_lexical']:.3f}"
        )
        if "database_rps_20_clients" in r:
            print(
                f"{int(size):,}: with 20 clients the database part of a request alone "
                f"(until its candidates are loaded) sustains {r['database_rps_20_clients']:.1f} "
                f"req/s, its dense candidate query alone {r['dense_rps_20_clients']:.1f} req/s"
            )
    if len(results) >= 2:
        runs = list(results.values())
        first, last = runs[0], runs[-1]
        print(
            f"\ncost growth (HTTP p95) from {sizes[0]:,} to {sizes[-1]:,} documents: "
            f"{last['p95_ms'] / first['p95_ms']:.1f}x for {sizes[-1] / sizes[0]:.0f}x the data"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
