"""The review pages through HTTP: sign-in, CSRF, decisions, filters, the network heatmap."""

from __future__ import annotations

import hashlib
import html
import re

import httpx

from api.app import create_app
from matcher.records import Role
from matcher.settings import Settings
from tests.conftest import Api
from tests.web.review_seed import Seeded, drain, seed

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token in a page's first form."""
    found = _CSRF.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, key_headers: dict[str, str]) -> httpx.Response:
    """Open the sign-in form and post the key from the Authorization header."""
    form = await client.get("/review/login")
    assert form.status_code == 200
    key = key_headers["Authorization"].removeprefix("Bearer ")
    return await client.post(
        "/review/login", data={"api_key": key, "csrf_token": csrf_of(form.text)}
    )


async def seeded(api: Api) -> tuple[dict[str, str], Seeded]:
    pm = await api.key(Role.programme_manager)
    data = await seed(api.client, pm)
    await drain(api.pool, api.app.state.embedder)  # type: ignore[attr-defined]
    return pm, data


def match_ids(page: str, challenge_id: int) -> dict[str, int]:
    """Person name -> match id of one challenge's suggestions on a queue page."""
    found = re.findall(r'id="voorstel-(\d+)" data-challenge="(\d+)" data-person="([^"]+)"', page)
    return {html.unescape(name): int(mid) for mid, cid, name in found if int(cid) == challenge_id}


async def match_state(api: Api, pm: dict[str, str], match_id: int) -> dict[str, object]:
    r = await api.client.get(f"/matches/{match_id}", headers=pm)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


async def test_queue_needs_sign_in(api: Api) -> None:
    r = await api.client.get("/review")
    assert r.status_code == 303
    assert r.headers["location"] == "/review/login"
    r = await api.client.get("/review/network")
    assert r.status_code == 303


async def test_pm_key_signs_in_with_a_hashed_session_and_sees_the_queue(api: Api) -> None:
    pm, data = await seeded(api)
    r = await sign_in(api.client, pm)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/review"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("matcher_review="))
    attributes = cookie.lower()
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/review" in attributes
    assert "max-age=28800" in attributes
    assert "secure" not in attributes  # the tests' settings say cookie_secure=False
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    async with api.pool.acquire() as c:
        stored = await c.fetchval("SELECT token_hash FROM web_session")
        hours = await c.fetchval(
            "SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM web_session"
        )
    assert bytes(stored) == hashlib.sha256(token.encode()).digest()
    assert round(float(hours)) == 8

    page = await api.client.get("/review")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert '<html lang="nl">' in text
    assert 'href="#inhoud"' in text  # skip link
    assert html.escape(data.bio_title) in text
    assert "Anna de Vries" in text
    assert "Cross-sector" in text
    assert "Scoreopbouw" in text and "Bewijs" in text and "Vrije capaciteit" in text
    assert "uur vrij" in text
    # The most urgent challenge (needed in 10 days) comes before the one needed in 60.
    assert text.index(html.escape(data.bio_title)) < text.index(html.escape(data.zorg_title))
    # Every reason code has its Dutch label.
    for label in ("Verkeerde expertise", "Geen capaciteit", "Belangenconflict", "Kennen elkaar al"):
        assert label in text


async def test_member_key_and_bad_key_cannot_sign_in(api: Api) -> None:
    _pm, data = await seeded(api)
    member = await api.key(Role.member, data.ict)
    r = await sign_in(api.client, member)
    assert r.status_code == 403
    assert "alleen voor de programmamanager" in r.text
    assert 'aria-invalid="true"' in r.text
    assert not any(c.startswith("matcher_review=") for c in r.headers.get_list("set-cookie"))

    r = await sign_in(api.client, {"Authorization": "Bearer nm_abc_doesnotexist"})
    assert r.status_code == 401
    assert "onbekend of ingetrokken" in r.text

    r = await sign_in(api.client, {"Authorization": "Bearer not-a-key"})
    assert r.status_code == 401
    async with api.pool.acquire() as c:
        assert await c.fetchval("SELECT count(*) FROM web_session") == 0
    assert (await api.client.get("/review")).status_code == 303


async def test_sign_in_form_needs_its_own_csrf_token(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    key = pm["Authorization"].removeprefix("Bearer ")
    r = await api.client.post("/review/login", data={"api_key": key, "csrf_token": "forged"})
    assert r.status_code == 403
    assert "verlopen" in r.text
    async with api.pool.acquire() as c:
        assert await c.fetchval("SELECT count(*) FROM web_session") == 0


async def test_secure_cookie_when_configured(
    db_url: str, settings: Settings, embedder: object
) -> None:
    secure = settings.model_copy(update={"cookie_secure": True})
    app = create_app(secure, database_url=db_url, embedder=embedder)  # type: ignore[arg-type]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            api = Api(app, client)
            pm = await api.key(Role.programme_manager)
            r = await sign_in(client, pm)
            assert r.status_code == 303
            cookie = next(
                c for c in r.headers.get_list("set-cookie") if c.startswith("matcher_review=")
            )
            assert "secure" in cookie.lower()


async def test_post_without_or_with_wrong_csrf_token_changes_nothing(api: Api) -> None:
    pm, data = await seeded(api)
    await sign_in(api.client, pm)
    page = await api.client.get("/review")
    ids = match_ids(page.text, data.bio_challenge)
    target = ids["Anna de Vries"]

    r = await api.client.post(f"/review/matches/{target}/approve", data={})
    assert r.status_code == 403
    assert "CSRF" in r.text
    r = await api.client.post(f"/review/matches/{target}/approve", data={"csrf_token": "x" * 43})
    assert r.status_code == 403
    r = await api.client.post(
        f"/review/matches/{target}/reject",
        data={"csrf_token": "wrong", "reason_code": "other"},
    )
    assert r.status_code == 403
    r = await api.client.post("/review/logout", data={"csrf_token": "wrong"})
    assert r.status_code == 403
    assert (await match_state(api, pm, target))["state"] == "proposed"
    assert (await api.client.get("/review")).status_code == 200  # still signed in

    # Without a session a POST goes to the sign-in page, and changes nothing either.
    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.app), base_url="http://test"
    )  # type: ignore[arg-type]
    async with anonymous:
        r = await anonymous.post(
            f"/review/matches/{target}/approve", data={"csrf_token": csrf_of(page.text)}
        )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/review/login")
    assert (await match_state(api, pm, target))["state"] == "proposed"


async def test_approve_and_reject_through_the_forms(api: Api) -> None:
    pm, data = await seeded(api)
    await sign_in(api.client, pm)
    page = await api.client.get("/review")
    token = csrf_of(page.text)
    ids = match_ids(page.text, data.bio_challenge)
    anna, bram = ids["Anna de Vries"], ids["Bram Jansen"]

    r = await api.client.post(f"/review/matches/{anna}/approve", data={"csrf_token": token})
    assert r.status_code == 303
    assert r.headers["location"] == f"/review?melding=goedgekeurd&voorstel={anna}"
    assert (await match_state(api, pm, anna))["state"] == "approved"
    after = await api.client.get(r.headers["location"])
    assert 'role="status"' in after.text
    assert "Anna de Vries voor «" in html.unescape(after.text)
    assert "is goedgekeurd" in after.text

    # A reject without a reason is refused with a message; the match stays proposed.
    r = await api.client.post(f"/review/matches/{bram}/reject", data={"csrf_token": token})
    assert r.status_code == 303
    assert "melding=reden-ontbreekt" in r.headers["location"]
    assert (await match_state(api, pm, bram))["state"] == "proposed"

    r = await api.client.post(
        f"/review/matches/{bram}/reject",
        data={
            "csrf_token": token,
            "reason_code": "no_capacity",
            "note": "Zit vol tot de zomer",
            "status": "proposed",
            "kind": "capacity",
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/review?kind=capacity&melding=afgewezen&voorstel={bram}"
    body = await match_state(api, pm, bram)
    assert body["state"] == "rejected"
    last = body["history"][-1]  # type: ignore[index]
    assert last["reason_code"] == "no_capacity"
    assert last["note"] == "Zit vol tot de zomer"

    # Acting twice on a decided match explains itself instead of failing.
    r = await api.client.post(
        f"/review/matches/{bram}/reject", data={"csrf_token": token, "reason_code": "other"}
    )
    assert "melding=al-behandeld" in r.headers["location"]
    follow = await api.client.get(r.headers["location"])
    assert 'role="alert"' in follow.text


async def test_introduce_with_edited_text(api: Api) -> None:
    pm, data = await seeded(api)
    await sign_in(api.client, pm)
    page = await api.client.get("/review")
    token = csrf_of(page.text)
    anna = match_ids(page.text, data.bio_challenge)["Anna de Vries"]
    await api.client.post(f"/review/matches/{anna}/approve", data={"csrf_token": token})

    approved = await api.client.get("/review?status=approved")
    assert f'href="/review/matches/{anna}"' in approved.text
    assert "Introductie opstellen" in approved.text
    detail = await api.client.get(f"/review/matches/{anna}")
    assert detail.status_code == 200
    assert "Beste Anna de Vries," in detail.text  # prefilled with the default text
    assert '<textarea id="introductie" name="introduction_text"' in detail.text

    text = "Beste Anna,\n\nMag ik je voorstellen aan de gemeente Noordlaren?\n\nGroet, Pien"
    r = await api.client.post(
        f"/review/matches/{anna}/introduce",
        data={"csrf_token": token, "introduction_text": text, "status": "approved"},
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/review?status=approved&melding=geintroduceerd")
    body = await match_state(api, pm, anna)
    assert body["state"] == "introduced"
    assert body["introduction_text"] == text

    r = await api.client.post(
        f"/review/matches/{anna}/introduce", data={"csrf_token": token, "introduction_text": " "}
    )
    assert "melding=tekst-ontbreekt" in r.headers["location"]


async def test_filters_by_sector_kind_and_status(api: Api) -> None:
    pm, data = await seeded(api)
    await sign_in(api.client, pm)
    bio, zorg = html.escape(data.bio_title), html.escape(data.zorg_title)

    both = (await api.client.get("/review")).text
    assert bio in both and zorg in both
    by_sector = (await api.client.get("/review?sector=zorg")).text
    assert zorg in by_sector and bio not in by_sector
    assert '<option value="zorg" selected>' in by_sector
    by_kind = (await api.client.get("/review?kind=capacity")).text
    assert bio in by_kind and zorg not in by_kind
    assert '<option value="capacity" selected>' in by_kind
    nothing = (await api.client.get("/review?status=approved")).text
    assert bio not in nothing and "Niets te beoordelen" in nothing
    # Unknown filter values are ignored rather than failing the page.
    assert (await api.client.get("/review?kind=bogus&status=bogus&sector=<x>")).status_code == 200

    token = csrf_of(both)
    anna = match_ids(both, data.bio_challenge)["Anna de Vries"]
    r = await api.client.post(f"/review/matches/{anna}/approve", data={"csrf_token": token})
    assert "goedgekeurd" in r.headers["location"], r.headers["location"]
    approved = (await api.client.get("/review?status=approved")).text
    assert bio in approved and zorg not in approved
    assert list(match_ids(approved, data.bio_challenge)) == ["Anna de Vries"]


async def test_network_page_counts_approved_links_by_sector(api: Api) -> None:
    pm, data = await seeded(api)
    await sign_in(api.client, pm)
    page = await api.client.get("/review")
    token = csrf_of(page.text)
    anna = match_ids(page.text, data.bio_challenge)["Anna de Vries"]

    def cell(text: str, ask: str, help_: str) -> int:
        found = re.search(rf'id="cel-{ask}-{help_}"[^>]*>(\d+)</td>', text)
        assert found, f"no cell {ask} x {help_}"
        return int(found.group(1))

    before = (await api.client.get("/review/network")).text
    assert cell(before, "overheden", "ict") == 0
    assert html.escape(data.bio_title) in before  # still unmatched

    await api.client.post(f"/review/matches/{anna}/approve", data={"csrf_token": token})
    network = await api.client.get("/review/network")
    assert network.status_code == 200
    text = network.text
    assert cell(text, "overheden", "ict") == 1  # rows ask, columns help
    assert cell(text, "ict", "overheden") == 0
    assert cell(text, "overheden", "overheden") == 0
    assert "heat-5" in text  # the only link is the busiest cell
    unmatched = text.split('id="open-kop"', 1)[1]
    assert html.escape(data.bio_title) not in unmatched
    assert html.escape(data.zorg_title) in unmatched


async def test_sign_out_ends_the_session(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    r = await sign_in(api.client, pm)
    cookie = r.cookies["matcher_review"]
    page = await api.client.get("/review")
    r = await api.client.post("/review/logout", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    assert r.headers["location"] == "/review/login?melding=afgemeld"
    assert (await api.client.get("/review")).status_code == 303
    async with api.pool.acquire() as c:
        assert await c.fetchval("SELECT count(*) FROM web_session") == 0
    # The old cookie value is worthless now.
    api.client.cookies.set("matcher_review", cookie, path="/review")
    assert (await api.client.get("/review")).status_code == 303
    login = await api.client.get("/review/login?melding=afgemeld")
    assert "Je bent afgemeld." in login.text


async def test_member_text_is_escaped(api: Api) -> None:
    pm, data = await seeded(api)
    r = await api.client.post(
        "/challenges",
        headers=pm,
        json={
            "organisation_id": data.zorg,
            "title": "<script>alert(1)</script> BIO",
            "kind": "knowledge",
            "description": "Informatiebeveiliging en risicoanalyse volgens de BIO <b>nu</b>.",
        },
    )
    assert r.status_code == 201
    await drain(api.pool, api.app.state.embedder)  # type: ignore[attr-defined]
    await sign_in(api.client, pm)
    text = (await api.client.get("/review")).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; BIO" in text
    assert "script-src" not in text
    page = await api.client.get("/review")
    assert "default-src 'none'" in page.headers["content-security-policy"]


async def test_signing_in_clears_expired_sessions(api: Api) -> None:
    from matcher.usecases.web_sessions import sign_in

    pm_key = await api.key(Role.programme_manager)
    key = pm_key["Authorization"].removeprefix("Bearer ")
    async with api.pool.acquire() as conn:
        await sign_in(conn, key)
        await conn.execute("UPDATE web_session SET expires_at = now() - interval '1 minute'")
        await sign_in(conn, key)
        assert await conn.fetchval("SELECT count(*) FROM web_session") == 1
        assert await conn.fetchval("SELECT count(*) FROM web_session WHERE expires_at > now()") == 1
