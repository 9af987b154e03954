"""The network page: which sectors connect, and the challenges still waiting for a match."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import Conn
from api.routers.review.common import Session, render
from api.web_format import heat_level
from matcher.usecases import matches

router = APIRouter()


@router.get("/network")
async def network_page(request: Request, conn: Conn, session: Session) -> Response:
    """Sector × sector heatmap of approved and completed matches, and unmatched challenges."""
    overview = await matches.network_overview(conn, session.principal)
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
        },
    )
