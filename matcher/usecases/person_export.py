"""The AVG/GDPR access export of one person, by the same visibility rules as the main routes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import asyncpg

from matcher.match_lifecycle import match_visible
from matcher.records import Principal
from matcher.storage import events as event_store
from matcher.storage import matches as match_store
from matcher.storage import organisations as org_store
from matcher.storage import outbox as outbox_store
from matcher.storage import projects as project_store
from matcher.storage.outbox import OutboxMessage
from matcher.usecases.members import get_person


async def export_person(
    conn: asyncpg.Connection, principal: Principal, person_id: int
) -> dict[str, Any]:
    """Everything stored about a person that the caller may see, as one JSON-ready object.

    Matches follow GET /matches/{id}: one the caller would get 404 for is left out.
    """
    person = await get_person(conn, principal, person_id)
    org = await org_store.get_organisation(conn, person.organisation_id)
    matches = [
        m
        for m in await match_store.matches_for_person(conn, person_id)
        if match_visible(principal, m)
    ]
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "person": {
            "id": person.id,
            "name": person.name,
            "role": person.role,
            "email": person.email,
            "languages": list(person.languages),
            "summary": person.summary,
            "capacity_hours_per_month": person.capacity_hours_per_month,
            "available_from": person.available_from.isoformat() if person.available_from else None,
            "available_until": (
                person.available_until.isoformat() if person.available_until else None
            ),
            "willing_to_speak": person.willing_to_speak,
            "speaker_topics": list(person.speaker_topics),
            "consent": person.consent,
            "conflict_organisation_ids": list(person.conflict_organisation_ids),
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
        },
        "organisation": {"id": org.id, "name": org.name},
        "documents": [
            {"id": d.id, "kind": d.kind.value, "title": d.title, "text": d.body}
            for d in person.documents
        ],
        "matches": [
            {
                "id": m.id,
                "challenge_id": m.challenge_id,
                "challenge_title": m.challenge_title,
                "state": m.state,
                "score": m.score,
                "created_at": m.created_at.isoformat() if m.created_at else None,
                "updated_at": m.updated_at.isoformat() if m.updated_at else None,
                "hours_spent": m.hours_spent,
                "outcome_rating": m.outcome_rating,
            }
            for m in matches
        ],
        # Mail sent to the person or naming them (introductions, their digests).
        "mail": [
            _mail(m, person.email)
            for m in await outbox_store.person_mail(conn, person_id, person.email)
        ],
        "speaker_invitations": [
            _json_ready(i) for i in await event_store.person_invitations(conn, person_id)
        ],
        "project_contact_for": [
            _json_ready(p) for p in await project_store.person_projects(conn, person_id)
        ],
    }


def _json_ready(item: Any) -> dict[str, Any]:
    """A record's fields in order, moments as ISO 8601 text."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(item).items()}


def _mail(message: OutboxMessage, email: str) -> dict[str, Any]:
    own = bool(email) and message.recipient.lower() == email.lower()
    # Mail to others only as a fact: their address and text (with their own signed links in
    # it) are not this person's data.
    return {
        "id": message.id,
        "kind": message.kind,
        "to_this_person": own,
        "recipient": message.recipient if own else None,
        "language": message.language,
        "subject": message.subject,
        "text": message.body_text if own else None,
        "state": message.state,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }
