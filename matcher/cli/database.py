"""`matcher db`: apply and revert migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from matcher import migrations
from matcher.cli.common import connection, err, run, settings, upgrade, url

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    database_url = url(settings())
    done = run(lambda: upgrade(database_url))
    err.print(f"applied: {', '.join(f'{v:04d}' for v in done) or 'nothing (up to date)'}")


@app.command("downgrade")
def db_downgrade(
    to: Annotated[int, typer.Option(help="Version to go back to (0 = empty)")],
) -> None:
    """Revert migrations above a version."""
    database_url = url(settings())

    async def go() -> list[int]:
        async with connection(database_url, vectors=False) as conn:
            return await migrations.downgrade(conn, target=to)

    undone = run(go)
    err.print(f"reverted: {', '.join(f'{v:04d}' for v in undone) or 'nothing'}")
