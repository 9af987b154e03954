"""Storing is separate from embedding: nothing is lost when the model fails, and it is retried."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import numpy as np

from embeddings.hashing import HashingEmbedder
from matcher.records import Role
from matcher.settings import Settings
from matcher.usecases.embedding import embed_pending, pending_counts
from tests.conftest import Api
from tests.factories import create_organisation, create_person


class FlakyEmbedder:
    """The hashing embedder, failing the first `failures` calls (a model that crashed)."""

    def __init__(self, failures: int) -> None:
        self.inner = HashingEmbedder(64)
        self.failures = failures
        self.calls = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("model crashed")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self._maybe_fail()
        return self.inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self._maybe_fail()
        return self.inner.embed_documents(texts)


async def _seed(api: Api) -> dict[str, str]:
    pm = await api.key(Role.programme_manager)
    org = await create_organisation(api, pm, "O", "zorg")
    member = await api.key(Role.member, org)
    await create_person(
        api,
        member,
        "P",
        email="p@o.example",
        summary="EPD-koppelingen",
        documents=[{"text": "HL7 FHIR"}],
    )
    return member


async def test_failure_keeps_text_records_error_and_retries(api: Api, pool: asyncpg.Pool) -> None:
    member = await _seed(api)
    flaky = FlakyEmbedder(failures=1)
    report = await embed_pending(api.pool, flaky, batch_size=10, max_attempts=3)
    assert report.failed == 2 and report.embedded == 0
    async with api.pool.acquire() as c:
        rows = await c.fetch("SELECT body, embed_attempts, embed_error, embedding FROM document")
        # Make the retry due now instead of after the backoff.
        await c.execute("UPDATE document SET embed_after = now()")
    assert {r["body"] for r in rows} == {"EPD-koppelingen", "HL7 FHIR"}
    assert all(r["embed_attempts"] == 1 and "model crashed" in r["embed_error"] for r in rows)
    assert all(r["embedding"] is None for r in rows)
    person = (await api.client.get("/people", headers=member)).json()["items"][0]
    assert person["embedding_status"] == "pending"
    report = await embed_pending(api.pool, flaky, batch_size=10, max_attempts=3)
    assert report.embedded == 2
    async with api.pool.acquire() as c:
        rows = await c.fetch("SELECT embed_attempts, embed_error, embedding_model FROM document")
    assert all(r["embed_attempts"] == 0 and r["embed_error"] is None for r in rows)
    assert {r["embedding_model"] for r in rows} == {flaky.model_id}


async def test_gives_up_after_max_attempts_and_reports_failed(api: Api) -> None:
    await _seed(api)
    broken = FlakyEmbedder(failures=10_000)
    for _ in range(2):
        await embed_pending(api.pool, broken, batch_size=10, max_attempts=2)
        async with api.pool.acquire() as c:
            await c.execute("UPDATE document SET embed_after = now()")
    counts = await pending_counts(api.pool, broken.model_id, 2)
    assert counts == {"pending": 0, "failed": 2}


async def test_model_change_makes_everything_pending_without_losing_old_vectors(api: Api) -> None:
    await _seed(api)
    await api.drain()
    other = HashingEmbedder(32)
    counts = await pending_counts(api.pool, other.model_id, 6)
    assert counts["pending"] == 2
    report = await embed_pending(api.pool, other)
    assert report.embedded == 2
    async with api.pool.acquire() as c:
        dims = await c.fetch("SELECT DISTINCT embedding_dim, embedding_model FROM document")
        indexes = await c.fetchval(
            "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%\\_embedding\\_hnsw\\_32'"
        )
    assert [(r["embedding_dim"], r["embedding_model"]) for r in dims] == [(32, "hashing-32")]
    assert indexes == 2  # one HNSW index per table for the new dimension, created once


async def test_changed_text_becomes_pending_unchanged_does_not(api: Api) -> None:
    member = await _seed(api)
    await api.drain()
    person = (await api.client.get("/people", headers=member)).json()["items"][0]
    assert person["embedding_status"] == "ready"
    r = await api.client.patch(
        f"/people/{person['id']}", headers=member, json={"role": "Architect"}
    )
    assert r.json()["embedding_status"] == "ready"
    r = await api.client.patch(
        f"/people/{person['id']}", headers=member, json={"summary": "Iets anders"}
    )
    assert r.json()["embedding_status"] == "pending"
    assert await api.drain() == 1


async def test_background_worker_embeds_after_a_write(
    pool: asyncpg.Pool, db_url: str, tmp_path: object
) -> None:
    """The in-process worker wakes on a write and embeds without anyone draining."""
    import httpx

    from api.app import create_app

    settings = Settings(data_dir=tmp_path, embed_in_process=True, cookie_secure=False)  # type: ignore[arg-type]
    app = create_app(settings, database_url=db_url, embedder=HashingEmbedder(64))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            api = Api(app, client)
            member = await _seed(api)
            for _ in range(100):
                people = (await client.get("/people", headers=member)).json()["items"]
                if people[0]["embedding_status"] == "ready":
                    break
                await asyncio.sleep(0.05)
            assert people[0]["embedding_status"] == "ready"
