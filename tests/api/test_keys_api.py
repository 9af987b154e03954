"""Staff manage keys through the API: expiry, last use, revocation, rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matcher.records import Role
from tests.conftest import Api

ORG = {"name": "Hanze", "sector": "onderwijs", "province": "Groningen", "contact_email": "i@h.nl"}


async def test_staff_create_list_rotate_and_revoke_keys(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    created = await api.client.post(
        "/keys", headers=pm, json={"role": "member", "organisation_id": org, "label": "portaal"}
    )
    assert created.status_code == 201, created.text
    issued = created.json()
    member = {"Authorization": f"Bearer {issued['key']}"}
    assert issued["last_used_at"] is None
    assert (await api.client.get("/people", headers=member)).status_code == 200

    listed = {k["id"]: k for k in (await api.client.get("/keys", headers=pm)).json()}
    assert listed[issued["id"]]["last_used_at"] is not None
    assert "key" not in listed[issued["id"]]

    rotated = await api.client.post(f"/keys/{issued['id']}/rotate", headers=pm)
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["organisation_id"] == org and rotated.json()["label"] == "portaal"
    assert (await api.client.get("/people", headers=member)).status_code == 401
    fresh = {"Authorization": f"Bearer {rotated.json()['key']}"}
    assert (await api.client.get("/people", headers=fresh)).status_code == 200

    revoked = await api.client.post(f"/keys/{rotated.json()['id']}/revoke", headers=pm)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert (await api.client.get("/people", headers=fresh)).status_code == 401


async def test_members_cannot_manage_keys_and_managers_not_admin_keys(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    org = (await api.client.post("/organisations", headers=pm, json=ORG)).json()["id"]
    member = await api.key(Role.member, org)
    assert (await api.client.get("/keys", headers=member)).status_code == 403
    admin_key = await api.client.post("/keys", headers=pm, json={"role": "admin"})
    assert admin_key.status_code == 403
    assert admin_key.headers["content-type"] == "application/problem+json"


async def test_an_expired_key_is_refused(api: Api) -> None:
    admin = await api.key(Role.admin)
    soon = datetime.now(UTC) + timedelta(hours=1)
    created = await api.client.post(
        "/keys", headers=admin, json={"role": "programme_manager", "expires_at": soon.isoformat()}
    )
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['key']}"}
    assert (await api.client.get("/sectors", headers=key)).status_code == 200
    async with api.pool.acquire() as conn:
        await conn.execute(
            "UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1",
            created.json()["id"],
        )
    assert (await api.client.get("/sectors", headers=key)).status_code == 401
    past = await api.client.post(
        "/keys",
        headers=admin,
        json={"role": "programme_manager", "expires_at": "2020-01-01T00:00:00Z"},
    )
    assert past.status_code == 422
    naive = await api.client.post(
        "/keys", headers=admin, json={"role": "programme_manager", "expires_at": "2030-01-01T00:00"}
    )
    assert naive.status_code == 422
