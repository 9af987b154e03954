"""Suggestions at scale: HTTP latency, exact-scan baseline, candidate SQL, recall, load, memory.

    python benchmarks/scale.py [--sizes 10000,100000] [--requests 200] [--json]
                               [--keep NAME] [--stages]

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
and the first request of a fresh process beside a warm one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np

from embeddings.factory import make_embedder
from matcher import db, migrations
from matcher.evaluation.runner import ScratchDatabase
from matcher.logging import configure_logging
from matcher.matching.capacity import challenge_window
from matcher.matching.lexical import search_lexemes
from matcher.matching.scoring import ScoringConfig, rank, score_candidates
from matcher.records import ChallengeKind, ChallengeQuery, Role, document_text
from matcher.settings import Settings
from matcher.storage import candidates as candidate_store
from matcher.storage import challenges as challenge_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage.embedding_queue import ensure_vector_index
from matcher.storage.people import DocumentInput
from matcher.usecases.embedding import embed_pending, fill_lexical_features
from matcher.usecases.keys import create_key
from matcher.usecases.suggestions import (
    SuggestionOptions,
    apply_active_reranker,
    query_for_challenge,
    score_query,
    to_suggestions,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS_PER_PERSON = 5
CHALLENGES = 50
CLIENTS = 20


def _sentences() -> list[str]:
    """Sentences of the demo people and the Dutch benchmark profiles."""
    texts: list[str] = []
    people = json.loads(
        resources.files("matcher.demo").joinpath("data/people.json").read_text(encoding="utf-8")
    )
    for person in people:
        texts.append(person.get("summary", ""))
        texts += [d.get("text", d.get("body", "")) for d in person.get("documents", [])]
    with (ROOT / "benchmarks/nl_matching/profiles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            texts += [d["text"] for d in json.loads(line)["documents"]]
    out: list[str] = []
    for text in texts:
        out += [s.strip() + "." for s in text.split(". ") if len(s.split()) >= 5]
    return sorted(set(out))


def _challenges() -> list[tuple[str, str]]:
    with (ROOT / "benchmarks/nl_matching/challenges.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [(r.get("title") or "Vraag", r["text"]) for r in rows[:CHALLENGES]]


def _corpus(documents: int, rng: random.Random, sentences: list[str]) -> list[str]:
    """Distinct documents of three to six recombined sentences."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < documents:
        text = " ".join(rng.sample(sentences, rng.randint(3, 6)))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


async def _build(url: str, size: int, settings: Settings) -> dict[str, Any]:
    """Store the corpus and the challenges; returns what the measurements need."""
    rng = random.Random(size)
    embedder = make_embedder(settings.embedding_model, cache_path=settings.embedding_cache_path)
    texts = _corpus(size, rng, _sentences())
    started = time.perf_counter()
    vectors = await asyncio.to_thread(embedder.embed_documents, texts)
    print(
        f"[{size}] {len(texts)} texts embedded in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    people = size // DOCS_PER_PERSON
    organisations = max(80, size // 100)
    conn = await db.connect(url)
    try:
        sectors = [s.code for s in await org_store.list_sectors(conn)]
        org_ids: list[int] = []
        org_of_person: list[int] = []
        consent: list[bool] = []
        async with conn.transaction():
            for i in range(organisations):
                org = await org_store.create_organisation(
                    conn,
                    name=f"Organisatie {i}",
                    sector_code=sectors[i % len(sectors)] if sectors else None,
                    province=("Friesland", "Groningen", "Drenthe")[i % 3],
                    contact_email="",
                )
                org_ids.append(org.id)
            person_ids: list[int] = []
            for i in range(people):
                org_id = org_ids[i % organisations]
                ok = i % 10 != 0
                person_ids.append(
                    await people_store.insert_person(
                        conn,
                        organisation_id=org_id,
                        fields={"name": f"Persoon {i}", "email": "", "consent": ok},
                        documents=(),
                    )
                )
                org_of_person.append(org_id)
                consent.append(ok)
            rows = []
            doc_person: list[int] = []
            for i, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
                index = i % people
                rows.append(
                    (person_ids[index], DocumentInput(kind="other", title="", body=text), vector)
                )
                doc_person.append(index)
            await people_store.add_embedded_documents(conn, rows, model_id=embedder.model_id)
            challenge_ids = []
            challenge_org = []
            for j, (title, text) in enumerate(_challenges()):
                org_id = org_ids[(j * 7) % organisations]
                challenge_ids.append(
                    await challenge_store.insert_challenge(
                        conn,
                        organisation_id=org_id,
                        fields={"title": title, "description": text, "kind": "knowledge"},
                    )
                )
                challenge_org.append(org_id)
        started = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '512MB'")
        await ensure_vector_index(conn, embedder.dimension)
        print(f"[{size}] HNSW built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        await candidate_store.fold_lexeme_frequencies(conn)
        await conn.execute("VACUUM ANALYZE")
        key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    finally:
        await conn.close()
    pool = await db.create_pool(url, max_size=2)
    try:
        await embed_pending(pool, embedder)  # the challenges, as the worker embeds them
        async with pool.acquire() as c:
            rows_ = await c.fetch(
                "SELECT id, embedding FROM challenge WHERE id = ANY($1::bigint[]) ORDER BY id",
                challenge_ids,
            )
    finally:
        await pool.close()
    by_id = {r["id"]: _array(r["embedding"]) for r in rows_}
    return {
        "key": key,
        "model_id": embedder.model_id,
        "vectors": np.asarray(vectors, dtype=np.float32),
        "doc_person": np.asarray(doc_person),
        "person_ids": np.asarray(person_ids),
        "person_org": np.asarray(org_of_person),
        "consent": np.asarray(consent),
        "challenges": [
            (cid, org, by_id[cid]) for cid, org in zip(challenge_ids, challenge_org, strict=True)
        ],
        "texts": {
            cid: document_text(t, d)
            for cid, (t, d) in zip(challenge_ids, _challenges(), strict=True)
        },
    }


def _array(value: Any) -> np.ndarray:
    """A stored vector as numpy (pgvector hands back its own type for an untyped column)."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)


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
    **change: bool,
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
                    for exclude in (None, org):
                        started = time.perf_counter()
                        found = await candidate_store.candidate_person_ids(
                            conn,
                            vector=vector,
                            model_id=data["model_id"],
                            lexemes=lexemes,
                            exclude_organisation_id=exclude,
                            limit=db.CANDIDATE_DOCUMENTS,
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
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _http(
    url: str, data: dict[str, Any], settings: Settings, requests: int
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


async def _kept_database(server_url: str, name: str) -> tuple[str, bool]:
    """The URL of database name (created and migrated if needed) and whether it has a corpus."""
    admin = await asyncpg.connect(server_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await admin.close()
    url = (
        db.url_for_database(server_url, name)
        if exists
        else await db.create_database(server_url, name)
    )
    conn = await asyncpg.connect(url)  # the vector type exists once the migrations ran
    try:
        await migrations.upgrade(conn)
        built = bool(await conn.fetchval("SELECT count(*) FROM challenge"))
    finally:
        await conn.close()
    pool = await db.create_pool(url, max_size=1)
    try:
        await fill_lexical_features(pool)  # what a migration left for the worker
    finally:
        await pool.close()
    return url, built


async def _load(url: str) -> dict[str, Any]:
    """What the measurements need, read back from a corpus built by an earlier run."""
    conn = await db.connect(url)
    try:
        people = await conn.fetch("SELECT id, organisation_id, consent FROM person ORDER BY id")
        index = {r["id"]: i for i, r in enumerate(people)}
        docs = await conn.fetch(
            "SELECT person_id, embedding, embedding_model FROM document ORDER BY id"
        )
        challenges = await conn.fetch(
            "SELECT id, organisation_id, title, description, embedding FROM challenge ORDER BY id"
        )
        key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    finally:
        await conn.close()
    return {
        "key": key,
        "model_id": docs[0]["embedding_model"],
        "vectors": np.asarray([_array(r["embedding"]) for r in docs], dtype=np.float32),
        "doc_person": np.asarray([index[r["person_id"]] for r in docs]),
        "person_ids": np.asarray([r["id"] for r in people]),
        "person_org": np.asarray([r["organisation_id"] for r in people]),
        "consent": np.asarray([r["consent"] for r in people]),
        "challenges": [(r["id"], r["organisation_id"], _array(r["embedding"])) for r in challenges],
        "texts": {r["id"]: document_text(r["title"], r["description"]) for r in challenges},
    }


def _mark(marks: list[tuple[str, float]], stage: str) -> None:
    marks.append((stage, time.perf_counter()))


async def _stages(url: str, data: dict[str, Any], rounds: int = 3) -> dict[str, float]:
    """Mean milliseconds per stage of a warm suggestion request, in process (as the route)."""
    totals: dict[str, float] = defaultdict(float)
    count = 0
    options = SuggestionOptions()
    config = options.config
    pool = await db.create_pool(url, max_size=1)
    try:
        async with pool.acquire() as conn:
            for round_ in range(rounds):
                for cid, _, vector in data["challenges"]:
                    marks = [("start", time.perf_counter())]
                    mark = functools.partial(_mark, marks)

                    challenge = await challenge_store.get_challenge(conn, cid)
                    query = await query_for_challenge(conn, challenge)
                    mark("challenge and its organisation")
                    lexemes = await candidate_store.query_lexemes(conn, query.text)
                    stats = await candidate_store.lexical_stats(conn, lexemes)
                    mark("lexemes and document frequencies")
                    ids = await candidate_store.candidate_person_ids(
                        conn,
                        vector=vector,
                        model_id=data["model_id"],
                        lexemes=search_lexemes(lexemes, stats, wanted=db.CANDIDATE_DOCUMENTS),
                        exclude_organisation_id=query.organisation_id,
                        limit=db.CANDIDATE_DOCUMENTS,
                    )
                    mark("candidate ids (HNSW + full text)")
                    window = challenge_window(query.starts_on, query.needed_by, today=date.today())
                    candidates = await candidate_store.load_candidates(
                        conn,
                        ids,
                        vector=vector,
                        model_id=data["model_id"],
                        window=(window.starts_on, window.ends_on),
                        challenge_id=cid,
                    )
                    mark("loading candidates")
                    scored = score_candidates(
                        query,
                        candidates,
                        query_lexemes=lexemes,
                        stats=stats,
                        today=date.today(),
                        config=config,
                    )
                    mark("scoring")
                    await apply_active_reranker(conn, scored)
                    ranked = rank(scored, top=10, config=config)
                    suggestions = to_suggestions(
                        ranked, query, own_sector_name=None, today=date.today(), options=options
                    )
                    json.dumps([s.explanation for s in suggestions])
                    mark("ranking and explanations")
                    if round_ == 0:
                        continue  # the first round warms caches and plans
                    count += 1
                    for (_, before), (stage, after) in itertools.pairwise(marks):
                        totals[stage] += (after - before) * 1000
    finally:
        await pool.close()
    return {stage: total / max(count, 1) for stage, total in totals.items()}


async def sweep_ef_search(
    size: int, settings: Settings, keep: str | None, values: list[int]
) -> dict[int, dict[str, float]]:
    """Candidate recall and SQL time for each hnsw.ef_search (what the default is chosen by)."""
    server_url = db.database_url(settings)
    async with contextlib.AsyncExitStack() as stack:
        if keep is None:
            url = await stack.enter_async_context(ScratchDatabase(server_url))
            built = False
        else:
            url, built = await _kept_database(server_url, f"{keep}_{size}")
        data = await _load(url) if built else await _build(url, size, settings)
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
    size: int, settings: Settings, requests: int, *, keep: str | None, stages: bool
) -> dict[str, Any]:
    """Build one size (or reuse a kept one) and measure everything."""
    server_url = db.database_url(settings)
    async with contextlib.AsyncExitStack() as stack:
        if keep is None:
            url = await stack.enter_async_context(ScratchDatabase(server_url))
            built = False
        else:
            url, built = await _kept_database(server_url, f"{keep}_{size}")
        data = await _load(url) if built else await _build(url, size, settings)
        scans = [_exact_top_people(data, v, org)[1] for _, org, v in data["challenges"] * 4]
        figures: dict[str, Any] = {"numpy_p95_ms": _p(scans, 0.95)}
        if stages:
            figures["stages"] = await _stages(url, data)
        figures |= await _sql_and_recall(url, data)
        figures |= await _http(url, data, settings, requests)
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
            measure(size, settings, args.requests, keep=args.keep, stages=args.stages)
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
            f"{r['top10_same_as_all_documents']:.3f}"
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
