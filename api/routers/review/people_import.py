"""The manager's spreadsheet page: upload people (.csv/.xlsx) with a per-row report, and
download them in the same format."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.deps import Conn
from api.routers.review.common import CheckedForm, Session, field, render
from matcher.errors import InvalidInput
from matcher.importing.people_sheet import MAX_BYTES, write_csv, write_xlsx
from matcher.usecases.people_import import ImportReport, export_rows, import_people

router = APIRouter()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(
    request: Request,
    session: object,
    *,
    report: ImportReport | None = None,
    error: str | None = None,
    filename: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "review/import.html",
        {
            "session": session,
            "active": "import",
            "report": report,
            "error": error,
            "filename": filename,
        },
        status_code=status_code,
    )


@router.get("/import")
async def import_form(request: Request, session: Session) -> Response:
    """The upload form."""
    return _page(request, session)


@router.post("/import")
async def import_upload(request: Request, conn: Conn, posted: CheckedForm) -> Response:
    """Check (and unless it is a trial, store) an uploaded people spreadsheet."""
    upload = posted.form.get("bestand")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(
            request, posted.session, error="Kies een bestand (.csv of .xlsx).", status_code=422
        )
    data = await upload.read(MAX_BYTES + 1)
    try:
        async with conn.transaction():
            report = await import_people(
                conn,
                posted.session.principal,
                filename=upload.filename,
                data=data,
                organisation=field(posted.form, "organisatie") or None,
                dry_run=posted.form.get("proef") == "ja",
                skip_invalid=posted.form.get("overslaan") == "ja",
            )
    except InvalidInput as exc:
        return _page(
            request, posted.session, error=exc.message, filename=upload.filename, status_code=422
        )
    return _page(
        request,
        posted.session,
        report=report,
        filename=upload.filename,
        status_code=200 if report.imported else 422,
    )


@router.get("/export/mensen.{extension}")
async def export_people(
    extension: Literal["csv", "xlsx"], conn: Conn, session: Session, organisatie: str = ""
) -> Response:
    """Everyone (or one organisation) in the import format."""
    rows = await export_rows(conn, session.principal, organisation=organisatie or None)
    headers = {
        "Content-Disposition": f'attachment; filename="mensen.{extension}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if extension == "csv":
        return Response(write_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(write_xlsx(rows), media_type=XLSX_TYPE, headers=headers)
