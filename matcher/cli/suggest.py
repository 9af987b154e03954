"""`matcher suggest`: people for an ad-hoc challenge text."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from matcher import wiring
from matcher.cli.common import connection, fail, out, run, settings, url
from matcher.cli.keys import resolve_organisation
from matcher.records import ChallengeKind


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
        fail("the challenge text is empty")
    current = settings()
    database_url = url(current)

    async def go() -> list[Any]:
        from matcher.usecases.suggestions import SuggestionOptions, suggest_for_text

        embedder = wiring.build_embedder(current)
        async with connection(database_url) as conn:
            org_id = await resolve_organisation(conn, org) if org is not None else None
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

    suggestions = run(go)
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
