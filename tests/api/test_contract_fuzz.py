"""A bounded schemathesis run against a live server: no 5xx, nothing outside the contract.

The app runs under uvicorn on loopback with its own database, seeded with two members, a
person, a challenge with a proposed match and two keys. Each operation gets generated cases:
valid ones with random ids, invalid ones (negative mode), and valid ones with the seeded ids
(to reach past the 404s), once with a member key and once with a programme manager's key.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from embeddings.hashing import HashingEmbedder
from matcher import db
from matcher.inputs import NewChallenge, NewPerson
from matcher.records import ChallengeKind, Principal, Role
from matcher.settings import Settings
from tests.conftest import TEMPLATE

CASES_PER_STRATEGY = 8  # per operation and strategy
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Live:
    """The running server, its keys and the seeded ids."""

    base_url: str
    keys: dict[str, str]
    ids: dict[str, int]
    tally: dict[str, Counter[str]] = field(default_factory=dict)


async def _seed(url: str) -> tuple[dict[str, str], dict[str, int]]:
    from matcher.inputs import DocumentInput
    from matcher.usecases import members
    from matcher.usecases.embedding import embed_pending
    from matcher.usecases.keys import create_key
    from matcher.usecases.proposals import make_proposal_hook

    staff = Principal(key_id=0, role=Role.admin, organisation_id=None)
    embedder = HashingEmbedder(dimension=64)
    pool = await db.create_pool(url, max_size=2)
    try:
        async with pool.acquire() as conn, conn.transaction():
            org_a = await members.create_organisation(
                conn,
                staff,
                name="A",
                sector_code="overheden",
                province="Drenthe",
                contact_email="a@a.nl",
            )
            org_b = await members.create_organisation(
                conn,
                staff,
                name="B",
                sector_code="ict",
                province="Groningen",
                contact_email="b@b.nl",
            )
            person = await members.create_person(
                conn,
                staff,
                organisation_id=org_b.id,
                person=NewPerson(
                    name="Bea",
                    email="bea@b.nl",
                    consent=True,
                    summary="Cloudmigratie en back-ups.",
                    capacity_hours_per_month=20,
                ),
                documents=[DocumentInput(kind="project", title="Back-up", body="Back-upbeleid.")],
                conflict_organisation_ids=[],
            )
            challenge = await members.create_challenge(
                conn,
                staff,
                organisation_id=org_a.id,
                challenge=NewChallenge(
                    title="Back-ups",
                    description="Wij zoeken hulp bij ons back-upbeleid en de cloud.",
                    kind=ChallengeKind.knowledge,
                    hours_needed=4.0,
                ),
            )
            member = await create_key(conn, role=Role.member, organisation_id=org_a.id)
            manager = await create_key(conn, role=Role.programme_manager, organisation_id=None)
            member_id = await conn.fetchval("SELECT min(id) FROM api_key")
        await embed_pending(pool, embedder, on_challenges=make_proposal_hook(embedder.model_id))
        async with pool.acquire() as conn:
            match_id = await conn.fetchval("SELECT min(id) FROM match")
        assert match_id is not None, "the fuzzed /matches routes need a proposed match"
    finally:
        await pool.close()
    ids = {
        "organisation_id": org_a.id,
        "person_id": person.id,
        "document_id": person.documents[0].id,
        "challenge_id": challenge.id,
        "match_id": int(match_id),
        "key_id": int(member_id),
    }
    return {"member": member, "programme_manager": manager}, ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(pg_uri: str) -> Iterator[Live]:
    """The app under uvicorn on loopback, on a seeded database of its own."""
    from api.app import create_app

    name = f"fuzz_{os.getpid()}"
    url = asyncio.run(db.create_database(pg_uri, name, template=TEMPLATE))
    keys, ids = asyncio.run(_seed(url))
    data_dir = Path(tempfile.mkdtemp(prefix="fuzz-"))
    app_settings = Settings(
        data_dir=data_dir, embed_in_process=False, cookie_secure=False, rate_limit=""
    )
    app = create_app(app_settings, database_url=url, embedder=HashingEmbedder(dimension=64))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield Live(base_url=f"http://127.0.0.1:{port}", keys=keys, ids=ids)
    server.should_exit = True
    thread.join(timeout=30)
    asyncio.run(db.drop_database(pg_uri, name))


def _fuzz(live: Live, role: str) -> tuple[Counter[str], list[str]]:
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {live.keys[role]}"}
    statuses: Counter[str] = Counter()
    failures: list[str] = []

    def run_case(case: Any) -> None:
        response = case.call(base_url=live.base_url, session=session, headers=headers)
        statuses[str(response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:  # recorded and reported together, without shrinking
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {exc}")

    bounded = settings(
        max_examples=CASES_PER_STRATEGY,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        strategies = [
            operation.as_strategy(),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        if names:
            known = {n: live.ids[n] for n in names if n in live.ids}
            strategies.append(operation.as_strategy(path_parameters=known))
        for strategy in strategies:
            # An operation without inputs has no invalid form: its negative strategy is empty.
            with contextlib.suppress(Unsatisfiable):
                bounded(given(case=strategy)(run_case))()
    return statuses, failures


@pytest.mark.parametrize("role", ["member", "programme_manager"])
def test_generated_requests_stay_inside_the_contract(live: Live, role: str) -> None:
    statuses, failures = _fuzz(live, role)
    total = sum(statuses.values())
    server_errors = sum(n for s, n in statuses.items() if s.startswith("5") and s != "503")
    print(f"\n{role}: {total} generated requests, statuses {dict(sorted(statuses.items()))}")
    assert total >= 200
    assert server_errors == 0, failures[:5]
    assert statuses["503"] == 0  # the database is up: no outage answers either
    assert failures == [], "\n".join(failures[:10])
    assert len([s for s in statuses if s.startswith("2")]) >= 1
