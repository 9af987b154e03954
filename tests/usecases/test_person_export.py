"""The AVG export lists a person's mail, invitations and projects as plain JSON values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import asyncpg

from matcher.inputs import NewPerson
from matcher.records import Principal, Role
from matcher.records_programme import EventKind
from matcher.storage import events as event_store
from matcher.storage import organisations as org_store
from matcher.storage import outbox as outbox_store
from matcher.storage import people as people_store
from matcher.storage.outbox import NewMessage
from matcher.usecases.person_export import export_person
from matcher.usecases.projects import ParticipantInput, create_project

STAFF = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)


def _message(key: str, recipient: str, person_ids: tuple[int, ...]) -> NewMessage:
    return NewMessage(
        dedupe_key=key,
        kind="introduction_helper",
        recipient=recipient,
        language="nl",
        subject=f"Onderwerp {key}",
        body_text=f"Tekst {key}",
        body_html="<p>tekst</p>",
        person_ids=person_ids,
    )


async def test_export_of_mail_invitations_and_projects(conn: asyncpg.Connection) -> None:
    orgs = [
        await org_store.create_organisation(
            conn, name=name, sector_code="ict", province="Drenthe", contact_email=f"{name}@x.nl"
        )
        for name in ("a", "b")
    ]
    person_id = await people_store.insert_person(
        conn,
        organisation_id=orgs[1].id,
        person=NewPerson(name="Bea", email="Bea@B.nl", consent=True),
        documents=(),
    )
    await outbox_store.enqueue(
        conn,
        [
            _message("own", "bea@b.nl", ()),
            _message("other", "a@x.nl", (person_id,)),
        ],
    )
    starts = datetime(2030, 5, 16, 13, 0, tzinfo=UTC)
    event = await event_store.insert_event(
        conn,
        kind=EventKind.lunch_session,
        theme="Back-ups",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    invitation_id = await event_store.insert_invitation(
        conn,
        event_id=event.id,
        person_id=person_id,
        organisation_id=orgs[1].id,
        topic="Herstel",
        score=0.5,
    )
    project = await create_project(
        conn,
        STAFF,
        title="Crisisoefening",
        goal="Samen oefenen",
        participants=[
            ParticipantInput(orgs[0].id),
            ParticipantInput(orgs[1].id, contact_person_id=person_id),
        ],
    )

    export = await export_person(conn, STAFF, person_id)

    json.dumps(export)  # JSON-ready throughout
    own, other = export["mail"]
    assert own["to_this_person"] is True
    assert (own["recipient"], own["text"], own["sent_at"]) == ("bea@b.nl", "Tekst own", None)
    assert other["to_this_person"] is False
    assert (other["recipient"], other["text"]) == (None, None)
    assert other["subject"] == "Onderwerp other"
    assert list(own) == [
        "id",
        "kind",
        "to_this_person",
        "recipient",
        "language",
        "subject",
        "text",
        "state",
        "created_at",
        "sent_at",
    ]
    (invitation,) = export["speaker_invitations"]
    assert invitation["id"] == invitation_id
    assert invitation["event_kind"] == "lunch_session"
    assert invitation["starts_at"] == starts.isoformat()
    assert list(invitation) == [
        "id",
        "event_id",
        "event_kind",
        "theme",
        "starts_at",
        "state",
        "topic",
        "note",
        "created_at",
    ]
    assert export["project_contact_for"] == [
        {"id": project.id, "title": "Crisisoefening", "organisation_id": orgs[1].id}
    ]
