"""Suggestions rank by the active re-ranker, and by the hand-tuned scorer when none is active."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.learning.model import LogisticReranker
from matcher.records import Role
from matcher.storage import reranker as store
from tests.conftest import Api
from tests.factories import create_challenge, create_organisation, create_person


async def _network(api: Api) -> tuple[int, dict[str, str]]:
    """Two people who fit a BIO question, one clearly better; returns the challenge and a key."""
    pm = await api.key(Role.programme_manager)
    orgs = [
        await create_organisation(api, pm, name, sector, province="Friesland")
        for name, sector in (
            ("Gemeente Vraag", "overheden"),
            ("Bureau Een", "ict"),
            ("Bureau Twee", "zakelijk"),
        )
    ]
    people = [
        (
            orgs[1],
            "Anna Sterk",
            "Informatiebeveiligingsbeleid volgens de BIO opgesteld voor een gemeente, met risicoanalyse.",
        ),
        (orgs[2], "Bram Zwak", "Webshop gebouwd en een risicoanalyse voor de logistiek gemaakt."),
    ]
    for org, name, text in people:
        member = await api.key(Role.member, org)
        await create_person(
            api, member, name, summary=text, consent=True, capacity_hours_per_month=10
        )
    challenge_id = await create_challenge(
        api,
        await api.key(Role.member, orgs[0]),
        title="BIO-beleid",
        description="Wij zoeken hulp bij ons informatiebeveiligingsbeleid volgens de BIO en een risicoanalyse.",
    )
    await api.drain()
    return challenge_id, pm


async def _suggestions(
    api: Api, challenge_id: int, headers: dict[str, str]
) -> list[dict[str, Any]]:
    r = await api.client.get(f"/challenges/{challenge_id}/suggestions", headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def _store(api: Api, coef: float, *, active: bool) -> int:
    """A model on the scorer's score alone: coef < 0 turns the scorer's order around."""
    model = LogisticReranker(
        feature_names=("score",),
        mean=np.zeros(1),
        scale=np.ones(1),
        coef=np.asarray([coef]),
        intercept=0.0,
    )
    async with api.pool.acquire() as conn:
        version = await store.next_version(conn)
        await store.insert_model(
            conn,
            version=version,
            feature_names=model.feature_names,
            payload=model.to_payload(),
            metrics={},
            decisions=0,
        )
        if active:
            await store.activate(conn, version)
    return version


async def test_suggestions_use_the_active_reranker_and_only_that(api: Api) -> None:
    challenge_id, pm = await _network(api)
    before = await _suggestions(api, challenge_id, pm)
    assert [s["person_name"] for s in before] == ["Anna Sterk", "Bram Zwak"]
    for s in before:
        assert "reranker" not in s["score_parts"] and "scorer" not in s["score_parts"]

    # Stored but not active: the scorer still ranks.
    await _store(api, -20.0, active=False)
    assert await _suggestions(api, challenge_id, pm) == before

    await _store(api, -20.0, active=True)
    after = await _suggestions(api, challenge_id, pm)
    assert [s["person_name"] for s in after] == ["Bram Zwak", "Anna Sterk"]
    scorer = {s["person_name"]: s["score"] for s in before}
    for s in after:
        parts = s["score_parts"]
        assert parts["scorer"] == pytest.approx(scorer[s["person_name"]], abs=1e-6)
        expected = 1.0 / (1.0 + np.exp(20.0 * parts["scorer"]))
        assert parts["reranker"] == pytest.approx(expected, abs=1e-6)
        # Policy (cross-sector, province, exposure) applies on top of the learned score.
        policy = (
            (1 + parts.get("cross_sector_bonus", 0.0))
            * (1 + parts.get("province_bonus", 0.0))
            * parts.get("exposure_factor", 1.0)
        )
        assert s["score"] == pytest.approx(parts["reranker"] * policy, abs=1e-5)
        assert parts["score"] == pytest.approx(s["score"], abs=1e-6)

    # Switched off: back to the scorer.
    async with api.pool.acquire() as conn:
        await store.deactivate(conn)
    assert await _suggestions(api, challenge_id, pm) == before
