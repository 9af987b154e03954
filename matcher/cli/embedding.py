"""`matcher reindex` and the embedding pass with a progress bar that other commands share."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from embeddings.base import Embedder
from matcher import wiring
from matcher.cli.common import connection, err, run, settings, upgrade, url
from matcher.settings import Settings


async def embed_with_progress(current: Settings, database_url: str, embedder: Embedder) -> int:
    """Embed everything pending with a progress bar; returns how many texts got a vector."""
    from matcher.usecases.embedding import (
        embed_pending,
        english_model_id,
        pending_counts,
        propose_due,
    )

    pool = await wiring.create_pool(database_url, max_size=4)
    hook = wiring.proposal_hook(embedder, current)
    try:
        counts = await pending_counts(
            pool,
            embedder.model_id,
            current.embed_max_attempts,
            english_model_id=english_model_id(embedder),
        )
        if counts["pending"] == 0:
            err.print("embeddings: nothing to do (all texts have vectors from this model)")
            await propose_due(pool, hook)  # proposals a crash left due
            return 0
        with Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        ) as progress:
            task = progress.add_task("embed", total=counts["pending"])
            report = await embed_pending(
                pool,
                embedder,
                batch_size=current.embed_batch_size,
                max_attempts=current.embed_max_attempts,
                lease_seconds=current.embed_lease_seconds,
                on_challenges=hook,
                progress=lambda n: progress.advance(task, n),
            )
        if report.failed:
            err.print(f"[yellow]{report.failed} texts failed; they are retried later[/yellow]")
        return report.embedded
    finally:
        await pool.close()


def reindex(
    backend: Annotated[str | None, typer.Option(help="Override MATCHER_EMBEDDING_MODEL")] = None,
) -> None:
    """Embed every text that has no vector from the configured model (after a model change)."""
    current = settings()
    database_url = url(current)

    async def go() -> None:
        from matcher.storage.embedding_queue import reset_failures
        from matcher.usecases.embedding import english_model_id

        await upgrade(database_url)
        embedder = wiring.build_embedder(current, backend)
        async with connection(database_url) as conn:
            await reset_failures(
                conn, model_id=embedder.model_id, english_model_id=english_model_id(embedder)
            )
        n = await embed_with_progress(current, database_url, embedder)
        err.print(f"reindex: {n} texts embedded with {embedder.model_id}")

    run(go)
