"""The paginated review queue in a real Chromium: pages, search, show more, and an approval
that returns to the same card on the same page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from matcher import db
from matcher.records import Role
from matcher.usecases.keys import create_key
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LiveServer
from tests.web.bulk_seed import seed_big_queue

pytestmark = pytest.mark.browser


async def test_paginated_queue_in_chromium(
    chromium_executable: str, live_server: LiveServer, db_url: str, artifacts: Path
) -> None:
    pool = await db.create_pool(db_url, max_size=2)
    try:
        async with pool.acquire() as conn:
            queue = await seed_big_queue(conn, challenges=25, proposals=4)
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    finally:
        await pool.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            await page.goto(live_server.url + "/review/login")
            await page.get_by_label("API-sleutel").fill(key)
            await page.get_by_role("button", name="Aanmelden").click()
            cards = page.locator("article.challenge")
            await expect(cards).to_have_count(10)
            await expect(page.locator("li.suggestion")).to_have_count(30)
            await expect(page.get_by_text("Pagina 1 van 3").first).to_be_visible()
            await page.screenshot(path=str(artifacts / "review-paginated.png"), full_page=True)

            await page.get_by_role("link", name="Volgende →").click()
            await expect(page).to_have_url(live_server.url + "/review?pagina=2")
            await expect(cards).to_have_count(10)

            # Approve a proposal deep in page 2: back on page 2, scrolled to the same card.
            card = cards.nth(7)
            card_id = await card.get_attribute("id")
            assert card_id is not None
            first = card.locator("li.suggestion").first
            await first.get_by_label("Toelichting bij goedkeuren").fill("Past goed")
            await first.get_by_role("button", name="Goedkeuren").click()
            await expect(page.get_by_role("status")).to_contain_text("is goedgekeurd")
            assert "pagina=2" in page.url and page.url.endswith(f"#{card_id}")
            await expect(page.locator(f"#{card_id}")).to_be_in_viewport()
            # Three proposals left, all shown: no "show more" any more.
            await expect(page.locator(f"#{card_id} li.suggestion")).to_have_count(3)
            await expect(
                page.locator(f"#{card_id}").get_by_role("link", name="Toon alle")
            ).to_have_count(0)

            # Search by challenge title, then show more: every proposal of that challenge.
            await page.get_by_label("Zoeken").fill("Uitdaging 007")
            await page.get_by_role("button", name="Filteren").click()
            await expect(cards).to_have_count(1)
            await expect(cards.first).to_have_id(f"uitdaging-{queue.challenge_ids[7]}")
            await expect(cards.first.locator("li.suggestion")).to_have_count(3)
            await cards.first.get_by_role("link", name="Toon alle 4 voorstellen").click()
            await expect(cards.first.locator("li.suggestion")).to_have_count(4)
        finally:
            await browser.close()
