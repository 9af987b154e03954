"""The scale benchmark's corpus: built through the storage code, or read back when kept."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np

from embeddings.factory import make_embedder
from matcher import db, migrations
from matcher.inputs import DocumentInput, NewChallenge, NewPerson
from matcher.records import ChallengeKind, Role, document_text
from matcher.settings import Settings
from matcher.storage import candidates as candidate_store
from matcher.storage import challenges as challenge_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage.embedding_queue import ensure_vector_index
from matcher.usecases.embedding import embed_pending, fill_lexical_features
from matcher.usecases.keys import create_key

ROOT = Path(__file__).resolve().parents[1]
DOCS_PER_PERSON = 5
CHALLENGES = 50


def sentences() -> list[str]:
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


def challenge_texts() -> list[tuple[str, str]]:
    with (ROOT / "benchmarks/nl_matching/challenges.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [(r.get("title") or "Vraag", r["text"]) for r in rows[:CHALLENGES]]


def corpus(documents: int, rng: random.Random, sentences: list[str]) -> list[str]:
    """Distinct documents of three to six recombined sentences."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < documents:
        text = " ".join(rng.sample(sentences, rng.randint(3, 6)))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


async def build_corpus(url: str, size: int, settings: Settings) -> dict[str, Any]:
    """Store the corpus and the challenges; returns what the measurements need."""
    rng = random.Random(size)
    embedder = make_embedder(settings.embedding_model, cache_path=settings.embedding_cache_path)
    texts = corpus(size, rng, sentences())
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
                        person=NewPerson(name=f"Persoon {i}", email="", consent=ok),
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
            for j, (title, text) in enumerate(challenge_texts()):
                org_id = org_ids[(j * 7) % organisations]
                challenge_ids.append(
                    await challenge_store.insert_challenge(
                        conn,
                        organisation_id=org_id,
                        challenge=NewChallenge(
                            title=title, description=text, kind=ChallengeKind.knowledge
                        ),
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
    by_id = {r["id"]: as_array(r["embedding"]) for r in rows_}
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
            for cid, (t, d) in zip(challenge_ids, challenge_texts(), strict=True)
        },
    }


def as_array(value: Any) -> np.ndarray:
    """A stored vector as numpy (pgvector hands back its own type for an untyped column)."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)


async def kept_database(server_url: str, name: str) -> tuple[str, bool]:
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


async def load_corpus(url: str) -> dict[str, Any]:
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
        "vectors": np.asarray([as_array(r["embedding"]) for r in docs], dtype=np.float32),
        "doc_person": np.asarray([index[r["person_id"]] for r in docs]),
        "person_ids": np.asarray([r["id"] for r in people]),
        "person_org": np.asarray([r["organisation_id"] for r in people]),
        "consent": np.asarray([r["consent"] for r in people]),
        "challenges": [
            (r["id"], r["organisation_id"], as_array(r["embedding"])) for r in challenges
        ],
        "texts": {r["id"]: document_text(r["title"], r["description"]) for r in challenges},
    }
