"""The association's programme in the demo: networks, a year of theme events, a lunch session, a project.

Runs after the demo network is loaded and embedded (speakers come from suggestions). Running
it again changes nothing that is already there: events, networks and the project carry
external references or series dates, and staffed events are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from embeddings.base import Embedder
from matcher.errors import NotFound
from matcher.inputs import EventChanges
from matcher.matching.programme import months_before, third_thursday
from matcher.records import Principal, Role
from matcher.records_programme import EventKind, EventState, ProjectState
from matcher.storage import challenges as challenge_store
from matcher.storage import events as event_store
from matcher.storage import networks as network_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage import projects as project_store
from matcher.usecases import networks, programme, projects
from matcher.usecases.demo import demo_data
from matcher.usecases.speakers import suggest_speakers

DEMO_MANAGER = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)


@dataclass(slots=True)
class ProgrammeDemoReport:
    """What the programme demo created."""

    networks_created: int = 0
    challenges_in_networks: int = 0
    theme_events_created: int = 0
    events_staffed: int = 0
    invitations_created: int = 0
    project_created: bool = False


def _data() -> dict[str, Any]:
    value: dict[str, Any] = demo_data("programme.json")
    return value


async def _org(conn: asyncpg.Connection, key: str) -> int:
    org_id = await org_store.organisation_id_by_ref(conn, key)
    if org_id is None:
        raise NotFound(f"demo organisation {key!r} is not loaded; run the demo load first")
    return org_id


async def _person(conn: asyncpg.Connection, key: str) -> int:
    person_id = await people_store.person_id_by_ref(conn, key)
    if person_id is None:
        raise NotFound(f"demo person {key!r} is not loaded; run the demo load first")
    return person_id


async def load_programme_demo(
    conn: asyncpg.Connection, embedder: Embedder, *, today: date, now: datetime
) -> ProgrammeDemoReport:
    """Networks, past and coming theme events with speakers, a lunch session and a joint project."""
    data = _data()
    report = ProgrammeDemoReport()
    await _networks(conn, embedder, data["networks"], report)
    await _past_events(
        conn, embedder, data["past_theme_events"], today=today, now=now, report=report
    )
    created = await programme.generate_theme_calendar(conn, DEMO_MANAGER, today=today, months=12)
    report.theme_events_created = len(created)
    await _next_events(conn, embedder, data["next_theme_events"], today=today, report=report)
    await _lunch(conn, embedder, data["lunch_session"], today=today, now=now, report=report)
    await _project(conn, data["project"], report)
    return report


async def _networks(
    conn: asyncpg.Connection,
    embedder: Embedder,
    items: list[dict[str, Any]],
    report: ProgrammeDemoReport,
) -> None:
    for item in items:
        if await network_store.network_id_by_ref(conn, item["key"]) is not None:
            continue
        await networks.create_network(
            conn,
            DEMO_MANAGER,
            name=item["name"],
            description=item["description"],
            organisation_ids=[await _org(conn, key) for key in item["organisations"]],
            external_ref=item["key"],
        )
        report.networks_created += 1
    if not report.networks_created:
        return
    # The manager's confirmations in the demo: each open challenge joins its best network
    # when that network is suggested.
    page = await challenge_store.list_challenges(
        conn, visible_to_organisation=None, limit=500, offset=0, status="open"
    )
    # Every suggestion is made before any is confirmed, so the order of the challenges does
    # not change which networks they get.
    best: list[tuple[int, int, float]] = []
    for challenge in page.items:
        vector = await challenge_store.challenge_vector(conn, challenge.id, embedder.model_id)
        if vector is None:
            continue
        found = await networks.suggest_networks(conn, DEMO_MANAGER, challenge.id, embedder=embedder)
        if found and found[0].score.suggested:
            best.append((challenge.id, found[0].network.id, found[0].score.score))
    for challenge_id, network_id, score in best:
        await networks.confirm_network(conn, DEMO_MANAGER, challenge_id, network_id, score=score)
        report.challenges_in_networks += 1


async def _staff(
    conn: asyncpg.Connection,
    embedder: Embedder,
    event_id: int,
    *,
    today: date,
    accept: int,
    report: ProgrammeDemoReport,
) -> list[int]:
    """Invite the proposed speakers of an event; the first `accept` of them accept."""
    suggestions = await suggest_speakers(
        conn, DEMO_MANAGER, event_id, embedder=embedder, today=today
    )
    people: list[int] = []
    chosen = [s.suggestion for s in suggestions.speakers if s.chosen]
    if suggestions.event.kind is EventKind.lunch_session:
        # Lunch sessions go to organisations: each suggested one sends its strongest person.
        slots = suggestions.open_slots
        chosen = [o.people[0] for o in suggestions.organisations[:slots] if o.people]
    for n, suggestion in enumerate(chosen):
        invitation = await programme.invite_speaker(
            conn, DEMO_MANAGER, event_id, person_id=suggestion.person_id, score=suggestion.score
        )
        report.invitations_created += 1
        if n < accept:
            await programme.answer_invitation(conn, DEMO_MANAGER, invitation.id, accept=True)
        people.append(suggestion.person_id)
    if chosen:
        report.events_staffed += 1
    return people


async def _past_events(
    conn: asyncpg.Connection,
    embedder: Embedder,
    items: list[dict[str, Any]],
    *,
    today: date,
    now: datetime,
    report: ProgrammeDemoReport,
) -> None:
    """Theme events of the last months, held, with who spoke (history for rotation)."""
    for item in sorted(items, key=lambda i: -int(i["months_ago"])):
        ref = f"demo-theme-past-{item['months_ago']}"
        if await event_store.event_id_by_ref(conn, ref) is not None:
            continue
        month = months_before(today, int(item["months_ago"]))
        day = third_thursday(month.year, month.month)
        starts_at, ends_at = programme.theme_event_times(day)
        event = await event_store.insert_event(
            conn,
            kind=EventKind.theme_event,
            theme=item["theme"],
            description=item["description"],
            starts_at=starts_at,
            ends_at=ends_at,
            place="Hanzehuis Groningen",
            speaker_slots=2,
            series_date=day,
            external_ref=ref,
        )
        spoke = await _staff(conn, embedder, event.id, today=today, accept=2, report=report)
        await programme.mark_held(conn, DEMO_MANAGER, event.id, speaker_person_ids=spoke, now=now)


async def _next_events(
    conn: asyncpg.Connection,
    embedder: Embedder,
    items: list[dict[str, Any]],
    *,
    today: date,
    report: ProgrammeDemoReport,
) -> None:
    """The next two theme events get their themes and are staffed from the suggestions."""
    upcoming = await event_store.list_events(
        conn,
        since=datetime.combine(
            today + timedelta(days=1), datetime.min.time(), programme.LOCAL_TIME
        ),
        kind=EventKind.theme_event.value,
    )
    for event, item in zip(upcoming, items, strict=False):
        if event.state is not EventState.planned or event.theme != programme.DEFAULT_THEME:
            continue
        await event_store.update_event(
            conn,
            event.id,
            EventChanges(theme=item["theme"], description=item["description"], place=item["place"]),
        )
        await _staff(conn, embedder, event.id, today=today, accept=1, report=report)


async def _lunch(
    conn: asyncpg.Connection,
    embedder: Embedder,
    item: dict[str, Any],
    *,
    today: date,
    now: datetime,
    report: ProgrammeDemoReport,
) -> None:
    if await event_store.event_id_by_ref(conn, item["key"]) is not None:
        return
    day = today + timedelta(days=int(item["days_ahead"]))
    starts_at = datetime.combine(day, datetime.min.time(), programme.LOCAL_TIME).replace(hour=12)
    event = await programme.create_event(
        conn,
        DEMO_MANAGER,
        programme.EventInput(
            kind=EventKind.lunch_session,
            theme=item["theme"],
            description=item["description"],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            place=item["place"],
            online=bool(item["online"]),
            speaker_slots=2,
            external_ref=item["key"],
        ),
        now=now,
    )
    await _staff(conn, embedder, event.id, today=today, accept=0, report=report)


async def _project(
    conn: asyncpg.Connection, item: dict[str, Any], report: ProgrammeDemoReport
) -> None:
    if await project_store.project_id_by_ref(conn, item["key"]) is not None:
        return
    participants = [
        projects.ParticipantInput(
            organisation_id=await _org(conn, p["organisation"]),
            contact_person_id=await _person(conn, p["contact"]),
            hours_pledged=float(p["hours_pledged"]),
        )
        for p in item["participants"]
    ]
    project = await projects.create_project(
        conn,
        DEMO_MANAGER,
        title=item["title"],
        goal=item["goal"],
        participants=participants,
        external_ref=item["key"],
    )
    for p, participant in zip(item["participants"], participants, strict=True):
        await projects.record_hours(
            conn,
            DEMO_MANAGER,
            project.id,
            participant.organisation_id,
            hours_spent=float(p["hours_spent"]),
        )
    output = item["output"]
    await projects.add_output(
        conn,
        DEMO_MANAGER,
        project.id,
        kind=output["kind"],
        title=output["title"],
        summary=output["summary"],
        url=output.get("url"),
    )
    await projects.set_project_state(conn, DEMO_MANAGER, project.id, ProjectState.completed)
    report.project_created = True
