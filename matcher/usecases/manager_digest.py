"""The weekly network digest for the programme manager."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from matcher.mailer.render import render
from matcher.settings import Settings, get_settings
from matcher.states import RejectionReason
from matcher.storage import digest_data, mail_data
from matcher.storage import outbox as outbox_store
from matcher.storage import review_queue as queue_store
from matcher.storage.outbox import NewMessage
from matcher.usecases.digest_common import LOCAL, DigestRun, IsoWeek, parse_week, write_messages
from matcher.usecases.introduction_mail import MANAGER_AFTER_WORKING_DAYS
from matcher.usecases.mail_common import language_for, mail_links, working_days_between

KIND = "manager_digest"
REASON_LABELS: dict[str, str] = {
    RejectionReason.wrong_expertise: "verkeerde expertise",
    RejectionReason.no_capacity: "geen capaciteit",
    RejectionReason.conflict: "belangenconflict",
    RejectionReason.already_connected: "al met elkaar in contact",
    RejectionReason.other: "anders",
}


def _month(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


async def overdue_introductions(
    conn: asyncpg.Connection, today: date
) -> list[tuple[mail_data.WaitingIntroduction, int]]:
    """Introductions unanswered for more than 10 working days, with their working-day age."""
    out = []
    for intro in await mail_data.waiting_introductions(conn):
        age = working_days_between(intro.introduced_at.astimezone(LOCAL).date(), today)
        if age > MANAGER_AFTER_WORKING_DAYS:
            out.append((intro, age))
    return out


async def manager_context(
    conn: asyncpg.Connection, week: IsoWeek, *, today: date
) -> dict[str, Any]:
    """Everything the network digest shows, as template data."""
    month_start, month_end = _month(today)
    sectors = await digest_data.hours_by_sector(conn, month_start=month_start, month_end=month_end)
    reasons = await digest_data.rejection_reasons(conn, since=week.starts_at, until=week.ends_at)
    overdue = await overdue_introductions(conn, today)
    links = await digest_data.cross_sector_links(conn, since=week.starts_at, until=week.ends_at)
    return {
        "week": week.label,
        "unmatched": await queue_store.unmatched_challenges(conn),
        "person_ids": [i.person_id for i, _ in overdue] + [link.person_id for link in links],
        "overdue": [
            {
                "person_name": i.person_name,
                "challenge_title": i.challenge_title,
                "asker_name": i.asker_name,
                "introduced_on": i.introduced_at.date(),
                "working_days": age,
            }
            for i, age in overdue
        ],
        "sectors": [s for s in sectors if s.offered or s.reserved or s.spent],
        "month": month_start,
        "links": links,
        "reasons": [(REASON_LABELS.get(k, k), n) for k, n in reasons.items()],
    }


async def run_manager_digest(
    pool: asyncpg.Pool,
    week: IsoWeek | str,
    *,
    settings: Settings | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> DigestRun:
    """Render this week's network digest for the programme manager into the outbox."""
    settings = settings or get_settings()
    week = parse_week(week) if isinstance(week, str) else week
    today = (now or datetime.now(UTC)).astimezone(LOCAL).date()
    run = DigestRun(week=week.label, kind=KIND)
    recipient = settings.manager_email
    key = f"{KIND}:{week.label}:{recipient.lower()}"
    async with pool.acquire() as conn:
        if not dry_run and await outbox_store.existing_keys(conn, [key]):
            run.already_queued = 1
            return run
        prefs = await outbox_store.preferences(conn, [recipient])
        pref = prefs.get(recipient.lower())
        if pref is not None and pref.unsubscribed:
            run.unsubscribed = 1
            return run
        context = await manager_context(conn, week, today=today)
        links = await mail_links(conn, settings)
    lang = language_for(pref)
    subject = f"Netwerkoverzicht {week.label}"
    html, text = render(
        "manager_digest",
        {
            **context,
            "lang": lang,
            "digest": True,
            "subject": subject,
            "preferences_url": links.preferences_url(recipient),
        },
    )
    message = NewMessage(
        dedupe_key=key,
        kind=KIND,
        recipient=recipient,
        language=lang,
        subject=subject,
        body_text=text,
        body_html=html,
        period=week.label,
        person_ids=tuple(context["person_ids"]),
    )
    await write_messages(pool, [message], dry_run=dry_run, run=run)
    return run
