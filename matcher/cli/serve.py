"""`matcher serve` and `matcher worker`: the long-running entry points."""

from __future__ import annotations

from typing import Annotated

import typer

from matcher import wiring
from matcher.cli.common import err, run, settings, upgrade, url


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Apply migrations and serve the API (OpenAPI page at /docs)."""
    import uvicorn

    current = settings()
    database_url = url(current)
    run(lambda: upgrade(database_url))
    # By name: the CLI does not import the HTTP app; the app reads the same settings.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or current.host,
        port=port or current.port,
    )


def worker() -> None:
    """Run the worker on its own: embedding and scheduled jobs (several at once are safe)."""
    current = settings()
    database_url = url(current)

    async def go() -> None:
        await upgrade(database_url)
        await wiring.run_worker_until_stopped(
            current,
            database_url,
            ready=lambda model_id: err.print(
                f"worker running with {model_id}; Ctrl-C stops it", highlight=False
            ),
        )

    run(go)
