"""Every page the service serves loads only from its own origin (docs work offline)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import async_playwright, expect

from matcher import db
from matcher.records import Role
from matcher.usecases.keys import create_key
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


async def test_pages_load_nothing_from_another_origin(
    chromium_executable: str, live_server: LiveServer, db_url: str
) -> None:
    pool = await db.create_pool(db_url, max_size=2)
    try:
        async with pool.acquire() as conn:
            key = await create_key(conn, role=Role.programme_manager, organisation_id=None)
    finally:
        await pool.close()
    origin = urlsplit(live_server.url)
    requested: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            await page.goto(live_server.url + "/docs")
            # Swagger UI rendered from the package, with the bearer scheme's Authorize button.
            await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Noord matcher")
            await expect(page.get_by_role("button", name="Authorize")).to_be_visible()
            await page.goto(live_server.url + "/review/login")
            await page.get_by_label("API-sleutel").fill(key)
            await page.get_by_role("button", name="Aanmelden").click()
            await expect(page).to_have_url(live_server.url + "/review")
            await page.goto(live_server.url + "/review/network")
            await page.wait_for_load_state("networkidle")
        finally:
            await browser.close()
    assert len(requested) >= 6
    foreign = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
    ]
    assert foreign == []
