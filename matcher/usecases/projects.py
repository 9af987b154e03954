"""Joint projects: members working together; their outputs become the participants' track record."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from matcher.errors import Conflict, Forbidden, InvalidInput, NotFound
from matcher.inputs import DocumentInput
from matcher.records import Principal
from matcher.records_programme import CLOSED_PROJECT_STATES, ProjectState
from matcher.states import MatchState
from matcher.storage import matches as match_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage import projects as project_store
from matcher.storage.projects import Project
from matcher.usecases.programme import require_staff

OUTPUT_KINDS = ("playbook", "baseline_report", "report", "other")
_OUTPUT_LABELS = {
    "playbook": "Draaiboek",
    "baseline_report": "Nulmeting",
    "report": "Rapport",
    "other": "Resultaat",
}


@dataclass(frozen=True, slots=True)
class ParticipantInput:
    """An organisation joining a project, with its contact person and pledged hours."""

    organisation_id: int
    contact_person_id: int | None = None
    hours_pledged: float = 0.0


async def _check_participant(conn: asyncpg.Connection, p: ParticipantInput) -> None:
    try:
        await org_store.get_organisation(conn, p.organisation_id)
    except NotFound as exc:
        raise InvalidInput(
            f"organisation {p.organisation_id} does not exist", field="participants"
        ) from exc
    if p.contact_person_id is not None:
        try:
            person = await people_store.get_person(conn, p.contact_person_id)
        except NotFound as exc:
            raise InvalidInput(
                f"person {p.contact_person_id} does not exist", field="participants"
            ) from exc
        if person.organisation_id != p.organisation_id:
            raise InvalidInput(
                "a contact person must work for the participating organisation",
                field="participants",
            )
    if p.hours_pledged < 0:
        raise InvalidInput("hours cannot be negative", field="participants")


async def _pledge(conn: asyncpg.Connection, project_id: int, p: ParticipantInput) -> None:
    await project_store.upsert_participant(
        conn,
        project_id,
        p.organisation_id,
        contact_person_id=p.contact_person_id,
        hours_pledged=p.hours_pledged,
    )


async def create_project(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    title: str,
    goal: str,
    participants: list[ParticipantInput],
    match_id: int | None = None,
    external_ref: str | None = None,
) -> Project:
    """A project of at least two organisations (staff)."""
    require_staff(principal, "create joint projects")
    if len({p.organisation_id for p in participants}) < 2:
        raise InvalidInput(
            "a joint project needs at least two different organisations",
            field="participants",
            code="project_needs_two_organisations",
        )
    for p in participants:
        await _check_participant(conn, p)
    project_id = await project_store.insert_project(
        conn,
        title=title,
        goal=goal,
        state=ProjectState.running,
        match_id=match_id,
        external_ref=external_ref,
    )
    for p in participants:
        await _pledge(conn, project_id, p)
    return await project_store.get_project(conn, project_id)


async def project_from_match(
    conn: asyncpg.Connection,
    principal: Principal,
    match_id: int,
    *,
    title: str | None = None,
    goal: str | None = None,
) -> Project:
    """An accepted (or completed) partner match becomes a project of both organisations."""
    require_staff(principal, "create joint projects")
    match = await match_store.get_match(conn, match_id)
    if match.challenge_kind != "partner":
        raise Conflict("only a partner match can become a project", code="not_a_partner_match")
    if match.state not in (MatchState.accepted, MatchState.completed):
        raise Conflict(
            f"the match is {match.state}; it becomes a project once accepted",
            code="match_not_accepted",
        )
    hours = float(match.hours_needed or 0)
    return await create_project(
        conn,
        principal,
        title=title or match.challenge_title,
        goal=goal or match.challenge_description,
        participants=[
            ParticipantInput(match.challenge_organisation_id, None, hours),
            ParticipantInput(match.organisation_id, match.person_id, hours),
        ],
        match_id=match_id,
    )


async def join_project(
    conn: asyncpg.Connection, principal: Principal, project_id: int, participant: ParticipantInput
) -> Project:
    """Another member joins (staff), or a participant's contact or pledge changes."""
    require_staff(principal, "change project participants")
    state = await project_store.lock_project(conn, project_id)
    if state in CLOSED_PROJECT_STATES:
        raise Conflict(f"the project is {state}", code="project_closed")
    await _check_participant(conn, participant)
    await _pledge(conn, project_id, participant)
    return await project_store.get_project(conn, project_id)


async def record_hours(
    conn: asyncpg.Connection,
    principal: Principal,
    project_id: int,
    organisation_id: int,
    *,
    hours_spent: float,
) -> Project:
    """Hours an organisation spent so far; staff or the organisation itself."""
    if not principal.is_staff and principal.organisation_id != organisation_id:
        raise Forbidden("a member records only its own organisation's hours")
    await project_store.lock_project(conn, project_id)
    project = await project_store.get_project(conn, project_id)
    if organisation_id not in {p.organisation_id for p in project.participants}:
        raise InvalidInput("this organisation does not take part", field="organisation_id")
    if hours_spent < 0:
        raise InvalidInput("hours cannot be negative", field="hours_spent")
    await project_store.upsert_participant(
        conn,
        project_id,
        organisation_id,
        contact_person_id=None,
        hours_pledged=None,
        hours_spent=hours_spent,
    )
    return await project_store.get_project(conn, project_id)


async def set_project_state(
    conn: asyncpg.Connection, principal: Principal, project_id: int, state: str
) -> Project:
    """Move a project to running, completed or cancelled (staff)."""
    require_staff(principal, "change projects")
    try:
        target = ProjectState(state)
    except ValueError:
        raise InvalidInput(f"unknown state {state!r}", field="state") from None
    current = await project_store.lock_project(conn, project_id)
    if current in CLOSED_PROJECT_STATES and target is not current:
        raise Conflict(f"the project is {current}", code="project_closed")
    await project_store.set_state(conn, project_id, target)
    return await project_store.get_project(conn, project_id)


def output_document(project: Project, *, kind: str, title: str, summary: str) -> DocumentInput:
    """The track-record item an output becomes for each participant's contact person."""
    partners = ", ".join(p.organisation_name for p in project.participants)
    return DocumentInput(
        kind="project",
        title=f"{_OUTPUT_LABELS[kind]}: {title}",
        body=f"Gezamenlijk project «{project.title}» met {partners}. Doel: {project.goal} "
        f"Resultaat: {summary}",
    )


async def add_output(
    conn: asyncpg.Connection,
    principal: Principal,
    project_id: int,
    *,
    kind: str,
    title: str,
    summary: str,
    url: str | None = None,
) -> Project:
    """An output (a playbook, a baseline report) that joins every participant's track record."""
    require_staff(principal, "add project outputs")
    if kind not in OUTPUT_KINDS:
        raise InvalidInput(f"unknown output kind {kind!r}", field="kind")
    await project_store.lock_project(conn, project_id)
    project = await project_store.get_project(conn, project_id)
    document = output_document(project, kind=kind, title=title, summary=summary)
    document_ids: list[int] = []
    for p in project.participants:
        if p.contact_person_id is not None:
            document_ids.extend(
                await people_store.add_documents(conn, p.contact_person_id, [document])
            )
    await project_store.insert_output(
        conn,
        project_id,
        kind=kind,
        title=title,
        summary=summary,
        url=url,
        document_ids=document_ids,
    )
    return await project_store.get_project(conn, project_id)


async def list_projects(conn: asyncpg.Connection, principal: Principal) -> list[Project]:
    """Every project with participants, hours and outputs (outputs are shared with all members)."""
    del principal
    return await project_store.list_projects(conn)


async def get_project(conn: asyncpg.Connection, principal: Principal, project_id: int) -> Project:
    """One project."""
    del principal
    return await project_store.get_project(conn, project_id)
