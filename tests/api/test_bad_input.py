"""Bad input gets a clear 4xx problem and leaves nothing half-written."""

from __future__ import annotations

import pytest

from matcher.records import Role
from tests.conftest import Api
from tests.factories import organisation_body

ORG = organisation_body("Gemeente X", province="Friesland")


def _reported(errors: list[dict[str, str]], expected: str) -> bool:
    """Whether a problem's errors name the expected field (and message, after ": ")."""
    field, _, message = expected.partition(": ")
    return any(
        (e["field"] == field or e["field"].startswith(field + ".")) and message in e["message"]
        for e in errors
    )


async def _member(api: Api) -> tuple[int, dict[str, str]]:
    pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    return org, await api.key(Role.member, org)


@pytest.fixture(scope="module")
async def refused(module_api: Api) -> tuple[Api, dict[str, str]]:
    """One app and member key for the refused-request cases (nothing they send is stored)."""
    _, member = await _member(module_api)
    return module_api, member


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "email": "a@x.example"}, "name"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        (
            {"name": "A", "email": "a@x.example", "capacity_hours_per_month": -1},
            "capacity_hours_per_month",
        ),
        (
            {"name": "A", "email": "a@x.example", "capacity_hours_per_month": 10000},
            "capacity_hours_per_month",
        ),
        (
            {
                "name": "A",
                "email": "a@x.example",
                "available_from": "2027-02-01",
                "available_until": "2027-01-01",
            },
            "body: Value error, available_until must not be before the start date",
        ),
        (
            {"name": "A", "email": "a@x.example", "documents": [{"kind": "hobby", "text": "x"}]},
            "documents.0.kind",
        ),
        ({"name": "A", "email": "a@x.example", "documents": [{"text": ""}]}, "documents.0.text"),
        (
            {"name": "A", "email": "a@x.example", "documents": [{"text": "x" * 8001}]},
            "documents.0.text",
        ),
        ({"name": "A", "email": "a@x.example", "summary": "x" * 4001}, "summary"),
        ({"name": "A", "email": "a@x.example", "languages": ["Nederlands"]}, "languages.0"),
        ({"name": "A", "email": "a@x.example", "unexpected": 1}, "unexpected"),
        ({"name": "A" * 201, "email": "a@x.example"}, "name"),
    ],
)
async def test_person_validation(
    refused: tuple[Api, dict[str, str]], body: dict[str, object], field: str
) -> None:
    api, member = refused
    r = await api.client.post("/people", headers=member, json=body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "validation_error"
    assert _reported(problem["errors"], field), problem
    listed = (await api.client.get("/people", headers=member)).json()
    assert listed["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"title": "ab", "description": "Een lange genoeg beschrijving.", "kind": "partner"},
            "title",
        ),
        ({"title": "Titel", "description": "kort", "kind": "partner"}, "description"),
        (
            {"title": "Titel", "description": "Een lange genoeg beschrijving.", "kind": "vriend"},
            "kind",
        ),
        (
            {
                "title": "Titel",
                "description": "Een lange genoeg beschrijving.",
                "kind": "capacity",
                "hours_needed": -5,
            },
            "hours_needed",
        ),
        (
            {
                "title": "Titel",
                "description": "Een lange genoeg beschrijving.",
                "kind": "capacity",
                "starts_on": "2027-03-01",
                "needed_by": "2027-01-01",
            },
            "body: Value error, needed_by must not be before the start date",
        ),
        (
            {
                "title": "Titel",
                "description": "Een lange genoeg beschrijving.",
                "kind": "partner",
                "status": "maybe",
            },
            "status",
        ),
        (
            {
                "title": "Titel",
                "description": "Een lange genoeg beschrijving.",
                "kind": "partner",
                "needed_by": "morgen",
            },
            "needed_by",
        ),
        ({"description": "Een lange genoeg beschrijving.", "kind": "partner"}, "title"),
    ],
)
async def test_challenge_validation(
    refused: tuple[Api, dict[str, str]], body: dict[str, object], field: str
) -> None:
    api, member = refused
    r = await api.client.post("/challenges", headers=member, json=body)
    assert r.status_code == 422, r.text
    assert _reported(r.json()["errors"], field), r.text
    assert (await api.client.get("/challenges", headers=member)).json()["total"] == 0


async def test_unknown_ids_are_404_and_bad_paging_is_422(api: Api) -> None:
    _, member = await _member(api)
    for path in (
        "/people/999999",
        "/challenges/999999",
        "/organisations/999999",
        "/challenges/999999/suggestions",
    ):
        r = await api.client.get(path, headers=member)
        assert r.status_code == 404, path
        assert r.json()["code"] == "not_found"
    assert (await api.client.get("/people?limit=0", headers=member)).status_code == 422
    assert (await api.client.get("/people?limit=201", headers=member)).status_code == 422
    assert (await api.client.get("/people?offset=-1", headers=member)).status_code == 422
    assert (await api.client.get("/people/abc", headers=member)).status_code == 422


async def test_failed_request_leaves_no_partial_rows(api: Api) -> None:
    """A conflict naming an unknown organisation fails after the person row was inserted."""
    _, member = await _member(api)
    r = await api.client.post(
        "/people",
        headers=member,
        json={
            "name": "Half",
            "email": "half@x.example",
            "summary": "Iets",
            "documents": [{"text": "Een project"}],
            "conflict_organisation_ids": [987654],
        },
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "conflict_organisation_ids"
    async with api.pool.acquire() as c:
        assert await c.fetchval("SELECT count(*) FROM person") == 0
        assert await c.fetchval("SELECT count(*) FROM document") == 0


async def test_duplicate_organisation_name_is_409(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    assert (await api.client.post("/organisations", headers=pm, json=ORG)).status_code == 201
    r = await api.client.post("/organisations", headers=pm, json=ORG)
    assert r.status_code == 409
    assert r.json()["code"] == "already_exists"
    r = await api.client.post(
        "/organisations", headers=pm, json={**ORG, "name": "Y", "sector": "nope"}
    )
    assert r.status_code == 422


async def test_conflict_with_own_organisation_is_rejected(api: Api) -> None:
    org, member = await _member(api)
    r = await api.client.post(
        "/people",
        headers=member,
        json={"name": "A", "email": "a@x.example", "conflict_organisation_ids": [org]},
    )
    assert r.status_code == 422


async def test_nul_characters_and_out_of_range_ids_are_422_not_500(api: Api) -> None:
    """Found by fuzzing the OpenAPI contract: PostgreSQL cannot store NUL or ids past bigint."""
    _, member = await _member(api)
    r = await api.client.post(
        "/people", headers=member, json={"name": "A\u0000B", "email": "a@x.example"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "name"
    r = await api.client.post(
        "/people",
        headers=member,
        json={"name": "A", "email": "a@x.example", "documents": [{"text": "x\u0000"}]},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].startswith("documents.0.text")
    for path in ("/challenges/99999999999999999999", "/people/0", "/organisations/-1"):
        r = await api.client.get(path, headers=member)
        assert r.status_code == 422, path
    pm = await api.key(Role.programme_manager)
    r = await api.client.get("/review/queue?sector=a%00b", headers=pm)
    assert r.status_code == 422, r.text
    assert (await api.client.get("/people", headers=member)).json()["total"] == 0
