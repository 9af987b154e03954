"""Each role against each endpoint family, including cross-organisation attempts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from matcher.records import Role
from tests.conftest import Api
from tests.factories import create_challenge, create_organisation, create_person

ORG = {"sector": "overheden", "province": "Drenthe", "contact_email": "info@x.example"}


@dataclass
class World:
    """Two member organisations with a person and challenges each, and keys for every role."""

    org_a: int
    org_b: int
    person_a: int
    person_b: int
    open_a: int
    closed_a: int
    headers: dict[str, dict[str, str]]


async def _world(api: Api) -> World:
    admin = await api.key(Role.admin)
    org_a = await create_organisation(api, admin, "A", province="Drenthe")
    org_b = await create_organisation(api, admin, "B", "ict", province="Drenthe")
    person = {"consent": True, "summary": "Cloudmigratie en Azure.", "capacity_hours_per_month": 8}
    person_a = await create_person(
        api, admin, "Pa", organisation_id=org_a, **{**person, "email": "pa@a.example"}
    )
    person_b = await create_person(
        api, admin, "Pb", organisation_id=org_b, **{**person, "email": "pb@b.example"}
    )
    challenge = {
        "organisation_id": org_a,
        "description": "Wij zoeken hulp bij een cloudmigratie naar Azure.",
    }
    open_a = await create_challenge(api, admin, title="Open", **challenge)
    closed_a = await create_challenge(api, admin, title="Dicht", status="closed", **challenge)
    await api.drain()
    headers = {
        "none": {},
        "bad": {"Authorization": "Bearer nm_000000000000_notakey"},
        "malformed": {"Authorization": "Basic abc"},
        "member_a": await api.key(Role.member, org_a),
        "member_b": await api.key(Role.member, org_b),
        "pm": await api.key(Role.programme_manager),
        "admin": admin,
    }
    return World(org_a, org_b, person_a, person_b, open_a, closed_a, headers)


# (method, path template, body or None, {caller: expected status})
CASES: list[tuple[str, str, dict[str, object] | None, dict[str, int]]] = [
    (
        "GET",
        "/organisations",
        None,
        {"none": 401, "bad": 401, "malformed": 401, "member_a": 200, "pm": 200, "admin": 200},
    ),
    ("GET", "/organisations/{org_b}", None, {"none": 401, "member_a": 200, "pm": 200}),
    ("POST", "/organisations", {"name": "Nieuw", **ORG}, {"none": 401, "member_a": 403, "pm": 201}),
    (
        "PATCH",
        "/organisations/{org_b}",
        {"province": "Groningen"},
        {"member_a": 403, "member_b": 403, "pm": 200, "admin": 200},
    ),
    ("DELETE", "/organisations/{org_b}", None, {"member_a": 403, "member_b": 403}),
    ("GET", "/people", None, {"none": 401, "member_a": 200, "pm": 200}),
    (
        "GET",
        "/people/{person_a}",
        None,
        {"none": 401, "member_a": 200, "member_b": 404, "pm": 200, "admin": 200},
    ),
    (
        "PATCH",
        "/people/{person_a}",
        {"role": "Architect"},
        {"member_a": 200, "member_b": 404, "pm": 200},
    ),
    ("GET", "/people/{person_a}/export", None, {"member_a": 200, "member_b": 404, "pm": 200}),
    ("DELETE", "/people/{person_a}", None, {"member_b": 404, "none": 401}),
    (
        "POST",
        "/people/{person_a}/documents",
        {"text": "Een project."},
        {"member_a": 201, "member_b": 404},
    ),
    (
        "POST",
        "/people",
        {"name": "X", "email": "x@a.example", "organisation_id": "{org_b}"},
        {"member_a": 403, "pm": 201},
    ),
    ("POST", "/people", {"name": "X", "email": "x@a.example"}, {"member_a": 201, "pm": 422}),
    ("GET", "/challenges", None, {"none": 401, "member_b": 200, "pm": 200}),
    ("GET", "/challenges/{open_a}", None, {"member_a": 200, "member_b": 200, "pm": 200}),
    ("GET", "/challenges/{closed_a}", None, {"member_a": 200, "member_b": 404, "pm": 200}),
    (
        "PATCH",
        "/challenges/{open_a}",
        {"title": "Nieuwe titel"},
        {"member_a": 200, "member_b": 403, "pm": 200},
    ),
    ("PATCH", "/challenges/{closed_a}", {"title": "Nieuwe titel"}, {"member_b": 404}),
    ("DELETE", "/challenges/{open_a}", None, {"member_b": 403, "none": 401}),
    (
        "GET",
        "/challenges/{open_a}/suggestions",
        None,
        {"none": 401, "member_a": 200, "member_b": 403, "pm": 200, "admin": 200},
    ),
    ("GET", "/challenges/{closed_a}/suggestions", None, {"member_b": 404, "member_a": 200}),
    ("GET", "/sectors", None, {"none": 401, "member_b": 200}),
]


def _expand(
    cases: list[tuple[str, str, dict[str, object] | None, dict[str, int]]],
) -> list[tuple[str, str, dict[str, object] | None, str, int]]:
    return [(m, p, b, who, code) for m, p, b, expected in cases for who, code in expected.items()]


def _changes_nothing(method: str, expected: int) -> bool:
    return method == "GET" or expected >= 400


@pytest.fixture(scope="module")
async def shared(module_api: Api) -> tuple[Api, World]:
    """One world for the cases that read or are refused: they leave it as it was."""
    return module_api, await _world(module_api)


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "expected"),
    [case for case in _expand(CASES) if _changes_nothing(case[0], case[4])],
)
async def test_access_that_changes_nothing(
    shared: tuple[Api, World],
    method: str,
    path: str,
    body: dict[str, object] | None,
    who: str,
    expected: int,
) -> None:
    api, world = shared
    await _check_access(api, world, method, path, body, who, expected)


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "expected"),
    [case for case in _expand(CASES) if not _changes_nothing(case[0], case[4])],
)
async def test_access_that_writes(
    api: Api, method: str, path: str, body: dict[str, object] | None, who: str, expected: int
) -> None:
    await _check_access(api, await _world(api), method, path, body, who, expected)


async def _check_access(
    api: Api,
    world: World,
    method: str,
    path: str,
    body: dict[str, object] | None,
    who: str,
    expected: int,
) -> None:
    ids = {
        "org_a": world.org_a,
        "org_b": world.org_b,
        "person_a": world.person_a,
        "person_b": world.person_b,
        "open_a": world.open_a,
        "closed_a": world.closed_a,
    }
    url = path.format(**ids)
    payload = None
    if body is not None:
        payload = {
            k: (ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()
        }
    response = await api.client.request(method, url, headers=world.headers[who], json=payload)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == expected and problem["detail"]


async def test_member_never_sees_other_organisations_contact_details(
    shared: tuple[Api, World],
) -> None:
    api, world = shared
    member_a = world.headers["member_a"]
    suggestions = (
        await api.client.get(f"/challenges/{world.open_a}/suggestions", headers=member_a)
    ).json()
    assert [s["person_id"] for s in suggestions["items"]] == [world.person_b]
    assert all(s["email"] is None for s in suggestions["items"])
    assert "pb@b.example" not in str(suggestions)
    org_b = (await api.client.get(f"/organisations/{world.org_b}", headers=member_a)).json()
    assert org_b["contact_email"] is None
    people = (await api.client.get("/people", headers=member_a)).json()
    assert {p["id"] for p in people["items"]} == {world.person_a}
    listed = await api.client.get(f"/people?organisation_id={world.org_b}", headers=member_a)
    assert listed.status_code == 403
    pm_view = (
        await api.client.get(f"/challenges/{world.open_a}/suggestions", headers=world.headers["pm"])
    ).json()
    assert pm_view["items"][0]["email"] == "pb@b.example"


async def test_member_lists_own_challenges_in_any_state_and_others_open_only(
    shared: tuple[Api, World],
) -> None:
    api, world = shared
    mine = (await api.client.get("/challenges", headers=world.headers["member_a"])).json()
    assert {c["id"] for c in mine["items"]} == {world.open_a, world.closed_a}
    theirs = (await api.client.get("/challenges", headers=world.headers["member_b"])).json()
    assert {c["id"] for c in theirs["items"]} == {world.open_a}


async def test_export_lists_only_matches_the_caller_may_open(shared: tuple[Api, World]) -> None:
    """The GDPR export follows GET /matches/{id}: no other organisation's proposals or titles."""
    api, world = shared
    staff_export = (
        await api.client.get(f"/people/{world.person_b}/export", headers=world.headers["pm"])
    ).json()
    proposed = [m["id"] for m in staff_export["matches"]]
    assert proposed, "the drain proposed person B for organisation A's challenge"
    for who in ("member_b", "pm", "admin"):
        export = await api.client.get(
            f"/people/{world.person_b}/export", headers=world.headers[who]
        )
        assert export.status_code == 200
        for match in export.json()["matches"]:
            opened = await api.client.get(f"/matches/{match['id']}", headers=world.headers[who])
            assert opened.status_code == 200, (who, match)
        for match_id in proposed:
            opened = await api.client.get(f"/matches/{match_id}", headers=world.headers[who])
            listed = match_id in {m["id"] for m in export.json()["matches"]}
            assert listed == (opened.status_code == 200), (who, match_id)
    member_export = (
        await api.client.get(f"/people/{world.person_b}/export", headers=world.headers["member_b"])
    ).json()
    assert member_export["matches"] == []
    assert "Open" not in str(member_export)
