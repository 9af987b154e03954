"""`matcher programme`: the association's calendar, speaker suggestions and the programme demo."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

import matcher.cli.common as common
from matcher import db, migrations, wiring
from matcher.cli.common import err, out
from matcher.records import Principal, Role

programme_app = typer.Typer(help="The association's own programme.", no_args_is_help=True)
T = TypeVar("T")
MANAGER = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)


@programme_app.command("calendar")
def calendar(
    months: Annotated[int, typer.Option(min=1, max=36, help="How many months ahead")] = 12,
) -> None:
    """Theme events on the third Thursday of the coming months (dates already planned stay)."""
    settings = common.settings()

    async def go() -> int:
        from matcher.usecases.programme import generate_theme_calendar

        url = await asyncio.to_thread(db.database_url, settings)
        conn = await db.connect(url)
        try:
            await migrations.upgrade(conn)
            async with conn.transaction():
                created = await generate_theme_calendar(
                    conn, MANAGER, today=date.today(), months=months
                )
        finally:
            await conn.close()
        return len(created)

    err.print(f"calendar: {common.run(go)} theme events created")


@programme_app.command("events")
def events(as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """The coming events with their speakers."""
    settings = common.settings()

    async def go() -> list[dict[str, object]]:
        from matcher.usecases.programme import list_programme, local_day

        url = await asyncio.to_thread(db.database_url, settings)
        conn = await db.connect(url)
        try:
            items = await list_programme(conn, MANAGER, since=datetime.now(UTC), until=None)
        finally:
            await conn.close()
        return [
            {
                "id": i.event.id,
                "day": local_day(i.event.starts_at).isoformat(),
                "kind": i.event.kind.value,
                "theme": i.event.theme,
                "state": i.event.state.value,
                "speakers": [f"{s.person_name} ({s.state.value})" for s in i.invitations],
            }
            for i in items
        ]

    rows = common.run(go)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("id", "day", "kind", "theme", "state", "speakers")
    for r in rows:
        speakers = r["speakers"]
        assert isinstance(speakers, list)
        table.add_row(
            *(str(r[k]) for k in ("id", "day", "kind", "theme", "state")), ", ".join(speakers)
        )
    out.print(table)


@programme_app.command("speakers")
def speakers(
    event_id: Annotated[int, typer.Argument(min=1, help="The event")],
    top: Annotated[int, typer.Option(min=1, max=50)] = 10,
    rest_months: Annotated[int, typer.Option(min=0, max=36)] = 6,
) -> None:
    """Speaker suggestions for an event: the proposed set first, with rotation notes."""
    settings = common.settings()
    embedder = wiring.build_embedder(settings)

    async def go() -> object:
        from matcher.matching.programme import RotationRules
        from matcher.usecases.speakers import suggest_speakers

        url = await asyncio.to_thread(db.database_url, settings)
        conn = await db.connect(url)
        try:
            return await suggest_speakers(
                conn,
                MANAGER,
                event_id,
                embedder=embedder,
                today=date.today(),
                top=top,
                rules=RotationRules(person_rest_months=rest_months),
            )
        finally:
            await conn.close()

    from matcher.usecases.speakers import SpeakerSuggestions

    result = common.run(go)
    assert isinstance(result, SpeakerSuggestions)
    table = Table("", "person", "organisation", "sector", "score", "rotation")
    for s in result.speakers:
        rotation = ", ".join(
            t
            for t, on in (("rests", s.resting), ("organisation rests", s.organisation_resting))
            if on
        )
        table.add_row(
            "*" if s.chosen else "",
            s.suggestion.person_name,
            s.suggestion.organisation_name,
            s.suggestion.sector_name or "",
            f"{s.suggestion.score:.3f}",
            rotation,
        )
    out.print(table)
    for o in result.organisations:
        out.print(f"lunch: {o.organisation_name} ({o.strength:.3f})")
    for note in result.notes:
        err.print(f"[yellow]{note}[/yellow]")


@programme_app.command("demo")
def demo() -> None:
    """Add the programme to the loaded demo network (networks, events, speakers, a project)."""
    settings = common.settings()
    embedder = wiring.build_embedder(settings)

    async def go() -> dict[str, object]:
        from matcher.usecases.demo_programme import load_programme_demo
        from matcher.usecases.embedding import embed_pending
        from matcher.usecases.proposals import make_proposal_hook

        url = await asyncio.to_thread(db.database_url, settings)
        conn = await db.connect(url)
        try:
            await migrations.upgrade(conn)
            async with conn.transaction():
                report = await load_programme_demo(
                    conn, embedder, today=date.today(), now=datetime.now(UTC)
                )
        finally:
            await conn.close()
        # Talks and project outputs joined people's track records: give them vectors.
        pool = await db.create_pool(url, max_size=4)
        try:
            hook = make_proposal_hook(embedder.model_id, top=settings.suggestions_stored)
            embedded = await embed_pending(pool, embedder, on_challenges=hook)
        finally:
            await pool.close()
        return {**asdict(report), "texts_embedded": embedded.embedded}

    result = common.run(go)
    err.print("programme demo: " + ", ".join(f"{k} {v}" for k, v in result.items()))
