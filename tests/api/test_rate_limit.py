"""Expensive routes are limited per key: 429 problem with Retry-After, other keys unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.records import Role
from matcher.settings import Settings
from tests.conftest import Api

ORG = {"name": "Noord", "sector": "ict", "province": "Groningen", "contact_email": "i@n.nl"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Three requests a minute on the limited routes."""
    return Settings(
        data_dir=tmp_path, embed_in_process=False, cookie_secure=False, rate_limit="3/minute"
    )


async def test_suggestions_and_queue_are_limited_per_key(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    other_pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    challenge = await api.client.post(
        "/challenges",
        headers=pm,
        json={
            "organisation_id": org,
            "title": "Hulp bij back-ups",
            "description": "Wij zoeken iemand die ons back-upbeleid doorlicht.",
            "kind": "knowledge",
        },
    )
    await api.drain()
    url = f"/challenges/{challenge.json()['id']}/suggestions"
    statuses = [(await api.client.get(url, headers=pm)).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    limited = await api.client.get(url, headers=pm)
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["code"] == "rate_limited"
    assert (await api.client.get(url, headers=other_pm)).status_code == 200
    # Cheap routes are not counted.
    assert (await api.client.get("/sectors", headers=pm)).status_code == 200
    queue = [(await api.client.get("/review/queue", headers=pm)).status_code for _ in range(4)]
    assert queue == [200, 200, 200, 429]


async def test_sign_in_attempts_are_limited(api: Api) -> None:
    r = await api.client.get("/review/login")
    codes = []
    for _ in range(4):
        # Each answer is a fresh sign-in form with a fresh CSRF token, as a browser would use.
        csrf = r.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = await api.client.post(
            "/review/login", data={"csrf_token": csrf, "api_key": "nm_000000000000_geraden"}
        )
        codes.append(r.status_code)
    assert codes == [401, 401, 401, 429]
    assert "Te veel aanmeldpogingen" in r.text and int(r.headers["retry-after"]) >= 1
