"""`matcher assign`: the capacity-aware assignment round on demand."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from matcher.cli.common import out, run, settings, upgrade, url

_FIGURES = (
    ("proposals", "proposals"),
    ("total_score", "total score"),
    ("challenges_proposed", "challenges with a proposal"),
    ("challenges_served", "challenges with an approvable proposal"),
    ("people_proposed", "people proposed"),
    ("people_over_hours", "people over their hours"),
    ("people_over_limit", "people over the per-person limit"),
    ("max_exposure", "most proposals for one person"),
    ("gini_exposure", "Gini of exposure"),
)


def assign_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Solve and report; store nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    per_challenge: Annotated[int, typer.Option(min=1, max=20, help="People per challenge")] = 3,
    per_person: Annotated[
        int, typer.Option(min=1, max=20, help="Proposals per person per round")
    ] = 2,
    other_hours: Annotated[
        float,
        typer.Option(min=0.0, max=100.0, help="Hours a non-capacity challenge needs per person"),
    ] = 2.0,
) -> None:
    """Propose k people per open challenge, maximising total score within everyone's hours."""
    from matcher import wiring
    from matcher.usecases.assignment import AssignmentOptions, RoundReport, run_assignment_round

    current = settings()
    database_url = url(current)
    model_id = wiring.build_embedder(current).model_id
    options = AssignmentOptions(
        per_challenge=per_challenge, per_person=per_person, other_kind_hours=other_hours
    )

    async def go() -> RoundReport:
        await upgrade(database_url)
        pool = await wiring.create_pool(database_url, max_size=2)
        try:
            return await run_assignment_round(
                pool, model_id=model_id, dry_run=dry_run, options=options
            )
        finally:
            await pool.close()

    report = run(go)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Assignment round over {report.challenges} open challenges")
    table.add_column("figure")
    table.add_column("round", justify="right")
    table.add_column("greedy (before)", justify="right")
    for key, label in _FIGURES:
        table.add_row(label, str(getattr(report.assignment, key)), str(getattr(report.greedy, key)))
    out.print(table)
    gap = f", gap {report.gap:.2%}" if report.gap else ""
    out.print(
        f"solver: {report.status}{gap} in {report.solve_seconds:.2f} s over "
        f"{report.candidate_pairs} candidate pairs"
    )
    out.print("dry run: nothing stored" if report.dry_run else f"stored {report.stored} proposals")
