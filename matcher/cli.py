"""The `matcher` command: serve, database, demo data, keys, re-index, suggest, eval."""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matcher import db, migrations
from matcher.cli_assign import assign_command
from matcher.cli_import import export_app, import_app
from matcher.cli_train import train_command
from matcher.errors import MatcherError
from matcher.logging import configure_logging
from matcher.records import ChallengeKind, Role
from matcher.settings import Settings, get_settings

app = typer.Typer(help="Member matchmaking and capacity sharing.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="The fictional demo network.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(keys_app, name="keys")

out = Console()
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine; domain errors become a clear message and exit code 2."""
    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except MatcherError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc


def _settings() -> Settings:
    settings = get_settings()
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    return settings


async def _upgrade(url: str) -> list[int]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await migrations.upgrade(conn)
    finally:
        await conn.close()


def _url(settings: Settings) -> str:
    return db.database_url(settings)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    settings = _settings()
    url = _url(settings)
    done = _run(lambda: _upgrade(url))
    err.print(f"applied: {', '.join(f'{v:04d}' for v in done) or 'nothing (up to date)'}")


@db_app.command("downgrade")
def db_downgrade(
    to: Annotated[int, typer.Option(help="Version to go back to (0 = empty)")],
) -> None:
    """Revert migrations above a version."""
    import asyncpg

    settings = _settings()
    url = _url(settings)

    async def go() -> list[int]:
        conn = await asyncpg.connect(url)
        try:
            return await migrations.downgrade(conn, target=to)
        finally:
            await conn.close()

    undone = _run(go)
    err.print(f"reverted: {', '.join(f'{v:04d}' for v in undone) or 'nothing'}")


def _embedder(settings: Settings, backend: str | None = None) -> Any:
    from api.app import build_embedder

    if backend is not None:
        settings = settings.model_copy(update={"embedding_model": backend})
    return build_embedder(settings)


async def _embed_with_progress(settings: Settings, url: str, embedder: Any) -> int:
    from matcher.usecases.embedding import embed_pending, pending_counts

    pool = await db.create_pool(url, max_size=4)
    try:
        counts = await pending_counts(pool, embedder.model_id, settings.embed_max_attempts)
        if counts["pending"] == 0:
            err.print("embeddings: nothing to do (all texts have vectors from this model)")
            return 0
        with Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        ) as progress:
            task = progress.add_task("embed", total=counts["pending"])
            hook = _proposal_hook(embedder, settings)
            report = await embed_pending(
                pool,
                embedder,
                batch_size=settings.embed_batch_size,
                max_attempts=settings.embed_max_attempts,
                on_challenges=hook,
                progress=lambda n: progress.advance(task, n),
            )
        if report.failed:
            err.print(f"[yellow]{report.failed} texts failed; they are retried later[/yellow]")
        return report.embedded
    finally:
        await pool.close()


def _proposal_hook(embedder: Any, settings: Settings) -> Any:
    from matcher.usecases.matches import make_proposal_hook

    return make_proposal_hook(embedder.model_id, top=settings.suggestions_stored)


@demo_app.command("load")
def demo_load(
    embed: Annotated[bool, typer.Option(help="Embed what is new or changed")] = True,
) -> None:
    """Load (or refresh) the demo network; safe to run again."""
    settings = _settings()
    url = _url(settings)

    async def go() -> None:
        from matcher.usecases.demo import load_demo

        await _upgrade(url)
        conn = await db.connect(url)
        try:
            async with conn.transaction():
                report = await load_demo(conn)
        finally:
            await conn.close()
        err.print(
            "demo: {organisations_created} organisations, {people_created} people, "
            "{challenges_created} challenges created; {people_changed} people and "
            "{challenges_changed} challenges changed".format(**asdict(report))
        )
        if embed:
            n = await _embed_with_progress(settings, url, _embedder(settings))
            err.print(f"embeddings: {n} texts embedded")

    _run(go)


@app.command()
def reindex(
    backend: Annotated[str | None, typer.Option(help="Override MATCHER_EMBEDDING_MODEL")] = None,
) -> None:
    """Embed every text that has no vector from the configured model (after a model change)."""
    settings = _settings()
    url = _url(settings)

    async def go() -> None:
        from matcher.storage.embedding_queue import reset_failures

        await _upgrade(url)
        embedder = _embedder(settings, backend)
        conn = await db.connect(url)
        try:
            await reset_failures(conn, model_id=embedder.model_id)
        finally:
            await conn.close()
        n = await _embed_with_progress(settings, url, embedder)
        err.print(f"reindex: {n} texts embedded with {embedder.model_id}")

    _run(go)


async def _resolve_org(conn: Any, org: str) -> int:
    from matcher.errors import NotFound
    from matcher.storage.organisations import organisation_id_by_key_or_name

    if org.isdigit():
        return int(org)
    value = await organisation_id_by_key_or_name(conn, org)
    if value is None:
        raise NotFound(f"no organisation with id, key or name {org!r}")
    return value


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="member, programme_manager or admin")],
    org: Annotated[
        str | None, typer.Option(help="Organisation id, key or name (required for members)")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on what the key is for")] = "",
) -> None:
    """Create an API key; it is printed once, alone on stdout."""
    if role is Role.member and org is None:
        err.print("[red]error:[/red] --org is required for a member key")
        raise typer.Exit(2)
    settings = _settings()
    url = _url(settings)

    async def go() -> str:
        from matcher.usecases.keys import create_key

        await _upgrade(url)
        conn = await db.connect(url)
        try:
            org_id = await _resolve_org(conn, org) if org is not None else None
            async with conn.transaction():
                return await create_key(conn, role=role, organisation_id=org_id, label=label)
        finally:
            await conn.close()

    key = _run(go)
    sys.stdout.write(key + "\n")


@app.command()
def suggest(
    text: Annotated[str, typer.Argument(help="The challenge text")],
    kind: Annotated[
        ChallengeKind | None, typer.Option(help="partner, speaker, capacity or knowledge")
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=100)] = 10,
    org: Annotated[
        str | None, typer.Option(help="Asking organisation (excluded, sets sector)")
    ] = None,
    hours: Annotated[float | None, typer.Option(min=0, help="Hours needed")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
) -> None:
    """Suggest people for an ad-hoc challenge text against the current database."""
    if not text.strip():
        err.print("[red]error:[/red] the challenge text is empty")
        raise typer.Exit(2)
    settings = _settings()
    url = _url(settings)

    async def go() -> list[Any]:
        from matcher.usecases.suggestions import SuggestionOptions, suggest_for_text

        embedder = _embedder(settings)
        conn = await db.connect(url)
        try:
            org_id = await _resolve_org(conn, org) if org is not None else None
            return await suggest_for_text(
                conn,
                embedder,
                text,
                kind=kind,
                organisation_id=org_id,
                hours_needed=hours,
                today=date.today(),
                options=SuggestionOptions(top=top, lang=lang),
            )
        finally:
            await conn.close()

    suggestions = _run(go)
    if as_json:
        rows = [
            {
                "person_id": s.person_id,
                "person_name": s.person_name,
                "person_role": s.person_role,
                "organisation": s.organisation_name,
                "sector": s.sector_name,
                "province": s.province,
                "score": s.score,
                "score_parts": s.score_parts,
                "evidence": s.evidence,
                "explanation": s.explanation,
            }
            for s in suggestions
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Suggesties ({len(suggestions)})", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("Persoon")
    table.add_column("Organisatie")
    table.add_column("Score", justify="right")
    table.add_column("Toelichting")
    for i, s in enumerate(suggestions, 1):
        table.add_row(
            str(i),
            f"{s.person_name}\n{s.person_role}",
            f"{s.organisation_name}\n{s.sector_name or ''}",
            f"{s.score:.3f}",
            "\n".join(s.explanation_lines),
        )
    out.print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Apply migrations and serve the API (OpenAPI page at /docs)."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    url = _url(settings)
    _run(lambda: _upgrade(url))
    application = create_app(settings, database_url=url)
    uvicorn.run(application, host=host or settings.host, port=port or settings.port)


@app.command()
def worker() -> None:
    """Run the embedding worker on its own (when the API runs with MATCHER_EMBED_IN_PROCESS=false)."""
    settings = _settings()
    url = _url(settings)

    async def go() -> None:
        from matcher.usecases.embedding import EmbeddingWorker

        await _upgrade(url)
        pool = await db.create_pool(url, max_size=4)
        embedder = _embedder(settings)
        w = EmbeddingWorker(
            pool,
            embedder,
            batch_size=settings.embed_batch_size,
            max_attempts=settings.embed_max_attempts,
            on_challenges=_proposal_hook(embedder, settings),
        )
        w.start()
        err.print(f"embedding worker running with {embedder.model_id}; Ctrl-C stops it")
        try:
            await asyncio.Event().wait()
        finally:
            await w.stop()
            await pool.close()

    _run(go)


@demo_app.command("run")
def demo_run(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Load the demo network, print keys and examples, and serve (what `make demo` runs)."""
    settings = _settings()
    url = _url(settings)
    demo_load(embed=True)

    async def keys() -> Any:
        from matcher.usecases.demo import issue_demo_keys

        conn = await db.connect(url)
        try:
            async with conn.transaction():
                return await issue_demo_keys(conn)
        finally:
            await conn.close()

    issued = _run(keys)
    pm, member, org_name = issued.programme_manager, issued.member, issued.organisation_name
    challenge_id = issued.challenge_id or 0
    base = f"http://{host or settings.host}:{port or settings.port}"
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


app.command("train")(train_command)
app.command("assign")(assign_command)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


@app.command("eval")
def eval_command(
    dataset_dir: Annotated[
        Path, typer.Argument(help="Folder with profiles.jsonl, challenges.jsonl, judgments.tsv")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    backend: Annotated[
        str | None,
        typer.Option(help="Embedding backend: minilm, use, hashing, or a model name/path"),
    ] = None,
) -> None:
    """Score a labelled dataset with the production scoring code and print the metrics."""
    from matcher.evaluation.dataset import load_dataset
    from matcher.evaluation.runner import evaluate_dataset

    settings = _settings()
    try:
        dataset = load_dataset(dataset_dir)
    except MatcherError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    url = _url(settings)
    embedder = _embedder(settings, backend)
    started = time.perf_counter()

    async def go() -> dict[str, Any]:
        results = await evaluate_dataset(dataset, embedder, server_url=url)
        return dict(results["default"].metrics)

    metrics = _run(go)
    metrics["seconds"] = round(time.perf_counter() - started, 3)
    keys = [
        "ndcg@10",
        "recall@10",
        "mrr",
        "pairwise_loss_by_profile",
        "pairwise_loss_by_challenge",
        "seconds",
        "model",
    ]
    clean = {k: _json_number(metrics[k]) for k in keys}
    if as_json:
        sys.stdout.write(json.dumps(clean) + "\n")
        return
    table = Table(title=f"{dataset_dir} ({metrics.get('challenges')} challenges)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k in keys:
        v = clean[k]
        table.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    out.print(table)


def _json_number(value: Any) -> Any:
    """NaN (no pairs to compare) is null in JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
