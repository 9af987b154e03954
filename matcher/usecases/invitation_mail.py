"""The speaker invitation mail, written to the outbox in the invitation's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from matcher.logging import get_logger
from matcher.mailer.render import render
from matcher.records_programme import EventKind
from matcher.storage import events as event_store
from matcher.storage import organisations as org_store
from matcher.storage import outbox as outbox_store
from matcher.storage import people as people_store
from matcher.storage.outbox import NewMessage
from matcher.usecases.digest_common import LOCAL
from matcher.usecases.mail_common import language_for, mail_links

log = get_logger(__name__)

_LABELS = {
    EventKind.theme_event: ("het thema-evenement", "the theme event"),
    EventKind.lunch_session: ("de lunchsessie", "the lunch session"),
    EventKind.network_meeting: ("de bijeenkomst van het kennisnetwerk", "the network meeting"),
    EventKind.sector_meeting: ("de sectorbijeenkomst", "the sector meeting"),
}
_SUBJECTS = {
    "nl": "Uitnodiging: spreken op {label} van {day}",
    "en": "Invitation: speak at {label} on {day}",
}


async def enqueue_invitation_mail(conn: asyncpg.Connection, invitation_id: int) -> int:
    """Queue the invitation to the speaker (or their organisation's contact); 0 without address."""
    invitation = await event_store.get_invitation(conn, invitation_id)
    event = await event_store.get_event(conn, invitation.event_id)
    if event.starts_at <= datetime.now(UTC):
        # Recording who spoke at a past event (history, as the demo loads it) mails nobody.
        return 0
    recipient = invitation.person_email
    if not recipient:
        recipient = (
            await org_store.get_organisation(conn, invitation.organisation_id)
        ).contact_email
    if not recipient:
        log.warning("speaker invitation without an address", invitation_id=invitation_id)
        return 0
    person = await people_store.get_person(conn, invitation.person_id)
    prefs = await outbox_store.preferences(conn, [recipient])
    lang = language_for(prefs.get(recipient.lower()), person.languages)
    moment = event.starts_at.astimezone(LOCAL)
    label_nl, label_en = _LABELS[event.kind]
    place = "online" if event.online else (event.place or "")
    subject = _SUBJECTS[lang].format(
        label=label_en if lang == "en" else label_nl, day=f"{moment:%d-%m-%Y}"
    )
    links = await mail_links(conn)
    html, text = render(
        "event_invitation",
        {
            "lang": lang,
            "subject": subject,
            "digest": False,
            "person_name": invitation.person_name,
            "organisation_name": invitation.organisation_name,
            "event_label": label_nl,
            "event_label_en": label_en,
            "theme": event.theme,
            "description": event.description,
            "topic": invitation.topic,
            "starts_at": moment,
            "time": f"{moment:%H:%M}",
            "place": place or "de plek volgt",
            "place_en": place or "place to follow",
            "preferences_url": links.preferences_url(recipient),
        },
    )
    message = NewMessage(
        dedupe_key=f"event_invitation:{invitation_id}",
        kind="event_invitation",
        recipient=recipient,
        language=lang,
        subject=subject,
        body_text=text,
        body_html=html,
        person_ids=(invitation.person_id,),
    )
    return await outbox_store.enqueue(conn, [message])
