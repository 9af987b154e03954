"""Hours offered, reserved and spent, grouped per sector or organisation, and as files."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

Grouping = Literal["sector", "organisation"]


@dataclass(frozen=True, slots=True)
class HoursInput:
    """One organisation's hours in one month, as storage reads them."""

    month: date
    organisation_name: str
    sector_name: str | None
    offered: float
    reserved: float
    spent: float


@dataclass(frozen=True, slots=True)
class HoursRow:
    """Hours of one group (sector or organisation) in one month."""

    month: date
    name: str
    sector_name: str
    offered: float
    reserved: float
    spent: float


NO_SECTOR = "sector onbekend"
HEADERS = {
    "sector": ["maand", "sector", "aangeboden uren", "gereserveerde uren", "bestede uren"],
    "organisation": [
        "maand",
        "organisatie",
        "sector",
        "aangeboden uren",
        "gereserveerde uren",
        "bestede uren",
    ],
}


def group_hours(rows: Iterable[HoursInput], by: Grouping) -> list[HoursRow]:
    """Sum per month and sector (or organisation), by month then name."""
    sums: dict[tuple[date, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in rows:
        sector = r.sector_name or NO_SECTOR
        name = sector if by == "sector" else r.organisation_name
        acc = sums[(r.month, name, sector)]
        acc[0] += r.offered
        acc[1] += r.reserved
        acc[2] += r.spent
    return [
        HoursRow(month, name, sector, round(o, 1), round(res, 1), round(s, 1))
        for (month, name, sector), (o, res, s) in sorted(sums.items())
    ]


def totals(rows: Iterable[HoursRow]) -> list[HoursRow]:
    """Per group: the sums over all months (month = the first month seen)."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    first: dict[tuple[str, str], date] = {}
    for r in rows:
        key = (r.name, r.sector_name)
        first.setdefault(key, r.month)
        acc = sums[key]
        acc[0] += r.offered
        acc[1] += r.reserved
        acc[2] += r.spent
    return [
        HoursRow(first[key], key[0], key[1], round(o, 1), round(res, 1), round(s, 1))
        for key, (o, res, s) in sorted(sums.items())
    ]


def _cells(row: HoursRow, by: Grouping) -> list[str | float]:
    head: list[str | float] = [row.month.strftime("%Y-%m"), row.name]
    if by == "organisation":
        head.append(row.sector_name)
    return [*head, row.offered, row.reserved, row.spent]


def to_csv(rows: Sequence[HoursRow], by: Grouping) -> str:
    """The rows as CSV with a Dutch header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[by])
    for row in rows:
        writer.writerow(_cells(row, by))
    return out.getvalue()


def to_xlsx(rows: Sequence[HoursRow], by: Grouping) -> bytes:
    """The rows as one XLSX sheet with a bold header line."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Uren per sector" if by == "sector" else "Uren per organisatie"
    sheet.append(HEADERS[by])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row, by))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
