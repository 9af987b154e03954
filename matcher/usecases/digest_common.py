"""Shared by the weekly digests: the ISO week, the run report, writing rendered messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from matcher.errors import InvalidInput
from matcher.storage import outbox as outbox_store
from matcher.storage.outbox import NewMessage

LOCAL = ZoneInfo("Europe/Amsterdam")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# Messages are rendered and written in chunks, each chunk in its own transaction.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class IsoWeek:
    """An ISO week in Amsterdam time: 2026-W49 runs from Monday 00:00 to the next Monday."""

    year: int
    week: int

    @property
    def label(self) -> str:
        """'2026-W49'."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        """The week's first day."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def starts_at(self) -> datetime:
        """Monday 00:00 Amsterdam time."""
        return datetime.combine(self.monday, time(), LOCAL)

    @property
    def ends_at(self) -> datetime:
        """The next Monday 00:00 Amsterdam time."""
        return datetime.combine(self.monday + timedelta(days=7), time(), LOCAL)


def parse_week(text: str) -> IsoWeek:
    """'2026-W49' as an IsoWeek; InvalidInput otherwise."""
    found = _WEEK.match(text.strip())
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return IsoWeek(year, week)
    raise InvalidInput(f"week must look like 2026-W49, got {text!r}", field="week")


def current_week(now: datetime | None = None) -> IsoWeek:
    """The ISO week of now (Amsterdam time)."""
    local = (now or datetime.now(UTC)).astimezone(LOCAL)
    year, week, _ = local.isocalendar()
    return IsoWeek(year, week)


@dataclass
class DigestRun:
    """What one digest run did: queued, already there from an earlier run, or nothing to say."""

    week: str
    kind: str
    queued: int = 0
    already_queued: int = 0
    nothing_to_say: int = 0
    unsubscribed: int = 0
    no_address: int = 0
    rendered: list[NewMessage] = field(default_factory=list)


async def write_messages(
    pool: asyncpg.Pool, messages: list[NewMessage], *, dry_run: bool, run: DigestRun
) -> None:
    """Queue messages (dedupe keys make a repeat a no-op), or keep them for a dry run."""
    if dry_run:
        run.rendered.extend(messages)
        return
    async with pool.acquire() as conn, conn.transaction():
        inserted = await outbox_store.enqueue(conn, messages)
    run.queued += inserted
    run.already_queued += len(messages) - inserted


def write_files(messages: list[NewMessage], folder: Path) -> list[Path]:
    """Each message as <key>.txt and <key>.html in folder, for a look before sending."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for m in messages:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", m.dedupe_key)
        text = folder / f"{stem}.txt"
        text.write_text(
            f"To: {m.recipient}\nSubject: {m.subject}\nLanguage: {m.language}\n\n{m.body_text}",
            encoding="utf-8",
        )
        html = folder / f"{stem}.html"
        html.write_text(m.body_html, encoding="utf-8")
        written += [text, html]
    return written
