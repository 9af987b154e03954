"""`matcher import people FILE` and `matcher export people FILE`: the members' spreadsheets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matcher.cli.common import connection, err, fail, out, run, settings, upgrade, url

import_app = typer.Typer(help="Import from spreadsheets (.csv, .xlsx).", no_args_is_help=True)
export_app = typer.Typer(help="Export in the import format.", no_args_is_help=True)


@import_app.command("people")
def import_people_command(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file, one person a row")],
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation (key or name) for rows without one")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report; store nothing")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the valid rows even if others are wrong")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Create or update people (matched by e-mail); nothing is stored when any row is wrong."""
    from matcher.records import Principal, Role
    from matcher.usecases.people_import import ImportReport, import_people

    if not file.is_file():
        fail(f"no file {file}")
    data = file.read_bytes()
    database_url = url(settings())
    principal = Principal(key_id=0, role=Role.admin, organisation_id=None)

    async def go() -> ImportReport:
        await upgrade(database_url)
        async with connection(database_url) as conn, conn.transaction():
            return await import_people(
                conn,
                principal,
                filename=file.name,
                data=data,
                organisation=org,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
            )

    report = run(go)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
    else:
        if report.problems:
            table = Table(title="Problems")
            for column in ("line", "field", "problem"):
                table.add_column(column)
            for p in report.problems:
                table.add_row(str(p.line), p.field, p.problem)
            out.print(table)
        verb = "would be" if dry_run else "were"
        if report.imported:
            out.print(
                f"{report.rows} rows: {len(report.created)} people {verb} created, "
                f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                f"{len(report.skipped)} rows skipped"
            )
        else:
            out.print(f"nothing imported: {len(report.skipped)} of {report.rows} rows are wrong")
    if not report.imported:
        raise typer.Exit(1)


@export_app.command("people")
def export_people_command(
    file: Annotated[Path, typer.Argument(help="Where to write: .csv or .xlsx")],
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation")] = None,
) -> None:
    """Write people in the import format (import it again and nothing changes)."""
    from matcher.importing.people_sheet import PersonRow, write_csv, write_xlsx
    from matcher.records import Principal, Role
    from matcher.usecases.people_import import export_rows

    suffix = file.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        fail("the file must end in .csv or .xlsx")
    database_url = url(settings())
    principal = Principal(key_id=0, role=Role.admin, organisation_id=None)

    async def go() -> list[PersonRow]:
        await upgrade(database_url)
        async with connection(database_url) as conn:
            return await export_rows(conn, principal, organisation=org)

    rows = run(go)
    if suffix == ".csv":
        file.write_text(write_csv(rows), encoding="utf-8")
    else:
        file.write_bytes(write_xlsx(rows))
    err.print(f"exported {len(rows)} people to {file}")
