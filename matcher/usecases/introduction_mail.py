"""Introduction mail: both sides on introduce, the asker on an answer, one reminder after 5 working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import asyncpg

from matcher.logging import get_logger
from matcher.mailer.render import render
from matcher.settings import Settings
from matcher.states import MatchState
from matcher.storage import mail_data
from matcher.storage import matches as match_store
from matcher.storage import outbox as outbox_store
from matcher.storage.outbox import NewMessage
from matcher.usecases.mail_common import (
    ANSWER_VALID_DAYS,
    MailLinks,
    add_working_days,
    language_for,
    mail_links,
)

log = get_logger(__name__)

REMINDER_AFTER_WORKING_DAYS = 5
MANAGER_AFTER_WORKING_DAYS = 10

_SUBJECTS = {
    ("introduction_helper", "nl"): "Introductie: {title}",
    ("introduction_helper", "en"): "Introduction: {title}",
    ("introduction_asker", "nl"): "We hebben iemand voorgesteld voor «{title}»",
    ("introduction_asker", "en"): "We introduced someone for «{title}»",
    ("introduction_reminder", "nl"): "Herinnering: introductie «{title}» wacht op je antwoord",
    ("introduction_reminder", "en"): "Reminder: introduction «{title}» awaits your answer",
    ("introduction_accepted", "nl"): "{person} helpt bij «{title}»",
    ("introduction_accepted", "en"): "{person} will help with «{title}»",
    ("introduction_declined", "nl"): "Introductie voor «{title}» afgeslagen",
    ("introduction_declined", "en"): "Introduction for «{title}» declined",
}


def _subject(kind: str, lang: str, **values: str) -> str:
    return _SUBJECTS[(kind, lang)].format(**values)


def _message(
    kind: str,
    *,
    key: str,
    recipient: str,
    lang: str,
    template: str,
    context: dict[str, object],
    match_id: int,
    **subject_values: str,
) -> NewMessage:
    subject = _subject(kind, lang, **subject_values)
    html, text = render(template, {**context, "lang": lang, "subject": subject, "digest": False})
    return NewMessage(
        dedupe_key=key,
        kind=kind,
        recipient=recipient,
        language=lang,
        subject=subject,
        body_text=text,
        body_html=html,
        match_id=match_id,
    )


async def enqueue_introduction_mails(
    conn: asyncpg.Connection,
    match_id: int,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> int:
    """In the caller's transaction: the introduction to the person and to the challenge's contact."""
    match = await match_store.get_match(conn, match_id)
    contacts = await mail_data.match_contacts(conn, match_id)
    links = await mail_links(conn, settings)
    now = now or datetime.now(UTC)
    expires = now + timedelta(days=ANSWER_VALID_DAYS)
    helper_to = contacts.person_email or contacts.helper_organisation_email
    prefs = await outbox_store.preferences(conn, [helper_to, contacts.asker_email])
    common: dict[str, object] = {
        "challenge_title": match.challenge_title,
        "person_name": match.person_name,
        "person_role": match.person_role,
        "person_email": match.email,
        "organisation_name": match.organisation_name,
        "asker_name": match.challenge_organisation_name,
        "introduction_text": match.introduction_text or "",
    }
    messages: list[NewMessage] = []
    # Introductions repeat only if a match is introduced again, so the key counts them.
    round_no = await _introduction_round(conn, match_id)
    if helper_to:
        lang = language_for(prefs.get(helper_to.lower()), contacts.person_languages)
        messages.append(
            _message(
                "introduction_helper",
                key=f"introduction_helper:match:{match_id}:{round_no}",
                recipient=helper_to,
                lang=lang,
                template="introduction_helper",
                context={
                    **common,
                    "answer_url": links.answer_url(match_id, expires_at=expires),
                    "expires_on": expires.date(),
                    "preferences_url": links.preferences_url(helper_to),
                },
                match_id=match_id,
                title=match.challenge_title,
            )
        )
    if contacts.asker_email:
        lang = language_for(prefs.get(contacts.asker_email.lower()))
        messages.append(
            _message(
                "introduction_asker",
                key=f"introduction_asker:match:{match_id}:{round_no}",
                recipient=contacts.asker_email,
                lang=lang,
                template="introduction_asker",
                context={**common, "preferences_url": links.preferences_url(contacts.asker_email)},
                match_id=match_id,
                title=match.challenge_title,
            )
        )
    if len(messages) < 2:
        log.warning("introduction without an address on one side", match_id=match_id)
    return await outbox_store.enqueue(conn, messages)


async def _introduction_round(conn: asyncpg.Connection, match_id: int) -> int:
    history = await match_store.transitions_for(conn, [match_id])
    return max(1, sum(1 for t in history[match_id] if t.to_state is MatchState.introduced))


async def enqueue_answer_mail(
    conn: asyncpg.Connection,
    match_id: int,
    state: MatchState,
    *,
    settings: Settings | None = None,
) -> int:
    """In the caller's transaction: tell the challenge's contact the person accepted or declined."""
    if state not in (MatchState.accepted, MatchState.declined):
        return 0
    match = await match_store.get_match(conn, match_id)
    contacts = await mail_data.match_contacts(conn, match_id)
    if not contacts.asker_email:
        return 0
    links = await mail_links(conn, settings)
    prefs = await outbox_store.preferences(conn, [contacts.asker_email])
    lang = language_for(prefs.get(contacts.asker_email.lower()))
    kind = f"introduction_{state}"
    message = _message(
        kind,
        key=f"{kind}:match:{match_id}",
        recipient=contacts.asker_email,
        lang=lang,
        template="introduction_answered",
        context={
            "accepted": state is MatchState.accepted,
            "challenge_title": match.challenge_title,
            "person_name": match.person_name,
            # Accepting is what reveals the address to the asker; a decline reveals nothing.
            "person_email": match.email if state is MatchState.accepted else "",
            "organisation_name": match.organisation_name,
            "preferences_url": links.preferences_url(contacts.asker_email),
        },
        match_id=match_id,
        title=match.challenge_title,
        person=match.person_name,
    )
    return await outbox_store.enqueue(conn, [message])


async def send_introduction_reminders(
    pool: asyncpg.Pool, today: date, *, settings: Settings | None = None
) -> int:
    """One reminder per introduction unanswered for 5 working days; returns how many were queued."""
    queued = 0
    async with pool.acquire() as conn:
        waiting = await mail_data.waiting_introductions(conn)
        links = await mail_links(conn, settings)
        for intro in waiting:
            due = add_working_days(intro.introduced_at.date(), REMINDER_AFTER_WORKING_DAYS)
            if due > today:
                continue
            async with conn.transaction():
                queued += await _enqueue_reminder(conn, intro, links)
    return queued


async def _enqueue_reminder(
    conn: asyncpg.Connection, intro: mail_data.WaitingIntroduction, links: MailLinks
) -> int:
    await match_store.lock_match(conn, intro.match_id)
    match = await match_store.get_match(conn, intro.match_id)
    if match.state is not MatchState.introduced:
        return 0
    contacts = await mail_data.match_contacts(conn, intro.match_id)
    to = contacts.person_email or contacts.helper_organisation_email
    if not to:
        return 0
    prefs = await outbox_store.preferences(conn, [to])
    lang = language_for(prefs.get(to.lower()), contacts.person_languages)
    expires = datetime.combine(date.today(), time(), UTC) + timedelta(days=ANSWER_VALID_DAYS)
    round_no = await _introduction_round(conn, intro.match_id)
    message = _message(
        "introduction_reminder",
        key=f"introduction_reminder:match:{intro.match_id}:{round_no}",
        recipient=to,
        lang=lang,
        template="introduction_reminder",
        context={
            "challenge_title": intro.challenge_title,
            "person_name": intro.person_name,
            "asker_name": intro.asker_name,
            "introduced_on": intro.introduced_at.date(),
            "answer_url": links.answer_url(intro.match_id, expires_at=expires),
            "preferences_url": links.preferences_url(to),
        },
        match_id=intro.match_id,
        title=intro.challenge_title,
    )
    return await outbox_store.enqueue(conn, [message])
