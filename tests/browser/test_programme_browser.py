"""The programme pages in a real Chromium: calendar, an event's speakers and invite, themes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from matcher import db
from matcher.records import Role
from matcher.usecases.demo import load_demo
from matcher.usecases.demo_programme import load_programme_demo
from matcher.usecases.keys import create_key
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LiveServer
from tests.web.review_seed import drain

pytestmark = pytest.mark.browser


async def test_programme_pages_in_chromium(
    chromium_executable: str, live_server: LiveServer, db_url: str, artifacts: Path
) -> None:
    pool = await db.create_pool(db_url, max_size=4)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await load_demo(conn)
        await drain(pool, live_server.embedder)
        async with pool.acquire() as conn, conn.transaction():
            await load_programme_demo(
                conn, live_server.embedder, today=date.today(), now=datetime.now(UTC)
            )
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
        await drain(pool, live_server.embedder)

        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = await browser.new_page(
                    viewport={"width": 1280, "height": 900}, locale="nl-NL"
                )
                await page.goto(live_server.url + "/review/login")
                await page.get_by_label("API-sleutel").fill(key)
                await page.get_by_role("button", name="Aanmelden").click()
                await page.get_by_role("link", name="Programma").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Programma van de vereniging"
                )
                await expect(page.locator("li.event")).to_have_count(
                    15
                )  # 2 held, 12 coming, the lunch session
                await page.screenshot(path=str(artifacts / "programme-events.png"), full_page=True)

                await page.get_by_role("link", name="Digitale crisisoefeningen").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Digitale crisisoefeningen"
                )
                programme = page.locator("#programma tbody tr")
                before = await programme.count()
                assert before == 2
                candidate = page.locator("li.suggestion").first
                name = await candidate.get_attribute("data-person")
                assert name
                await page.screenshot(path=str(artifacts / "programme-event.png"), full_page=True)
                await candidate.get_by_role("button", name="Uitnodigen").click()
                await expect(page.get_by_role("status").first).to_contain_text(
                    "uitnodiging is vastgelegd"
                )
                await expect(programme).to_have_count(before + 1)
                await expect(page.locator("#programma")).to_contain_text(name)

                await page.get_by_role("link", name="Thema's").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Thema's van het afgelopen kwartaal"
                )
                dots = await page.locator("circle.theme-dot").count()
                await expect(page.locator("svg.theme-map desc")).to_contain_text(
                    f"{dots} uitdagingen"
                )
                assert dots >= 40  # the demo's challenges, withdrawn ones left out
                await page.screenshot(path=str(artifacts / "programme-themes.png"), full_page=True)
            finally:
                await browser.close()
        async with pool.acquire() as conn:
            invited = await conn.fetchval(
                "SELECT count(*) FROM event_invitation i JOIN person p ON p.id = i.person_id "
                "JOIN event e ON e.id = i.event_id "
                "WHERE e.theme = 'Digitale crisisoefeningen' AND p.name = $1",
                name,
            )
        assert invited == 1
    finally:
        await pool.close()
    assert (artifacts / "programme-events.png").stat().st_size > 10_000
