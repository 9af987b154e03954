"""The association's events: calendar, changes, speaker invitations and who spoke."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from matcher.errors import Conflict, Forbidden, InvalidInput, NotFound
from matcher.inputs import DocumentInput, EventChanges, Unset, merged
from matcher.matching.programme import theme_event_dates
from matcher.records import Principal
from matcher.records_programme import (
    Event,
    EventKind,
    EventProgramme,
    EventState,
    Invitation,
    InvitationState,
)
from matcher.storage import events as event_store
from matcher.storage import people as people_store
from matcher.usecases.invitation_mail import enqueue_invitation_mail

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
THEME_EVENT_START = time(15, 0)
THEME_EVENT_HOURS = 3
DEFAULT_THEME = "Thema volgt"

KIND_LABELS_NL = {
    EventKind.theme_event: "thema-evenement",
    EventKind.lunch_session: "lunchsessie",
    EventKind.network_meeting: "bijeenkomst van het kennisnetwerk",
    EventKind.sector_meeting: "sectorbijeenkomst",
}

KIND_WITH_ARTICLE_NL = {
    EventKind.theme_event: "het thema-evenement",
    EventKind.lunch_session: "de lunchsessie",
    EventKind.network_meeting: "de bijeenkomst van het kennisnetwerk",
    EventKind.sector_meeting: "de sectorbijeenkomst",
}

# Invitation states a member of another organisation may see: the public programme.
_PUBLIC_INVITATIONS = (InvitationState.accepted, InvitationState.held)


def require_staff(principal: Principal, action: str) -> None:
    """Forbidden unless the caller is the programme manager or an admin."""
    if not principal.is_staff:
        raise Forbidden(f"only the programme manager or an admin may {action}")


def local_day(moment: datetime) -> date:
    """The calendar day of a moment in the association's time zone."""
    return moment.astimezone(LOCAL_TIME).date()


def as_local(moment: datetime) -> datetime:
    """A moment with a time zone; one without is read as Dutch local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TIME)


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise InvalidInput(
            "an event must start in the future", field="starts_at", code="event_in_past"
        )
    if ends_at <= starts_at:
        raise InvalidInput("an event must end after it starts", field="ends_at")


@dataclass(frozen=True, slots=True)
class EventInput:
    """A new event as the programme manager describes it."""

    kind: EventKind
    theme: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    online: bool
    speaker_slots: int
    sector_code: str | None = None
    network_id: int | None = None
    external_ref: str | None = None


async def create_event(
    conn: asyncpg.Connection, principal: Principal, data: EventInput, *, now: datetime
) -> Event:
    """Plan an event (staff only); it must lie in the future."""
    require_staff(principal, "plan events")
    starts_at = as_local(data.starts_at)
    ends_at = as_local(data.ends_at) if data.ends_at else starts_at + timedelta(hours=2)
    _check_times(starts_at, ends_at, now)
    if data.speaker_slots <= 0:
        raise InvalidInput("an event needs at least one speaker slot", field="speaker_slots")
    if data.kind is EventKind.sector_meeting and not data.sector_code:
        raise InvalidInput("a sector meeting names its sector", field="sector_code")
    try:
        async with conn.transaction():
            return await event_store.insert_event(
                conn,
                kind=data.kind,
                theme=data.theme,
                description=data.description,
                starts_at=starts_at,
                ends_at=ends_at,
                place=data.place,
                online=data.online,
                speaker_slots=data.speaker_slots,
                sector_code=data.sector_code,
                network_id=data.network_id,
                external_ref=data.external_ref,
            )
    except asyncpg.ForeignKeyViolationError as exc:
        raise InvalidInput("unknown sector or knowledge network", field="sector_code") from exc


def theme_event_times(day: date) -> tuple[datetime, datetime]:
    """Start and end of a theme event on a day (15:00–18:00 local time)."""
    start = datetime.combine(day, THEME_EVENT_START, tzinfo=LOCAL_TIME)
    return start, start + timedelta(hours=THEME_EVENT_HOURS)


async def generate_theme_calendar(
    conn: asyncpg.Connection, principal: Principal, *, today: date, months: int = 12
) -> list[Event]:
    """Theme events on the third Thursdays of the next months; existing (moved, cancelled) dates stay."""
    require_staff(principal, "generate the calendar")
    if not 1 <= months <= 36:
        raise InvalidInput("months must be between 1 and 36", field="months")
    days = theme_event_dates(today + timedelta(days=1), months)
    known = await event_store.series_dates(conn, days)
    missing = [d for d in days if d not in known]
    await event_store.insert_theme_events(
        conn, [(d, *theme_event_times(d)) for d in missing], theme=DEFAULT_THEME
    )
    created = await event_store.list_events(conn, kind=EventKind.theme_event.value)
    return [e for e in created if e.series_date in set(missing)]


async def update_event(
    conn: asyncpg.Connection,
    principal: Principal,
    event_id: int,
    changes: EventChanges,
    *,
    now: datetime,
) -> Event:
    """Change an event's theme, text, place, slots or time (moving it keeps it in its series)."""
    require_staff(principal, "change events")
    event = await event_store.get_event(conn, event_id, lock=True)
    if event.state in (EventState.held, EventState.cancelled):
        raise Conflict(f"the event is {event.state.value}; it cannot change", code="event_closed")
    if not isinstance(changes.starts_at, Unset) or not isinstance(changes.ends_at, Unset):
        starts_at = as_local(merged(changes.starts_at, event.starts_at))
        duration = event.ends_at - event.starts_at
        ends_at = (
            starts_at + duration
            if isinstance(changes.ends_at, Unset)
            else as_local(changes.ends_at)
        )
        _check_times(starts_at, ends_at, now)
        changes = replace(changes, starts_at=starts_at, ends_at=ends_at)
    if not isinstance(changes.speaker_slots, Unset) and changes.speaker_slots <= 0:
        raise InvalidInput("an event needs at least one speaker slot", field="speaker_slots")
    return await event_store.update_event(conn, event_id, changes)


async def cancel_event(conn: asyncpg.Connection, principal: Principal, event_id: int) -> Event:
    """Cancel an event; its open invitations are cancelled with it (a repeat changes nothing)."""
    require_staff(principal, "cancel events")
    event = await event_store.get_event(conn, event_id, lock=True)
    if event.state is EventState.cancelled:
        return event
    if event.state is EventState.held:
        raise Conflict("the event has been held; it cannot be cancelled", code="event_closed")
    invitations = (await event_store.invitations_for(conn, [event_id]))[event_id]
    for inv in invitations:
        if inv.state in (InvitationState.invited, InvitationState.accepted):
            await event_store.set_invitation_state(conn, inv.id, InvitationState.cancelled)
    return await event_store.set_event_state(conn, event_id, EventState.cancelled)


async def confirm_programme(conn: asyncpg.Connection, principal: Principal, event_id: int) -> Event:
    """Mark the programme confirmed: at least one speaker has accepted."""
    require_staff(principal, "confirm programmes")
    event = await event_store.get_event(conn, event_id, lock=True)
    if event.state is EventState.programme_confirmed:
        return event
    if event.state not in (EventState.planned, EventState.speakers_invited):
        raise Conflict(f"the event is {event.state.value}", code="event_closed")
    invitations = (await event_store.invitations_for(conn, [event_id]))[event_id]
    if not any(i.state is InvitationState.accepted for i in invitations):
        raise Conflict("no speaker has accepted yet", code="no_accepted_speaker")
    return await event_store.set_event_state(conn, event_id, EventState.programme_confirmed)


def talk_document(event: Event, invitation: Invitation) -> DocumentInput:
    """The track-record item a talk at one of the association's events becomes."""
    day = local_day(event.starts_at).strftime("%d-%m-%Y")
    label = KIND_LABELS_NL[event.kind]
    topic = invitation.topic or event.theme
    return DocumentInput(
        kind="talk",
        title=f"{topic} ({label}, {day})",
        body=f"Spreker op {KIND_WITH_ARTICLE_NL[event.kind]} van de vereniging op {day} "
        f"over {topic}. "
        f"{event.description}".strip(),
    )


async def mark_held(
    conn: asyncpg.Connection,
    principal: Principal,
    event_id: int,
    *,
    speaker_person_ids: list[int] | None,
    now: datetime,
) -> EventProgramme:
    """Record that the event took place and who spoke; each talk joins the speaker's track record."""
    require_staff(principal, "record held events")
    event = await event_store.get_event(conn, event_id, lock=True)
    if event.state is EventState.held:
        return await get_programme(conn, principal, event_id)
    if event.state is EventState.cancelled:
        raise Conflict("the event was cancelled", code="event_closed")
    if event.starts_at > now:
        raise Conflict("the event has not started yet", code="event_not_started")
    invitations = (await event_store.invitations_for(conn, [event_id]))[event_id]
    accepted = {i.person_id: i for i in invitations if i.state is InvitationState.accepted}
    spoke = set(accepted) if speaker_person_ids is None else set(speaker_person_ids)
    unknown = spoke - set(accepted)
    if unknown:
        raise InvalidInput(
            f"only speakers who accepted can have spoken; not accepted: {sorted(unknown)}",
            field="speaker_person_ids",
        )
    for inv in invitations:
        if inv.person_id in spoke:
            doc_ids = await people_store.add_documents(
                conn, inv.person_id, [talk_document(event, inv)]
            )
            await event_store.set_invitation_state(
                conn, inv.id, InvitationState.held, document_id=doc_ids[0]
            )
        elif inv.state in (InvitationState.invited, InvitationState.accepted):
            await event_store.set_invitation_state(conn, inv.id, InvitationState.cancelled)
    await event_store.set_event_state(conn, event_id, EventState.held)
    return await get_programme(conn, principal, event_id)


def visible_invitations(principal: Principal, invitations: list[Invitation]) -> list[Invitation]:
    """Staff see every invitation; members the public programme and their own organisation's."""
    if principal.is_staff:
        return invitations
    return [
        i
        for i in invitations
        if i.state in _PUBLIC_INVITATIONS or i.organisation_id == principal.organisation_id
    ]


async def list_programme(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    since: datetime | None,
    until: datetime | None,
    kind: EventKind | None = None,
) -> list[EventProgramme]:
    """Events in time order with the invitations the caller may see."""
    events = await event_store.list_events(
        conn, since=since, until=until, kind=kind.value if kind else None
    )
    invitations = await event_store.invitations_for(conn, [e.id for e in events])
    return [EventProgramme(e, visible_invitations(principal, invitations[e.id])) for e in events]


async def get_programme(
    conn: asyncpg.Connection, principal: Principal, event_id: int
) -> EventProgramme:
    """One event with the invitations the caller may see."""
    event = await event_store.get_event(conn, event_id)
    invitations = (await event_store.invitations_for(conn, [event_id]))[event_id]
    return EventProgramme(event, visible_invitations(principal, invitations))


async def invite_speaker(
    conn: asyncpg.Connection,
    principal: Principal,
    event_id: int,
    *,
    person_id: int,
    topic: str = "",
    score: float | None = None,
) -> Invitation:
    """Invite a person to speak (staff); 409 when already invited; consent and willingness apply."""
    require_staff(principal, "invite speakers")
    event = await event_store.get_event(conn, event_id, lock=True)
    if event.state in (EventState.held, EventState.cancelled):
        raise Conflict(f"the event is {event.state.value}", code="event_closed")
    try:
        person = await people_store.get_person(conn, person_id)
    except NotFound as exc:
        raise InvalidInput(f"person {person_id} does not exist", field="person_id") from exc
    if not person.consent:
        raise InvalidInput("this person has not consented to be matched", field="person_id")
    if not person.willing_to_speak:
        raise InvalidInput(
            "this person is not willing to speak", field="person_id", code="not_willing_to_speak"
        )
    invitation_id = await event_store.insert_invitation(
        conn,
        event_id=event_id,
        person_id=person_id,
        organisation_id=person.organisation_id,
        topic=topic.strip() or event.theme,
        score=score,
    )
    if event.state is EventState.planned:
        await event_store.set_event_state(conn, event_id, EventState.speakers_invited)
    # The invitation mail is written in the same transaction: it goes out once, or not at all.
    await enqueue_invitation_mail(conn, invitation_id)
    return await event_store.get_invitation(conn, invitation_id)


async def answer_invitation(
    conn: asyncpg.Connection,
    principal: Principal,
    invitation_id: int,
    *,
    accept: bool,
    note: str | None = None,
) -> Invitation:
    """The speaker's organisation (or staff) accepts or declines; a repeat is answered as is."""
    invitation = await event_store.get_invitation(conn, invitation_id, lock=True)
    if not principal.is_staff and principal.organisation_id != invitation.organisation_id:
        raise NotFound(f"invitation {invitation_id} does not exist")
    wanted = InvitationState.accepted if accept else InvitationState.declined
    if invitation.state is wanted:
        return invitation
    if invitation.state is not InvitationState.invited:
        raise Conflict(
            f"the invitation is {invitation.state.value}", code="invitation_already_answered"
        )
    await event_store.set_invitation_state(conn, invitation_id, wanted, note=note)
    return await event_store.get_invitation(conn, invitation_id)
