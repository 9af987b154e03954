"""Every request carries an id into its log lines and its answer; the caller is named by key id."""

from __future__ import annotations

import re

import pytest
import structlog

from matcher.records import Role
from tests.conftest import Api

# A NUL in a text query parameter reaches PostgreSQL, which refuses it: the app answers 422
# and logs a warning, a real log line written inside the request.
REFUSED = "/organisations?sector=a%00b"


def _lines_with(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


async def test_log_lines_carry_the_request_id_and_the_caller(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    pm = await api.key(Role.programme_manager)
    secret = pm["Authorization"].removeprefix("Bearer ")
    capsys.readouterr()
    r = await api.client.get(REFUSED, headers={**pm, "X-Request-ID": "proxy-7f3a.1"})
    assert r.status_code == 422, r.text
    assert r.headers["x-request-id"] == "proxy-7f3a.1"
    logged = _lines_with(capsys.readouterr().err, "database refused input")
    assert len(logged) == 1, logged
    line = logged[0]
    assert "request_id=proxy-7f3a.1" in line
    key_id = secret.split("_")[1]
    async with api.pool.acquire() as c:
        stored_id = await c.fetchval("SELECT id FROM api_key WHERE key_prefix = $1", key_id)
    assert re.search(rf"\bkey_id={stored_id}\b", line), line
    assert "role=programme_manager" in line
    assert secret not in line and secret.split("_")[2] not in line


async def test_an_unusable_incoming_id_is_replaced_and_ids_differ_per_request(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    member = await api.key(Role.programme_manager)
    ids = []
    for incoming in ("two words", "x" * 200, "<script>", None):
        headers = dict(member) if incoming is None else {**member, "X-Request-ID": incoming}
        r = await api.client.get(REFUSED, headers=headers)
        assert r.status_code == 422
        ids.append(r.headers["x-request-id"])
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    logged = _lines_with(capsys.readouterr().err, "database refused input")
    assert [i for i in ids if any(f"request_id={i}" in line for line in logged)] == ids


async def test_the_context_is_cleared_after_the_request(api: Api) -> None:
    """The in-process client runs the app in this task: nothing of the request stays bound."""
    structlog.contextvars.bind_contextvars(test_marker="kept")
    try:
        pm = await api.key(Role.programme_manager)
        r = await api.client.get("/organisations", headers=pm)
        assert r.status_code == 200
        assert r.headers["x-request-id"]
        assert structlog.contextvars.get_contextvars() == {"test_marker": "kept"}
        r = await api.client.get("/health")
        assert structlog.contextvars.get_contextvars() == {"test_marker": "kept"}
    finally:
        structlog.contextvars.clear_contextvars()
