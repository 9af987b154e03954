"""`matcher demo`: the fictional demo network."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer

from matcher import wiring
from matcher.cli.common import connection, err, run, settings, upgrade, url
from matcher.cli.embedding import embed_with_progress
from matcher.cli.programme import demo as programme_demo
from matcher.cli.serve import serve

app = typer.Typer(help="The fictional demo network.", no_args_is_help=True)


@app.command("load")
def demo_load(
    embed: Annotated[bool, typer.Option(help="Embed what is new or changed")] = True,
) -> None:
    """Load (or refresh) the demo network; safe to run again."""
    current = settings()
    database_url = url(current)

    async def go() -> None:
        from matcher.usecases.demo import load_demo

        await upgrade(database_url)
        async with connection(database_url) as conn, conn.transaction():
            report = await load_demo(conn)
        err.print(
            "demo: {organisations_created} organisations, {people_created} people, "
            "{challenges_created} challenges created; {people_changed} people and "
            "{challenges_changed} challenges changed".format(**asdict(report))
        )
        if embed:
            n = await embed_with_progress(current, database_url, wiring.build_embedder(current))
            err.print(f"embeddings: {n} texts embedded")

    run(go)


@app.command("run")
def demo_run(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Load the demo network, run the assignment round, print keys and examples, and serve
    (what `make demo` runs)."""
    current = settings()
    database_url = url(current)
    demo_load(embed=True)
    # The association's own programme on top: networks, the event calendar, speakers, a project.
    programme_demo()

    async def assignment_round() -> Any:
        from matcher.usecases.assignment import run_assignment_round

        pool = await wiring.create_pool(database_url, max_size=2)
        try:
            model_id = wiring.build_embedder(current).model_id
            return await run_assignment_round(pool, model_id=model_id)
        finally:
            await pool.close()

    done = run(assignment_round)
    err.print(
        f"assignment round: {done.assignment.proposals} proposals for {done.challenges} open "
        f"challenges ({done.assignment.people_over_hours} people over their hours; "
        f"per-challenge proposals would have had {done.greedy.people_over_hours})"
    )

    async def keys() -> Any:
        from matcher.usecases.demo import issue_demo_keys

        async with connection(database_url) as conn, conn.transaction():
            return await issue_demo_keys(conn)

    issued = run(keys)
    pm, member, org_name = issued.programme_manager, issued.member, issued.organisation_name
    challenge_id = issued.challenge_id or 0
    base = f"http://{host or current.host}:{port or current.port}"
    auth = f"-H 'Authorization: Bearer {member}'"
    body = (
        '{"title": "Hulp bij BIO-beleid", "description": "Wij zoeken iemand die ons helpt een '
        'informatiebeveiligingsbeleid op te stellen volgens de BIO.", "kind": "knowledge"}'
    )
    lines = [
        "",
        f"Programme manager key: {pm}",
        f"Member key ({org_name}): {member}",
        "",
        "Try (the member key):",
        f"  curl -s {auth} '{base}/challenges?status=open&limit=5'",
        f"  curl -s {auth} '{base}/challenges/{challenge_id}/suggestions?top=5'",
        f"  curl -s -X POST {auth} -H 'Content-Type: application/json' -d '{body}' "
        f"{base}/challenges",
        "",
        f"OpenAPI page: {base}/docs   review page (programme manager key): {base}/review",
        "",
    ]
    # Plain writes: copy-paste commands must not be wrapped at the terminal width.
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()
    serve(host=host, port=port)
