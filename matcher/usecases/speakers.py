"""Speakers for the association's events: the matcher asked on behalf of the association."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime

import asyncpg
import numpy as np

from embeddings.base import Embedder
from matcher.matching.programme import (
    OrganisationOption,
    RotationRules,
    SpeakerOption,
    StageAppearance,
    choose_speakers,
    lunch_organisations,
)
from matcher.matching.scoring import ScoredCandidate, organisation_strength
from matcher.records import ChallengeKind, ChallengeQuery, Principal, Suggestion
from matcher.records_programme import ON_STAGE, Event, EventKind, EventState
from matcher.storage import events as event_store
from matcher.usecases.programme import local_day, require_staff
from matcher.usecases.suggestions import SuggestionOptions, score_query, to_suggestions


def association_query(text: str, *, day: date | None = None) -> ChallengeQuery:
    """The matcher's view of a question the association itself asks.

    No asking organisation: nobody is left out as "own organisation" and no cross-sector or
    province bonus applies; consent still filters and speaker willingness still weighs.
    """
    return ChallengeQuery(
        text=text,
        kind=ChallengeKind.speaker,
        organisation_id=None,
        sector_code=None,
        province=None,
        hours_needed=None,
        starts_on=day,
        needed_by=day,
    )


@dataclass(frozen=True, slots=True)
class SpeakerSuggestion:
    """A suggested speaker, why, and whether rotation keeps them out now."""

    suggestion: Suggestion
    chosen: bool
    resting: bool
    organisation_resting: bool


@dataclass(frozen=True, slots=True)
class LunchOrganisation:
    """An organisation suggested to present at a lunch session, with the people carrying it."""

    organisation_id: int
    organisation_name: str
    sector_name: str | None
    strength: float
    people: list[Suggestion]


@dataclass(slots=True)
class SpeakerSuggestions:
    """Speaker suggestions for one event: the proposed set first, then the other candidates."""

    event: Event
    open_slots: int
    speakers: list[SpeakerSuggestion] = field(default_factory=list)
    organisations: list[LunchOrganisation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def suggest_speakers(
    conn: asyncpg.Connection,
    principal: Principal,
    event_id: int,
    *,
    embedder: Embedder,
    today: date,
    top: int = 10,
    rules: RotationRules | None = None,
) -> SpeakerSuggestions:
    """People willing to speak, ranked by topic and track record, under rotation and sector mix."""
    require_staff(principal, "see speaker suggestions")
    event = await event_store.get_event(conn, event_id)
    invitations = (await event_store.invitations_for(conn, [event_id]))[event_id]
    taken = {i.person_id for i in invitations}
    booked = sum(1 for i in invitations if i.state in ON_STAGE)
    open_slots = max(event.speaker_slots - booked, 0)
    result = SpeakerSuggestions(event=event, open_slots=open_slots)
    text = event.text or event.description
    if not text.strip():
        result.notes.append("Dit evenement heeft nog geen thema; geef eerst een thema op.")
        return result
    day = local_day(event.starts_at)
    vectors = await asyncio.to_thread(embedder.embed_queries, [text])
    query = association_query(text, day=day)
    options = SuggestionOptions(top=top, lang="nl", include_email=True)
    scored = await score_query(
        conn,
        query,
        np.asarray(vectors[0], dtype=np.float32),
        model_id=embedder.model_id,
        today=today,
        config=options.config,
    )
    willing = [
        s
        for s in scored
        if s.candidate.willing_to_speak
        and s.candidate.organisation_id is not None
        and s.candidate.person_id not in taken
    ]
    willing.sort(key=lambda s: (-s.score, s.candidate.person_id))
    history = await event_store.stage_history(conn)
    theme_events = await event_store.theme_event_days(conn)
    by_person = {s.candidate.person_id: s for s in willing}
    speaker_options = [
        SpeakerOption(
            person_id=s.candidate.person_id,
            organisation_id=int(s.candidate.organisation_id or 0),
            sector_code=s.candidate.sector_code,
            score=s.score,
        )
        for s in willing
    ]
    choice = choose_speakers(
        speaker_options,
        history,
        event_id=event.id,
        event_kind=event.kind.value,
        day=day,
        slots=open_slots,
        rules=rules,
        theme_events=theme_events,
    )
    result.notes.extend(choice.notes if open_slots else ["Alle sprekersplekken zijn bezet."])
    chosen_ids = [o.person_id for o in choice.chosen]
    others = [s for s in willing if s.candidate.person_id not in set(chosen_ids)]
    ordered: list[ScoredCandidate] = [by_person[p] for p in chosen_ids] + others
    ordered = ordered[: max(top, len(chosen_ids))]
    records = to_suggestions(ordered, query, own_sector_name=None, today=today, options=options)
    for scored_candidate, record in zip(ordered, records, strict=True):
        c = scored_candidate.candidate
        result.speakers.append(
            SpeakerSuggestion(
                suggestion=record,
                chosen=c.person_id in chosen_ids,
                resting=c.person_id in choice.resting_people,
                organisation_resting=c.organisation_id in choice.resting_organisations,
            )
        )
    if event.kind is EventKind.lunch_session:
        result.organisations = _lunch(willing, records, history, day, ordered)
    return result


def _lunch(
    willing: list[ScoredCandidate],
    records: list[Suggestion],
    history: list[StageAppearance],
    day: date,
    ordered: list[ScoredCandidate],
) -> list[LunchOrganisation]:
    """Organisations with strong evidence that have not presented at a lunch session lately."""
    strength = organisation_strength(willing)
    people: dict[int, list[ScoredCandidate]] = {}
    for s in willing:
        people.setdefault(int(s.candidate.organisation_id or 0), []).append(s)
    options = [
        OrganisationOption(
            organisation_id=org,
            strength=strength.get(org, 0.0),
            person_ids=tuple(s.candidate.person_id for s in members[:2]),
        )
        for org, members in people.items()
    ]
    record_of = {s.candidate.person_id: r for s, r in zip(ordered, records, strict=True)}
    out: list[LunchOrganisation] = []
    for option in lunch_organisations(options, history, day=day):
        members = people[option.organisation_id]
        first = members[0].candidate
        out.append(
            LunchOrganisation(
                organisation_id=option.organisation_id,
                organisation_name=first.organisation_name,
                sector_name=first.sector_name,
                strength=round(option.strength, 6),
                people=[record_of[p] for p in option.person_ids if p in record_of],
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class EventNeedingSpeakers:
    """A coming event with speaker slots nobody has been booked for (for the digests)."""

    event: Event
    open_slots: int


async def events_needing_speakers(
    conn: asyncpg.Connection, *, since: datetime, until: datetime
) -> list[EventNeedingSpeakers]:
    """Planned or inviting events in [since, until) with open speaker slots, soonest first."""
    events = [
        e
        for e in await event_store.list_events(conn, since=since, until=until)
        if e.state in (EventState.planned, EventState.speakers_invited)
    ]
    invitations = await event_store.invitations_for(conn, [e.id for e in events])
    out: list[EventNeedingSpeakers] = []
    for e in events:
        booked = sum(1 for i in invitations[e.id] if i.state in ON_STAGE)
        if booked < e.speaker_slots:
            out.append(EventNeedingSpeakers(e, e.speaker_slots - booked))
    return out
