"""The association's events: calendar, programme, speaker suggestions, invitations, iCalendar."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.convert import suggestion_out
from api.deps import Conn, CurrentPrincipal, EmbedderDep, IdPath, StaffPrincipal
from api.ical import calendar_bytes
from api.schemas_programme import (
    AnswerIn,
    CalendarOut,
    EventIn,
    EventOut,
    EventPatch,
    HeldIn,
    InvitationIn,
    InvitationOut,
    LunchOrganisationOut,
    SpeakerSuggestionOut,
    SpeakerSuggestionsOut,
)
from matcher.inputs import EventChanges, or_unset
from matcher.matching.programme import RotationRules
from matcher.records import Principal
from matcher.records_programme import EventKind, EventProgramme, Invitation
from matcher.usecases import programme, speakers

router = APIRouter(tags=["events"])


def invitation_out(inv: Invitation, principal: Principal) -> InvitationOut:
    """An invitation; the e-mail only for staff and the speaker's own organisation."""
    own = principal.is_staff or principal.organisation_id == inv.organisation_id
    return InvitationOut(
        id=inv.id,
        event_id=inv.event_id,
        person_id=inv.person_id,
        person_name=inv.person_name,
        organisation_id=inv.organisation_id,
        organisation_name=inv.organisation_name,
        sector=inv.sector_code,
        state=inv.state,
        topic=inv.topic,
        score=inv.score,
        note=inv.note if own else None,
        track_record_document_id=inv.document_id,
        email=inv.person_email if own else None,
        created_at=inv.created_at,
        updated_at=inv.updated_at,
    )


def event_out(item: EventProgramme, principal: Principal) -> EventOut:
    """An event with its visible programme."""
    e = item.event
    return EventOut(
        id=e.id,
        kind=e.kind,
        theme=e.theme,
        description=e.description,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        day=programme.local_day(e.starts_at),
        place=e.place,
        online=e.online,
        speaker_slots=e.speaker_slots,
        state=e.state,
        series_date=e.series_date,
        sector=e.sector_code,
        network_id=e.network_id,
        invitations=[invitation_out(i, principal) for i in item.invitations],
    )


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/events", response_model=list[EventOut])
async def list_events(
    conn: Conn,
    principal: CurrentPrincipal,
    since: Annotated[date | None, Query(description="From this day (default: today)")] = None,
    until: Annotated[date | None, Query(description="Before this day")] = None,
    kind: EventKind | None = None,
) -> list[EventOut]:
    """The association's events in time order, each with its public programme."""
    start = datetime.combine(since or date.today(), datetime.min.time(), programme.LOCAL_TIME)
    end = (
        datetime.combine(until, datetime.min.time(), programme.LOCAL_TIME)
        if until is not None
        else None
    )
    items = await programme.list_programme(conn, principal, since=start, until=end, kind=kind)
    return [event_out(i, principal) for i in items]


@router.get(
    "/events.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar feed"}},
)
async def events_ics(conn: Conn, principal: CurrentPrincipal) -> Response:
    """The events of the past month and the coming year as an iCalendar feed."""
    since = _now() - timedelta(days=31)
    items = await programme.list_programme(conn, principal, since=since, until=None)
    return Response(
        calendar_bytes(items),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="evenementen.ics"'},
    )


@router.post("/events", response_model=EventOut, status_code=status.HTTP_201_CREATED)
async def create_event(body: EventIn, conn: Conn, principal: StaffPrincipal) -> EventOut:
    """Plan an event (staff); it must start in the future."""
    data = programme.EventInput(
        kind=body.kind,
        theme=body.theme,
        description=body.description,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        place=body.place,
        online=body.online,
        speaker_slots=body.speaker_slots,
        sector_code=body.sector,
        network_id=body.network_id,
    )
    event = await programme.create_event(conn, principal, data, now=_now())
    return event_out(EventProgramme(event, []), principal)


@router.post("/events/theme-calendar", response_model=CalendarOut)
async def generate_calendar(
    conn: Conn,
    principal: StaffPrincipal,
    months: Annotated[int, Query(ge=1, le=36)] = 12,
) -> CalendarOut:
    """Theme events on the third Thursday of the coming months; dates already planned stay as they are."""
    created = await programme.generate_theme_calendar(
        conn, principal, today=date.today(), months=months
    )
    return CalendarOut(created=[event_out(EventProgramme(e, []), principal) for e in created])


@router.get("/events/{event_id}", response_model=EventOut)
async def get_event(event_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> EventOut:
    """One event with its programme."""
    return event_out(await programme.get_programme(conn, principal, event_id), principal)


@router.patch("/events/{event_id}", response_model=EventOut)
async def update_event(
    event_id: IdPath, body: EventPatch, conn: Conn, principal: StaffPrincipal
) -> EventOut:
    """Change an event's theme, text, place, slots or time (move it)."""
    changes = EventChanges(
        theme=or_unset(body.theme),
        description=or_unset(body.description),
        starts_at=or_unset(body.starts_at),
        ends_at=or_unset(body.ends_at),
        place=or_unset(body.place),
        online=or_unset(body.online),
        speaker_slots=or_unset(body.speaker_slots),
    )
    await programme.update_event(conn, principal, event_id, changes, now=_now())
    return event_out(await programme.get_programme(conn, principal, event_id), principal)


@router.post("/events/{event_id}/cancel", response_model=EventOut)
async def cancel_event(event_id: IdPath, conn: Conn, principal: StaffPrincipal) -> EventOut:
    """Cancel an event and its open invitations."""
    await programme.cancel_event(conn, principal, event_id)
    return event_out(await programme.get_programme(conn, principal, event_id), principal)


@router.post("/events/{event_id}/confirm", response_model=EventOut)
async def confirm_event(event_id: IdPath, conn: Conn, principal: StaffPrincipal) -> EventOut:
    """Confirm the programme (at least one speaker accepted)."""
    await programme.confirm_programme(conn, principal, event_id)
    return event_out(await programme.get_programme(conn, principal, event_id), principal)


@router.post("/events/{event_id}/held", response_model=EventOut)
async def event_held(
    event_id: IdPath, conn: Conn, principal: StaffPrincipal, body: HeldIn | None = None
) -> EventOut:
    """Record that the event took place and who spoke; talks join the speakers' track record."""
    item = await programme.mark_held(
        conn,
        principal,
        event_id,
        speaker_person_ids=body.speaker_person_ids if body else None,
        now=_now(),
    )
    return event_out(item, principal)


@router.get("/events/{event_id}/speaker-suggestions", response_model=SpeakerSuggestionsOut)
async def speaker_suggestions(
    event_id: IdPath,
    conn: Conn,
    principal: StaffPrincipal,
    embedder: EmbedderDep,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    rest_months: Annotated[int, Query(ge=0, le=36, description="Rest between talks")] = 6,
) -> SpeakerSuggestionsOut:
    """Speakers asked on behalf of the association: rotation, sector mix, lunch organisations."""
    result = await speakers.suggest_speakers(
        conn,
        principal,
        event_id,
        embedder=embedder,
        today=date.today(),
        top=top,
        rules=RotationRules(person_rest_months=rest_months),
    )
    return SpeakerSuggestionsOut(
        event_id=event_id,
        open_slots=result.open_slots,
        model=embedder.model_id,
        notes=result.notes,
        items=[
            SpeakerSuggestionOut(
                **suggestion_out(s.suggestion).model_dump(),
                proposed=s.chosen,
                resting=s.resting,
                organisation_resting=s.organisation_resting,
            )
            for s in result.speakers
        ],
        organisations=[
            LunchOrganisationOut(
                **{k: v for k, v in asdict(o).items() if k != "people"},
                people=[suggestion_out(p) for p in o.people],
            )
            for o in result.organisations
        ],
    )


@router.post(
    "/events/{event_id}/invitations",
    response_model=InvitationOut,
    status_code=status.HTTP_201_CREATED,
)
async def invite(
    event_id: IdPath, body: InvitationIn, conn: Conn, principal: StaffPrincipal
) -> InvitationOut:
    """Invite a person to speak; a second invitation of the same person is a 409."""
    inv = await programme.invite_speaker(
        conn, principal, event_id, person_id=body.person_id, topic=body.topic
    )
    return invitation_out(inv, principal)


@router.post("/invitations/{invitation_id}/accept", response_model=InvitationOut)
async def accept_invitation(
    invitation_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: AnswerIn | None = None
) -> InvitationOut:
    """The speaker's organisation (or staff) accepts."""
    inv = await programme.answer_invitation(
        conn, principal, invitation_id, accept=True, note=body.note if body else None
    )
    return invitation_out(inv, principal)


@router.post("/invitations/{invitation_id}/decline", response_model=InvitationOut)
async def decline_invitation(
    invitation_id: IdPath, conn: Conn, principal: CurrentPrincipal, body: AnswerIn | None = None
) -> InvitationOut:
    """The speaker's organisation (or staff) declines."""
    inv = await programme.answer_invitation(
        conn, principal, invitation_id, accept=False, note=body.note if body else None
    )
    return invitation_out(inv, principal)
