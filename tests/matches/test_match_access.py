"""Who may see and act on a match, and when contact details are shared."""

from __future__ import annotations

from typing import Any

import pytest

from tests.matches.conftest import BODIES, Net

ACTORS = ("challenge_org", "person_org", "other_org", "pm", "admin", "no_key", "bad_key")


def _row(
    challenge_org: int,
    person_org: int,
    other_org: int,
    pm: int,
    admin: int,
    no_key: int = 401,
    bad_key: int = 401,
) -> dict[str, int]:
    return dict(
        zip(ACTORS, (challenge_org, person_org, other_org, pm, admin, no_key, bad_key), strict=True)
    )


# (method, path, state the match is in, expected status per actor)
CASES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/matches/{match}", "proposed", _row(404, 404, 404, 200, 200)),
    ("GET", "/matches/{match}", "rejected", _row(404, 404, 404, 200, 200)),
    ("GET", "/matches/{match}", "approved", _row(200, 404, 404, 200, 200)),
    ("GET", "/matches/{match}", "cancelled", _row(200, 404, 404, 200, 200)),
    ("GET", "/matches/{match}", "introduced", _row(200, 200, 404, 200, 200)),
    ("GET", "/matches/{match}", "completed", _row(200, 200, 404, 200, 200)),
    ("GET", "/challenges/{challenge}/matches", "approved", _row(200, 403, 403, 200, 200)),
    ("GET", "/review/queue", "proposed", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/approve", "proposed", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/reject", "proposed", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/introduce", "approved", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/accept", "introduced", _row(403, 200, 404, 403, 403)),
    ("POST", "/matches/{match}/decline", "introduced", _row(403, 200, 404, 403, 403)),
    # Before the introduction, the person's organisation does not see the match at all.
    ("POST", "/matches/{match}/accept", "approved", _row(403, 404, 404, 403, 403)),
    ("POST", "/matches/{match}/complete", "accepted", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/cancel", "approved", _row(403, 403, 403, 200, 200)),
    ("POST", "/matches/{match}/cancel", "accepted", _row(403, 403, 403, 200, 200)),
]


def _case_id(case: tuple[str, str, str, dict[str, int]]) -> str:
    method, path, state, _ = case
    return f"{method} {path.rsplit('/', 1)[-1] if method == 'POST' else path} @{state}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
async def test_authorization_matrix(net: Net, case: tuple[str, str, str, dict[str, int]]) -> None:
    method, path, state, expected = case
    person = await net.person(capacity=400)
    # One match per caller, so that a successful change by one does not hide the next caller's.
    challenges = {actor: await net.challenge(f"BIO-beleid {actor}") for actor in ACTORS}
    await net.drain()
    for actor in ACTORS:
        cid = challenges[actor]
        mid = await net.match_id(cid, person)
        await net.drive(mid, state)
        before = await net.get(mid)
        url = path.format(match=mid, challenge=cid)
        if method == "GET":
            r = await net.client.get(url, headers=net.headers(actor))
        else:
            action = path.rsplit("/", 1)[-1]
            r = await net.client.post(url, headers=net.headers(actor), json=BODIES[action])
        assert r.status_code == expected[actor], f"{actor}: {r.status_code} {r.text}"
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["status"] == r.status_code
            # Refused requests change nothing.
            assert await net.get(mid) == before
            if r.status_code == 404:
                # Hidden from this caller: the answer reads like a match that does not exist.
                assert r.json()["code"] == "not_found"
        if method == "GET" and r.status_code == 200 and "{match}" in path:
            assert r.json()["id"] == mid


async def test_a_member_lists_only_its_own_challenges_approved_matches(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries")
    bram = await net.person(net.org_b, "Bram Bakker")
    carla = await net.person(net.org_c, "Carla Smit")
    cid = await net.challenge()
    await net.drain()
    await net.drive(await net.match_id(cid, anna), "introduced")
    await net.drive(await net.match_id(cid, bram), "rejected")
    r = await net.client.get(f"/challenges/{cid}/matches", headers=net.headers("challenge_org"))
    assert r.status_code == 200, r.text
    assert [m["person_id"] for m in r.json()["items"]] == [anna]
    staff = {m["person_id"]: m["state"] for m in await net.matches_of(cid)}
    assert staff == {anna: "introduced", bram: "rejected", carla: "proposed"}
    r = await net.client.get("/challenges/999999/matches", headers=net.pm)
    assert r.status_code == 404


async def test_a_closed_challenge_of_another_member_is_404(net: Net) -> None:
    await net.person()
    cid = await net.challenge()
    await net.drain()
    r = await net.client.patch(f"/challenges/{cid}", headers=net.pm, json={"status": "closed"})
    assert r.status_code == 200
    r = await net.client.get(f"/challenges/{cid}/matches", headers=net.headers("other_org"))
    assert r.status_code == 404


async def _email_seen(net: Net, mid: int, actor: str) -> Any:
    return (await net.get(mid, actor))["email"]


async def test_email_reaches_the_challenge_organisation_only_after_acceptance(net: Net) -> None:
    person = await net.person(name="Anna de Vries")
    first = await net.challenge("BIO-beleid A")
    second = await net.challenge("BIO-beleid B")
    await net.drain()
    mid = await net.match_id(first, person)
    declined = await net.match_id(second, person)
    email = "anna.de.vries@people.example"

    assert await _email_seen(net, mid, "pm") == email
    assert await _email_seen(net, mid, "admin") == email
    await net.drive(mid, "approved")
    seen = await net.get(mid, "challenge_org")
    assert seen["email"] is None
    # Before acceptance they do see who, where and why.
    assert seen["person_role"] == "Security officer"
    assert seen["organisation_name"] == "ICT Noord"
    assert seen["explanation"]["evidence"]

    assert (await net.act(mid, "introduce")).status_code == 200
    assert await _email_seen(net, mid, "challenge_org") is None
    assert await _email_seen(net, mid, "person_org") == email
    r = await net.client.get(f"/challenges/{first}/matches", headers=net.headers("challenge_org"))
    assert [m["email"] for m in r.json()["items"]] == [None]

    assert (await net.act(mid, "accept", "person_org")).status_code == 200
    assert await _email_seen(net, mid, "challenge_org") == email
    r = await net.client.get(f"/challenges/{first}/matches", headers=net.headers("challenge_org"))
    assert [m["email"] for m in r.json()["items"]] == [email]
    assert (await net.act(mid, "complete")).status_code == 200
    assert await _email_seen(net, mid, "challenge_org") == email

    await net.drive(declined, "declined")
    assert await _email_seen(net, declined, "challenge_org") is None
    assert await _email_seen(net, declined, "pm") == email


async def test_review_queue_shows_email_to_staff(net: Net) -> None:
    await net.person()
    await net.challenge()
    await net.drain()
    r = await net.client.get("/review/queue", headers=net.pm)
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["matches"][0]["email"] == "anna.de.vries@people.example"
