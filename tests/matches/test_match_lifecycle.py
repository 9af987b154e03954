"""Proposals, the state machine and its history, through the API."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.match_lifecycle import TRANSITIONS
from matcher.usecases.proposals import propose_matches
from tests.matches.conftest import BIO_DESCRIPTION, PATHS, Net


def _steps(history: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(h["from_state"], h["to_state"]) for h in history]


async def test_embedding_a_challenge_stores_its_top_suggestions_as_proposals(net: Net) -> None:
    anna = await net.person(name="Anna de Vries")
    bram = await net.person(net.org_c, name="Bram Bakker")
    cid = await net.challenge()
    assert await net.matches_of(cid) == []
    await net.drain()

    items = await net.matches_of(cid)
    assert sorted(m["person_id"] for m in items) == sorted([anna, bram])
    assert [m["rank"] for m in items] == [1, 2]
    for m in items:
        assert m["state"] == "proposed"
        assert m["model"] == "hashing-256"
        assert m["score"] > 0
        assert m["score_parts"]["score"] == pytest.approx(m["score"], rel=1e-4)
        assert {"dense_best", "lexical_best", "cross_sector", "capacity_fit"} <= set(m["features"])
        assert m["explanation"]["lines"] and m["explanation"]["lines"][0].startswith("Bewijs")
        assert m["explanation"]["evidence"][0]["title"] == "BIO-implementatie"
        assert m["actions"] == ["approve", "reject"]
        assert len(m["history"]) == 1
        created = m["history"][0]
        assert (created["from_state"], created["to_state"]) == (None, "proposed")
        assert created["actor_role"] == "matcher"
        assert created["actor_key_id"] is None


async def test_happy_path_from_proposal_to_completion_with_history(net: Net) -> None:
    person = await net.person()
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    mid = await net.match_id(cid, person)

    r = await net.act(mid, "approve")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "approved"
    assert r.json()["actions"] == ["introduce", "cancel"]

    r = await net.act(mid, "introduce")
    assert r.status_code == 200, r.text
    text = r.json()["introduction_text"]
    assert text.startswith("Beste Anna de Vries,")
    assert "«BIO-beleid herzien»" in text
    assert "Gemeente Leeuwarden" in text
    assert "ongeveer 10 uur" in text

    r = await net.act(mid, "accept", "person_org", {"note": "Anna doet het graag."})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "accepted"

    r = await net.act(mid, "complete", body={"hours_spent": 12.5, "outcome_rating": 5})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "completed"
    assert done["hours_spent"] == 12.5
    assert done["outcome_rating"] == 5
    assert done["actions"] == []

    history = (await net.get(mid))["history"]
    assert _steps(history) == [
        (None, "proposed"),
        ("proposed", "approved"),
        ("approved", "introduced"),
        ("introduced", "accepted"),
        ("accepted", "completed"),
    ]
    assert [h["actor_role"] for h in history] == [
        "matcher",
        "programme_manager",
        "programme_manager",
        "member",
        "programme_manager",
    ]
    assert history[3]["note"] == "Anna doet het graag."
    assert all(h["actor_key_id"] is not None for h in history[1:])
    assert history[1]["actor_key_id"] == history[2]["actor_key_id"]  # the same pm key
    assert history[3]["actor_key_id"] != history[1]["actor_key_id"]  # the member's key
    times = [h["created_at"] for h in history]
    assert times == sorted(times)


async def test_reject_records_reason_code_and_note(net: Net) -> None:
    person = await net.person()
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    r = await net.act(
        mid, "reject", "admin", {"reason_code": "already_connected", "note": "Kent ze al."}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "rejected"
    last = body["history"][-1]
    assert (last["from_state"], last["to_state"]) == ("proposed", "rejected")
    assert (last["reason_code"], last["note"], last["actor_role"]) == (
        "already_connected",
        "Kent ze al.",
        "admin",
    )


async def test_introduce_keeps_the_programme_managers_own_text(net: Net) -> None:
    person = await net.person()
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "approved")
    r = await net.act(mid, "introduce", body={"introduction_text": "  Hallo Anna, maak kennis.  "})
    assert r.status_code == 200, r.text
    assert r.json()["introduction_text"] == "Hallo Anna, maak kennis."


@pytest.mark.parametrize("state", list(PATHS))
async def test_every_invalid_transition_is_409_naming_the_current_state(
    net: Net, state: str
) -> None:
    person = await net.person(capacity=200)
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, state)
    current = (await net.get(mid))["state"]
    history_before = (await net.get(mid))["history"]
    introduced = any(h["to_state"] == "introduced" for h in history_before)
    tried = 0
    for action, (sources, _) in TRANSITIONS.items():
        if current in sources or (action == "approve" and current == "approved"):
            continue
        member_action = action in ("accept", "decline")
        r = await net.act(mid, action, "person_org" if member_action else "pm")
        if member_action and not introduced:
            # Before the introduction the person's organisation may not know the match exists.
            assert r.status_code == 404, (action, r.text)
            continue
        tried += 1
        assert r.status_code == 409, (action, r.text)
        problem = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert problem["code"] == "invalid_transition"
        assert problem["detail"] == f"match {mid} is '{current}'; cannot {action}"
    assert tried >= 2
    after = await net.get(mid)
    assert after["state"] == current
    assert after["history"] == history_before


async def test_repeated_approve_answers_200_and_reserves_once(net: Net) -> None:
    person = await net.person()
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    first = await net.act(mid, "approve")
    second = await net.act(mid, "approve", "admin")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["state"] == "approved"
    assert second.json()["free_hours"] == first.json()["free_hours"]
    assert await net.held_hours(person) == 10.0
    history = (await net.get(mid))["history"]
    assert _steps(history) == [(None, "proposed"), ("proposed", "approved")]


async def test_proposals_replace_only_proposals_nobody_acted_on(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    bram = await net.person(net.org_b, "Bram Bakker")
    carla = await net.person(net.org_c, "Carla Smit")
    cid = await net.challenge()
    await net.drain()
    first = {m["person_id"]: m for m in await net.matches_of(cid)}
    assert set(first) == {anna, bram, carla}

    assert (await net.act(first[anna]["id"], "approve")).status_code == 200
    assert (await net.act(first[bram]["id"], "reject")).status_code == 200
    dirk = await net.person(net.org_c, "Dirk Jansen")
    r = await net.client.patch(f"/people/{carla}", headers=net.pm, json={"consent": False})
    assert r.status_code == 200, r.text
    r = await net.client.patch(
        f"/challenges/{cid}",
        headers=net.pm,
        json={"description": BIO_DESCRIPTION + " Ook de audit moet worden voorbereid."},
    )
    assert r.status_code == 200, r.text
    await net.drain()

    second = {m["person_id"]: m for m in await net.matches_of(cid)}
    # Acted-on matches stay as they were and their people are not proposed again.
    assert set(second) == {anna, bram, dirk}
    assert second[anna]["id"] == first[anna]["id"] and second[anna]["state"] == "approved"
    assert second[bram]["id"] == first[bram]["id"] and second[bram]["state"] == "rejected"
    assert _steps(second[anna]["history"]) == [(None, "proposed"), ("proposed", "approved")]
    # Carla withdrew consent: her unacted proposal is gone; Dirk is new.
    assert second[dirk]["state"] == "proposed"
    assert second[dirk]["rank"] == 1

    r = await net.client.patch(f"/people/{carla}", headers=net.pm, json={"consent": True})
    assert r.status_code == 200, r.text
    r = await net.client.patch(
        f"/challenges/{cid}", headers=net.pm, json={"description": BIO_DESCRIPTION}
    )
    await net.drain()
    third = {m["person_id"]: m for m in await net.matches_of(cid)}
    assert set(third) == {anna, bram, carla, dirk}
    # A person proposed again keeps their match (and its history), with a fresh rank.
    assert third[dirk]["id"] == second[dirk]["id"]
    assert _steps(third[dirk]["history"]) == [(None, "proposed")]
    assert third[carla]["id"] != first[carla]["id"]
    assert sorted(third[p]["rank"] for p in (carla, dirk)) == [1, 2]

    # Fewer places: the weaker proposal goes, acted-on matches stay.
    async with net.api.pool.acquire() as conn, conn.transaction():
        stored = await propose_matches(
            conn, [cid], model_id="hashing-256", today=date.today(), top=1
        )
    assert stored == 1
    fourth = {m["person_id"]: m["state"] for m in await net.matches_of(cid)}
    assert sorted(fourth.values()) == ["approved", "proposed", "rejected"]
    assert fourth[anna] == "approved" and fourth[bram] == "rejected"


async def test_a_closed_challenge_loses_its_unacted_proposals(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    bram = await net.person(net.org_c, "Bram Bakker")
    cid = await net.challenge()
    await net.drain()
    assert (await net.act(await net.match_id(cid, anna), "approve")).status_code == 200
    r = await net.client.patch(f"/challenges/{cid}", headers=net.pm, json={"status": "closed"})
    assert r.status_code == 200, r.text
    async with net.api.pool.acquire() as conn, conn.transaction():
        await propose_matches(conn, [cid], model_id="hashing-256", today=date.today())
    left = {m["person_id"]: m["state"] for m in await net.matches_of(cid)}
    # Closing withdrew the untouched proposal: kept in the history, no longer proposed.
    assert left == {anna: "approved", bram: "withdrawn"}


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reject", None),
        ("reject", {}),
        ("reject", {"reason_code": "too_expensive"}),
        ("reject", {"reason_code": "other", "note": "x" * 2001}),
        ("reject", {"reason_code": "other", "colour": "red"}),
        ("introduce", {"introduction_text": "x" * 5001}),
        ("introduce", {"introduction_text": ""}),
        ("introduce", {"text": "Hallo"}),
        ("cancel", {"note": "x" * 2001}),
        ("complete", {"hours_spent": -1, "outcome_rating": 3}),
        ("complete", {"hours_spent": 10001, "outcome_rating": 3}),
        ("complete", {"hours_spent": 5, "outcome_rating": 0}),
        ("complete", {"hours_spent": 5, "outcome_rating": 6}),
        ("complete", {"hours_spent": 5, "outcome_rating": "4"}),
        ("complete", {"hours_spent": 5}),
        ("complete", {"hours_spent": 5, "outcome_rating": 4, "extra": 1}),
    ],
)
async def test_invalid_bodies_are_422_and_change_nothing(
    net: Net, action: str, body: dict[str, object] | None
) -> None:
    person = await net.person()
    cid = await net.challenge()
    await net.drain()
    mid = await net.match_id(cid, person)
    sources, _ = TRANSITIONS[action]
    await net.drive(mid, sources[0])
    before = await net.get(mid)
    r = await net.act(mid, action, body=body, default_body=False)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_error"
    assert await net.get(mid) == before


async def test_accept_and_decline_take_an_optional_note(net: Net) -> None:
    person = await net.person()
    first = await net.challenge("BIO-beleid A")
    second = await net.challenge("BIO-beleid B")
    await net.drain()
    a = await net.match_id(first, person)
    b = await net.match_id(second, person)
    await net.drive(a, "introduced")
    await net.drive(b, "introduced")
    r = await net.act(a, "accept", "person_org", default_body=False)
    assert r.status_code == 200, r.text
    assert r.json()["history"][-1]["note"] is None
    r = await net.act(b, "decline", "person_org", {"note": "Volle agenda."})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "declined"
    assert r.json()["history"][-1]["note"] == "Volle agenda."


async def test_unknown_match_is_404(net: Net) -> None:
    for action in ("approve", "cancel"):
        r = await net.act(999_999, action)
        assert r.status_code == 404, r.text
    r = await net.act(999_999, "accept", "person_org")
    assert r.status_code == 404
    r = await net.client.get("/matches/999999", headers=net.pm)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    r = await net.client.get("/matches/abc", headers=net.pm)
    assert r.status_code == 422
