"""The network page: which sectors connect, and the challenges still waiting for a match."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn
from api.routers.review.common import Session, render
from api.web_format import heat_level
from matcher.reporting.hours import Grouping, to_csv, to_xlsx
from matcher.usecases import review_queue as queue
from matcher.usecases.hours import network_hours

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter()


@router.get("/network")
async def network_page(request: Request, conn: Conn, session: Session) -> Response:
    """Sector × sector heatmap of matches, hours shared per sector, and unmatched challenges."""
    overview = await queue.network_overview(conn, session.principal)
    hours = await network_hours(conn, session.principal, by="sector")
    codes = [code for code, _ in overview.sectors]
    counts = {(a, b): int(overview.matrix.get((a, b), 0)) for a in codes for b in codes}
    maximum = max(counts.values(), default=0)
    total = sum(counts.values())
    cross = sum(n for (a, b), n in counts.items() if a != b)
    pairs = [(a, b) for a in codes for b in codes if a != b]
    connected = sum(1 for p in pairs if counts[p] > 0)
    return render(
        request,
        "review/network.html",
        {
            "session": session,
            "active": "network",
            "sectors": overview.sectors,
            "counts": counts,
            "levels": {cell: heat_level(n, maximum) for cell, n in counts.items()},
            "row_totals": {a: sum(counts[(a, b)] for b in codes) for a in codes},
            "column_totals": {b: sum(counts[(a, b)] for a in codes) for b in codes},
            "total": total,
            "cross": cross,
            "pairs": len(pairs),
            "connected": connected,
            "unmatched": sorted(overview.unmatched, key=lambda u: -u.age_days),
            "hours": hours,
            "hours_last": _last_day(hours.first_month, hours.months),
        },
    )


def _last_day(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


_GROUPING: dict[str, Grouping] = {"sector": "sector", "organisatie": "organisation"}


@router.get("/network/uren.{extension}")
async def hours_download(
    extension: Literal["csv", "xlsx"], conn: Conn, session: Session, per: str = "sector"
) -> Response:
    """Hours offered, reserved and spent per month, per sector or organisation, as a file."""
    by = _GROUPING.get(per, "sector")
    report = await network_hours(conn, session.principal, by=by)
    name = f"uren-per-{'sector' if by == 'sector' else 'organisatie'}-{report.first_month:%Y-%m}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.{extension}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if extension == "csv":
        return Response(
            to_csv(report.rows, by), media_type="text/csv; charset=utf-8", headers=headers
        )
    return Response(to_xlsx(report.rows, by), media_type=XLSX_TYPE, headers=headers)
