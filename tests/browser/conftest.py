"""Browser fixtures: Debian's Chromium (never a downloaded one); `live_server` is in tests/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; a missing browser fails the run unless MATCHER_ALLOW_NO_BROWSER=1."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = (
        f"Chromium is not installed at {CHROMIUM}: install Debian's build with "
        "`apt-get install -y chromium` (do not run `playwright install`)."
    )
    if os.environ.get("MATCHER_ALLOW_NO_BROWSER") == "1":
        pytest.skip(message + " Skipped because MATCHER_ALLOW_NO_BROWSER=1.")
    pytest.fail(
        message + " To skip the browser tests instead, set MATCHER_ALLOW_NO_BROWSER=1.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (test-artifacts/ at the project root)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
