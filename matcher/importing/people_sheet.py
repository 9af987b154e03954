"""The people spreadsheet (CSV or XLSX): one person a row, validated cell by cell.

Columns (Dutch headers, as members keep them; order free, header case ignored):
organisatie, naam*, e-mail*, functie, samenvatting, uren per maand, beschikbaar vanaf,
beschikbaar tot, spreker (ja/nee), spreekonderwerpen (; between), talen (; between, e.g.
nl;en), toestemming (ja/nee), ervaring (track-record items, one per line: "titel: tekst", or
"titel :: tekst" when the title holds a colon; the export writes the latter).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

COLUMNS = (
    "organisatie",
    "naam",
    "e-mail",
    "functie",
    "samenvatting",
    "uren per maand",
    "beschikbaar vanaf",
    "beschikbaar tot",
    "spreker",
    "spreekonderwerpen",
    "talen",
    "toestemming",
    "ervaring",
)
REQUIRED = ("naam", "e-mail")
MAX_ROWS = 5000
MAX_BYTES = 5_000_000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}


class SheetError(ValueError):
    """The file as a whole cannot be read (type, size, header)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one cell (or row) cannot be imported; line is the spreadsheet's row number."""

    line: int
    field: str
    problem: str


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """One track-record item from the 'ervaring' cell."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A valid row."""

    line: int
    organisation: str
    name: str
    email: str
    role: str = ""
    summary: str = ""
    capacity_hours_per_month: float = 0.0
    available_from: date | None = None
    available_until: date | None = None
    willing_to_speak: bool = False
    speaker_topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    consent: bool = False
    track_record: tuple[TrackRecord, ...] = field(default_factory=tuple)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def read_sheet(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, cells by column) for every non-empty row of a .csv or .xlsx file."""
    if len(data) > MAX_BYTES:
        raise SheetError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetError("the CSV file is not UTF-8 text") from exc
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        table = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    elif suffix == "xlsx":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise SheetError("the XLSX file cannot be read") from exc
        sheet = book.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        raise SheetError("only .csv and .xlsx files can be imported")
    if not table:
        raise SheetError("the file is empty")
    header = [_text(h).lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SheetError(f"line 1: the header lacks the column(s) {', '.join(missing)}")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise SheetError(f"line 1: unknown column(s) {', '.join(unknown)}")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: _text(v) for h, v in zip(header, cells, strict=False) if h}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise SheetError(f"the file has more than {MAX_ROWS} rows")
    return rows


def _date(text: str, line: int, name: str, problems: list[Problem]) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    problems.append(Problem(line, name, f"'{text}' is no date (use JJJJ-MM-DD)"))
    return None


def _flag(text: str, line: int, name: str, problems: list[Problem]) -> bool:
    value = text.lower()
    if value in _YES:
        return True
    if value not in _NO:
        problems.append(Problem(line, name, f"'{text}' is no ja/nee"))
    return False


def _list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[;\n]", text) if p.strip()))


def parse_row(
    line: int, cells: dict[str, str], default_org: str = ""
) -> tuple[PersonRow | None, list[Problem]]:
    """A valid row, or the problems that keep it out."""
    problems: list[Problem] = []
    name = cells.get("naam", "")
    if not name:
        problems.append(Problem(line, "naam", "is empty"))
    elif len(name) > 200:
        problems.append(Problem(line, "naam", "is longer than 200 characters"))
    email = cells.get("e-mail", "").lower()
    if not _EMAIL.match(email):
        problems.append(
            Problem(line, "e-mail", f"'{email}' is no e-mail address" if email else "is empty")
        )
    organisation = cells.get("organisatie", "") or default_org
    if not organisation:
        problems.append(Problem(line, "organisatie", "is empty (or give --org)"))
    hours = 0.0
    raw_hours = cells.get("uren per maand", "").replace(",", ".")
    if raw_hours:
        try:
            hours = round(float(raw_hours), 1)
        except ValueError:
            problems.append(Problem(line, "uren per maand", f"'{raw_hours}' is no number"))
        else:
            if not 0 <= hours <= 744:
                problems.append(Problem(line, "uren per maand", "must be between 0 and 744"))
    start = _date(cells.get("beschikbaar vanaf", ""), line, "beschikbaar vanaf", problems)
    until = _date(cells.get("beschikbaar tot", ""), line, "beschikbaar tot", problems)
    if start and until and start > until:
        problems.append(Problem(line, "beschikbaar tot", "lies before 'beschikbaar vanaf'"))
    languages = tuple(x.lower() for x in _list(cells.get("talen", "")))
    bad = [x for x in languages if not _LANGUAGE.match(x)]
    if bad:
        problems.append(
            Problem(line, "talen", f"'{', '.join(bad)}' are no language codes (nl, en)")
        )
    records = []
    for item in (p.strip() for p in cells.get("ervaring", "").split("\n")):
        if not item:
            continue
        # "titel :: tekst" (what the export writes; a title may hold a colon) or "titel: tekst".
        title, sep, body = item.partition(" :: ") if " :: " in item else item.partition(":")
        if not sep or not body.strip():
            problems.append(Problem(line, "ervaring", f"'{item[:40]}' is not 'titel: tekst'"))
            continue
        records.append(TrackRecord(title.strip()[:300], body.strip()))
    for key, limit in (("functie", 200), ("samenvatting", 4000)):
        if len(cells.get(key, "")) > limit:
            problems.append(Problem(line, key, f"is longer than {limit} characters"))
    speaker = _flag(cells.get("spreker", ""), line, "spreker", problems)
    consent = _flag(cells.get("toestemming", ""), line, "toestemming", problems)
    if problems:
        return None, problems
    return (
        PersonRow(
            line=line,
            organisation=organisation,
            name=name,
            email=email,
            role=cells.get("functie", ""),
            summary=cells.get("samenvatting", ""),
            capacity_hours_per_month=hours,
            available_from=start,
            available_until=until,
            willing_to_speak=speaker,
            speaker_topics=_list(cells.get("spreekonderwerpen", "")),
            languages=languages,
            consent=consent,
            track_record=tuple(records),
        ),
        [],
    )


def parse_sheet(
    rows: Iterable[tuple[int, dict[str, str]]], default_org: str = ""
) -> tuple[list[PersonRow], list[Problem]]:
    """Valid rows and every problem; an e-mail address twice in one file is a problem."""
    valid: list[PersonRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row, found = parse_row(line, cells, default_org)
        if row is not None and row.email in seen:
            found = [Problem(line, "e-mail", f"also on line {seen[row.email]}")]
            row = None
        problems.extend(found)
        if row is not None:
            seen[row.email] = line
            valid.append(row)
    return valid, problems


def _cells(row: PersonRow) -> list[str | float]:
    return [
        row.organisation,
        row.name,
        row.email,
        row.role,
        row.summary,
        row.capacity_hours_per_month,
        row.available_from.isoformat() if row.available_from else "",
        row.available_until.isoformat() if row.available_until else "",
        "ja" if row.willing_to_speak else "nee",
        "; ".join(row.speaker_topics),
        "; ".join(row.languages),
        "ja" if row.consent else "nee",
        "\n".join(f"{r.title} :: {r.body.replace(chr(10), ' ')}" for r in row.track_record),
    ]


def write_csv(rows: Sequence[PersonRow]) -> str:
    """The rows in the import format, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cells(row))
    return out.getvalue()


def write_xlsx(rows: Sequence[PersonRow]) -> bytes:
    """The rows in the import format, as an XLSX sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Mensen"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
