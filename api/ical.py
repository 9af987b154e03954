"""The events as an iCalendar feed (RFC 5545)."""

from __future__ import annotations

from collections.abc import Sequence

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from matcher.records_programme import EventProgramme, EventState, InvitationState
from matcher.usecases.programme import KIND_LABELS_NL

_STATUS = {
    EventState.cancelled: "CANCELLED",
    EventState.planned: "TENTATIVE",
    EventState.speakers_invited: "TENTATIVE",
}


def calendar_bytes(items: Sequence[EventProgramme]) -> bytes:
    """One VEVENT per event; confirmed speakers in the description."""
    cal = Calendar()
    cal.add("prodid", "-//Noord matcher//programma//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Evenementen van de vereniging")
    for item in items:
        e = item.event
        vevent = CalendarEvent()
        vevent.add("uid", f"event-{e.id}@noord-matcher")
        vevent.add("dtstamp", e.updated_at)
        vevent.add("last-modified", e.updated_at)
        vevent.add("dtstart", e.starts_at)
        vevent.add("dtend", e.ends_at)
        vevent.add("summary", f"{e.theme} ({KIND_LABELS_NL[e.kind]})")
        speakers = [
            f"{i.person_name} ({i.organisation_name})"
            for i in item.invitations
            if i.state in (InvitationState.accepted, InvitationState.held)
        ]
        text = e.description
        if speakers:
            text = f"{text}\n\nSprekers: {', '.join(speakers)}".strip()
        if text:
            vevent.add("description", text)
        vevent.add("location", "Online" if e.online else e.place or "Volgt")
        vevent.add("status", _STATUS.get(e.state, "CONFIRMED"))
        cal.add_component(vevent)
    return bytes(cal.to_ical())
