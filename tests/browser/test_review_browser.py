"""The review page in a real Chromium: sign in, approve by keyboard, reject with a reason."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, async_playwright, expect

from matcher import db
from matcher.records import Role
from matcher.usecases.keys import create_key
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LiveServer
from tests.web.review_seed import drain, seed

pytestmark = pytest.mark.browser


async def _match_id(page: Page, challenge_id: int, person: str) -> int:
    item = page.locator(f'li[data-challenge="{challenge_id}"][data-person="{person}"]')
    element_id = await item.get_attribute("id")
    assert element_id is not None and element_id.startswith("voorstel-")
    return int(element_id.removeprefix("voorstel-"))


async def test_review_page_in_chromium(
    chromium_executable: str, live_server: LiveServer, db_url: str, artifacts: Path
) -> None:
    pool = await db.create_pool(db_url, max_size=4)
    try:
        async with pool.acquire() as conn:
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
        pm = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
            data = await seed(client, pm)
        await drain(pool, live_server.embedder)
    finally:
        await pool.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            await page.goto(live_server.url + "/review")
            await expect(page).to_have_url(live_server.url + "/review/login")

            # The first Tab reaches the skip link.
            await page.keyboard.press("Tab")
            await expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()

            await page.screenshot(path=str(artifacts / "login-page.png"))
            await page.get_by_label("API-sleutel").fill(key)
            await page.get_by_role("button", name="Aanmelden").click()
            await expect(page).to_have_url(live_server.url + "/review")
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                "Voorstellen beoordelen"
            )
            await expect(page.get_by_role("heading", name=data.bio_title)).to_be_visible()

            anna = await _match_id(page, data.bio_challenge, "Anna de Vries")
            bram = await _match_id(page, data.bio_challenge, "Bram Jansen")
            await page.screenshot(path=str(artifacts / "review-page.png"), full_page=True)
            await page.locator(f"#voorstel-{anna}").screenshot(
                path=str(artifacts / "review-suggestion.png")
            )

            # Approve with the keyboard only.
            approve = page.locator(f"#voorstel-{anna}").get_by_role("button", name="Goedkeuren")
            await approve.focus()
            await expect(approve).to_be_focused()
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("status")).to_contain_text("is goedgekeurd")
            await expect(page.locator(f"#voorstel-{anna}")).to_have_count(0)

            # Reject with a reason and a note.
            suggestion = page.locator(f"#voorstel-{bram}")
            await suggestion.get_by_label("Reden").select_option("no_capacity")
            await suggestion.get_by_label("Notitie").fill("Zit vol tot de zomer")
            await suggestion.get_by_role("button", name="Afwijzen").click()
            await expect(page.get_by_role("status")).to_contain_text("is afgewezen")
            await expect(page.locator(f"#voorstel-{bram}")).to_have_count(0)
            await page.screenshot(path=str(artifacts / "review-page-after.png"), full_page=True)

            # The approved match's page offers the prefilled introduction form.
            await page.goto(f"{live_server.url}/review/matches/{anna}")
            await expect(page.get_by_label("Introductietekst")).to_contain_text(
                "Beste Anna de Vries"
            )
            await page.screenshot(path=str(artifacts / "match-page.png"), full_page=True)

            await page.get_by_role("link", name="Netwerk").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                "Het netwerk tussen sectoren"
            )
            await expect(page.locator("#cel-overheden-ict")).to_have_text("1")
            await page.screenshot(path=str(artifacts / "network-page.png"), full_page=True)

            await page.get_by_role("button", name="Afmelden").click()
            await expect(page.get_by_role("status")).to_have_text("Je bent afgemeld.")
        finally:
            await browser.close()

    async with httpx.AsyncClient(base_url=live_server.url, headers=pm, timeout=30) as client:
        approved = (await client.get(f"/matches/{anna}")).json()
        rejected = (await client.get(f"/matches/{bram}")).json()
    assert approved["state"] == "approved"
    assert rejected["state"] == "rejected"
    assert rejected["history"][-1]["reason_code"] == "no_capacity"
    assert rejected["history"][-1]["note"] == "Zit vol tot de zomer"
    assert (artifacts / "review-page.png").stat().st_size > 10_000
    assert (artifacts / "network-page.png").stat().st_size > 10_000
