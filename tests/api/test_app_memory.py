"""What the app loads at its start is kept out of the garbage collector's way while it runs."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from embeddings.hashing import HashingEmbedder
from matcher.settings import Settings


async def test_startup_objects_are_frozen_while_the_app_runs(db_url: str, tmp_path: Path) -> None:
    from api.app import create_app

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    settings = Settings(data_dir=tmp_path, cookie_secure=False)  # type: ignore[call-arg]
    app = create_app(settings, database_url=db_url, embedder=HashingEmbedder(64))
    async with app.router.lifespan_context(app):
        for _ in range(200):
            if app.state.model_ready:
                break
            await asyncio.sleep(0.01)
        assert app.state.model_ready
        assert gc.get_freeze_count() > 0
    # Stopped, nothing it loaded is held back from collection (tests start many apps).
    assert gc.get_freeze_count() == 0
