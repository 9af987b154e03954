"""Bodies: refused unread when unauthenticated or too large; response headers on JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator

from matcher.records import Role
from tests.conftest import Api

MB = 1024 * 1024


class CountingBody:
    """A 100 MB request body sent in 1 MB chunks, counting how many the server pulled."""

    def __init__(self, chunks: int = 100) -> None:
        self.chunks = chunks
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield b"x" * MB


async def test_unauthenticated_body_is_refused_before_it_is_read(api: Api) -> None:
    body = CountingBody()
    r = await api.client.post("/people", content=body)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert body.sent == 0
    malformed = CountingBody()
    r = await api.client.post(
        "/people", content=malformed, headers={"Authorization": "Bearer geen-sleutel"}
    )
    assert r.status_code == 401 and malformed.sent == 0
    unknown = CountingBody()
    r = await api.client.post(
        "/people",
        content=unknown,
        headers={"Authorization": "Bearer nm_000000000000_welgevormd-maar-onbekend"},
    )
    assert r.status_code == 401 and unknown.sent == 0
    revoked_headers = await api.key(Role.programme_manager)
    async with api.pool.acquire() as conn:
        await conn.execute("UPDATE api_key SET revoked_at = now()")
    revoked = CountingBody()
    r = await api.client.post("/people", content=revoked, headers=revoked_headers)
    assert r.status_code == 401 and revoked.sent == 0


async def test_oversized_body_gets_413_without_reading_it_all(api: Api) -> None:
    headers = await api.key(Role.programme_manager)
    streamed = CountingBody()
    r = await api.client.post("/people", content=streamed, headers=headers)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "body_too_large"
    assert streamed.sent <= 2
    declared = await api.client.post(
        "/people",
        content=b"{}",
        headers={**headers, "Content-Length": str(50 * MB), "Content-Type": "application/json"},
    )
    assert declared.status_code == 413
    fits = await api.client.post(
        "/organisations",
        headers=headers,
        json={
            "name": "Klein genoeg",
            "sector": "ict",
            "province": "Drenthe",
            "contact_email": "k@g.nl",
        },
    )
    assert fits.status_code == 201


async def test_json_responses_are_not_cached_or_sniffed(api: Api) -> None:
    headers = await api.key(Role.programme_manager)
    for response in (
        await api.client.get("/sectors", headers=headers),
        await api.client.get("/people/999", headers=headers),
        await api.client.get("/sectors"),
        await api.client.get("/openapi.json"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
    page = await api.client.get("/review/login")
    assert page.headers["x-content-type-options"] == "nosniff"
