"""The weekly member digest: per organisation contact, and per person who opted in.

What it says: other members' new open challenges its people fit (top 3 each, with a
one-line reason), the state of its own open challenges, and introductions waiting for its
answer. Nothing to say, no mail. One message per (week, recipient), ever.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from matcher.mailer.render import render_many
from matcher.settings import Settings
from matcher.storage import digest_data, mail_data
from matcher.storage import outbox as outbox_store
from matcher.storage.digest_data import Fit, OwnChallenge
from matcher.storage.mail_data import WaitingIntroduction
from matcher.storage.outbox import MailPreference, NewMessage
from matcher.usecases.digest_common import (
    CHUNK,
    DigestRun,
    IsoWeek,
    parse_week,
    write_messages,
)
from matcher.usecases.mail_common import MailLinks, language_for, mail_links

FITS_PER_CHALLENGE = 3
MAX_CHALLENGES = 10
KIND = "member_digest"

KIND_LABELS = {
    "nl": {
        "partner": "partner gezocht",
        "speaker": "spreker gezocht",
        "capacity": "capaciteit gevraagd",
        "knowledge": "kennisvraag",
    },
    "en": {
        "partner": "looking for a partner",
        "speaker": "looking for a speaker",
        "capacity": "capacity needed",
        "knowledge": "knowledge question",
    },
}
_SUBJECT = {"nl": "Weekoverzicht ledennetwerk {week}", "en": "Member network digest {week}"}


@dataclass
class Recipient:
    """One digest to write: who, in which language, and what it holds."""

    key: str
    email: str
    name: str
    language: str
    fits: list[Fit] = field(default_factory=list)
    own: list[OwnChallenge] = field(default_factory=list)
    waiting: list[WaitingIntroduction] = field(default_factory=list)
    is_person: bool = False

    @property
    def has_news(self) -> bool:
        """Anything worth a mail."""
        return bool(self.fits or self.own or self.waiting)


def _group(items: Sequence[Any], attr: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        grouped[getattr(item, attr)].append(item)
    return grouped


def _fits_by_challenge(fits: Sequence[Fit], lang: str) -> list[dict[str, Any]]:
    challenges: dict[int, dict[str, Any]] = {}
    for fit in fits:
        entry = challenges.setdefault(
            fit.challenge_id,
            {
                "title": fit.challenge_title,
                "asker": fit.asker_name,
                "kind": KIND_LABELS[lang].get(fit.challenge_kind, fit.challenge_kind),
                "people": [],
            },
        )
        entry["people"].append({"name": fit.person_name, "reason": fit.reason})
    return list(challenges.values())[:MAX_CHALLENGES]


def context_for(
    recipient: Recipient, week: IsoWeek, links: MailLinks, now: datetime
) -> dict[str, Any]:
    """The template context of one member digest."""
    lang = recipient.language
    return {
        "lang": lang,
        "digest": True,
        "subject": _SUBJECT[lang].format(week=week.label),
        "week": week.label,
        "name": recipient.name,
        "is_person": recipient.is_person,
        "challenges": _fits_by_challenge(recipient.fits, lang),
        "own": [
            {
                "title": c.title,
                "age_days": max((now - c.created_at).days, 0),
                "approved": c.approved,
                "introduced": c.introduced,
                "accepted": c.accepted,
                "declined": c.declined,
                "completed": c.completed,
            }
            for c in recipient.own
        ],
        "waiting": [
            {
                "challenge_title": w.challenge_title,
                "asker_name": w.asker_name,
                "person_name": w.person_name,
                "introduced_on": w.introduced_at.date(),
            }
            for w in recipient.waiting
        ],
        "preferences_url": links.preferences_url(recipient.email),
    }


async def _recipients(
    conn: asyncpg.Connection, week: IsoWeek
) -> tuple[list[Recipient], dict[str, MailPreference]]:
    orgs = await digest_data.organisations_with_contact(conn)
    people = await digest_data.opted_in_people(conn)
    fits = await digest_data.fits(
        conn, since=week.starts_at, until=week.ends_at, per_challenge=FITS_PER_CHALLENGE
    )
    own = _group(await digest_data.own_open_challenges(conn), "organisation_id")
    waiting = await mail_data.waiting_introductions(conn)
    fits_by_org = _group(fits, "organisation_id")
    fits_by_person = _group(fits, "person_id")
    waiting_by_org = _group(waiting, "organisation_id")
    waiting_by_person = _group(waiting, "person_id")
    prefs = await outbox_store.preferences(
        conn, [o.contact_email for o in orgs] + [p.email for p in people]
    )
    recipients = [
        Recipient(
            key=f"{KIND}:{week.label}:org:{o.id}",
            email=o.contact_email,
            name=o.name,
            language=language_for(prefs.get(o.contact_email.lower())),
            fits=fits_by_org.get(o.id, []),
            own=own.get(o.id, []),
            waiting=waiting_by_org.get(o.id, []),
        )
        for o in orgs
    ]
    recipients += [
        Recipient(
            key=f"{KIND}:{week.label}:person:{p.id}",
            email=p.email,
            name=p.name,
            language=language_for(prefs.get(p.email.lower()), p.languages),
            fits=fits_by_person.get(p.id, []),
            waiting=waiting_by_person.get(p.id, []),
            is_person=True,
        )
        for p in people
    ]
    return recipients, prefs


def _chunks(items: Sequence[Recipient], size: int) -> Iterator[Sequence[Recipient]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def run_member_digest(
    pool: asyncpg.Pool,
    week: IsoWeek | str,
    *,
    settings: Settings | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> DigestRun:
    """Render this week's member digests into the outbox (or only render, dry_run)."""
    week = parse_week(week) if isinstance(week, str) else week
    now = now or datetime.now(UTC)
    run = DigestRun(week=week.label, kind=KIND)
    async with pool.acquire() as conn:
        recipients, prefs = await _recipients(conn, week)
        links = await mail_links(conn, settings)
        existing = (
            set()
            if dry_run
            else await outbox_store.existing_keys(conn, [r.key for r in recipients])
        )
    todo: list[Recipient] = []
    for r in recipients:
        pref = prefs.get(r.email.lower())
        if r.key in existing:
            run.already_queued += 1
        elif pref is not None and pref.unsubscribed:
            run.unsubscribed += 1
        elif not r.has_news:
            run.nothing_to_say += 1
        else:
            todo.append(r)
    for chunk in _chunks(todo, CHUNK):
        contexts = [context_for(r, week, links, now) for r in chunk]
        bodies = render_many("member_digest", contexts)
        messages = [
            NewMessage(
                dedupe_key=r.key,
                kind=KIND,
                recipient=r.email,
                language=r.language,
                subject=str(ctx["subject"]),
                body_text=text,
                body_html=html,
                period=week.label,
                person_ids=tuple([f.person_id for f in r.fits] + [w.person_id for w in r.waiting]),
            )
            for r, ctx, (html, text) in zip(chunk, contexts, bodies, strict=True)
        ]
        await write_messages(pool, messages, dry_run=dry_run, run=run)
    return run
