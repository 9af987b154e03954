"""Browser fixtures: Debian's Chromium (never a downloaded one) and the app on a real uvicorn."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from embeddings.hashing import HashingEmbedder
from matcher.settings import Settings

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


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The app served over real HTTP on 127.0.0.1."""

    url: str
    embedder: HashingEmbedder


@pytest.fixture
def live_server(db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn in a background thread (its own event loop) against this test's database."""
    from api.app import create_app

    settings = Settings(data_dir=tmp_path, embed_in_process=False, cookie_secure=False)
    embedder = HashingEmbedder(256)
    app = create_app(settings, database_url=db_url, embedder=embedder)
    # Bind first, then hand the socket to uvicorn: the port is ours before the server starts.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the uvicorn server stopped during start-up")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the uvicorn server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", embedder=embedder)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
