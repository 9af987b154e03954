"""Approval rechecks consent, conflicts and the challenge; withdrawals withdraw open matches."""

from __future__ import annotations

from typing import Any

from tests.matches.conftest import Net


async def _proposed(net: Net) -> tuple[int, int, int]:
    person = await net.person()
    challenge = await net.challenge()
    await net.drain()
    return person, challenge, await net.match_id(challenge, person)


async def _patch(net: Net, path: str, body: dict[str, Any]) -> None:
    r = await net.client.patch(path, headers=net.pm, json=body)
    assert r.status_code == 200, r.text


async def _direct_state(net: Net, match_id: int, state: str) -> None:
    """Put a match back in a state behind the rules' back, as a stale record would be."""
    async with net.api.pool.acquire() as conn:
        await conn.execute("UPDATE match SET state = $2 WHERE id = $1", match_id, state)


async def test_withdrawing_consent_removes_proposals_and_blocks_approval(net: Net) -> None:
    person, challenge, match_id = await _proposed(net)
    async with net.api.pool.acquire() as conn, conn.transaction():
        # A concurrent reader's stale copy: approval must not trust it.
        await conn.execute("UPDATE person SET consent = false WHERE id = $1", person)
    r = await net.act(match_id, "approve")
    assert r.status_code == 409 and r.json()["code"] == "consent_withdrawn"
    assert await net.held_hours(person) == 0
    await _patch(net, f"/people/{person}", {"consent": True})
    await _patch(net, f"/people/{person}", {"consent": False})
    assert await net.matches_of(challenge) == []  # the unacted proposal went


async def test_approved_match_is_cancelled_and_its_hours_released_on_consent_withdrawal(
    net: Net,
) -> None:
    person, _, match_id = await _proposed(net)
    await net.drive(match_id, "approved")
    assert await net.held_hours(person) > 0
    await _patch(net, f"/people/{person}", {"consent": False})
    match = await net.get(match_id)
    assert match["state"] == "cancelled"
    assert await net.held_hours(person) == 0


async def test_declared_conflict_withdraws_and_blocks_introduction(net: Net) -> None:
    person, _, match_id = await _proposed(net)
    await net.drive(match_id, "approved")
    await _patch(net, f"/people/{person}", {"conflict_organisation_ids": [net.org_a]})
    match = await net.get(match_id)
    assert match["state"] == "cancelled"
    assert match["history"][-1]["reason_code"] == "conflict"
    await _direct_state(net, match_id, "approved")
    r = await net.act(match_id, "introduce")
    assert r.status_code == 409 and r.json()["code"] == "conflict_declared"


async def test_withdrawn_challenge_withdraws_its_matches_and_blocks_approval(net: Net) -> None:
    person, challenge, match_id = await _proposed(net)
    await net.drive(match_id, "approved")
    await _patch(net, f"/challenges/{challenge}", {"status": "withdrawn"})
    match = await net.get(match_id)
    assert match["state"] == "cancelled"
    assert match["history"][-1]["note"] == "Vraag ingetrokken"
    assert await net.held_hours(person) == 0
    await _direct_state(net, match_id, "proposed")
    r = await net.act(match_id, "approve")
    assert r.status_code == 409 and r.json()["code"] == "challenge_not_open"
    assert await net.held_hours(person) == 0


async def test_members_do_not_see_staff_key_ids_in_history(net: Net) -> None:
    _, _, match_id = await _proposed(net)
    await net.drive(match_id, "introduced")
    staff_view = await net.get(match_id, "pm")
    assert any(h["actor_key_id"] is not None for h in staff_view["history"])
    for member in ("challenge_org", "person_org"):
        view = await net.get(match_id, member)
        assert [h["actor_key_id"] for h in view["history"]] == [None] * len(view["history"])
        assert [h["actor_role"] for h in view["history"]] == [
            h["actor_role"] for h in staff_view["history"]
        ]
