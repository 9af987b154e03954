"""Joint projects: participants and hours, state, outputs that become track record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field, StringConstraints

from api.deps import Conn, CurrentPrincipal, IdPath, StaffPrincipal
from api.schemas import Id, Strict
from matcher.records import Principal
from matcher.records_programme import ProjectState
from matcher.storage.projects import Project
from matcher.usecases import projects
from matcher.usecases.projects import ParticipantInput

router = APIRouter(tags=["projects"])

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Hours = Annotated[float, Field(ge=0, le=100_000)]


class ParticipantIn(Strict):
    """An organisation taking part."""

    organisation_id: Id
    contact_person_id: Id | None = Field(
        default=None, description="Whose track record the outputs join"
    )
    hours_pledged: Hours = 0


class ProjectIn(Strict):
    """A new joint project of at least two organisations."""

    title: Title
    goal: Text
    participants: list[ParticipantIn] = Field(min_length=1, max_length=50)


class FromMatchIn(Strict):
    """Optional title and goal when an accepted partner match becomes a project."""

    title: Title | None = None
    goal: Text | None = None


class HoursIn(Strict):
    """Hours an organisation has spent so far."""

    hours_spent: Hours


class StateIn(Strict):
    """A project's new state."""

    state: ProjectState


class OutputIn(Strict):
    """A project output."""

    kind: Literal["playbook", "baseline_report", "report", "other"]
    title: Title
    summary: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S{1,2000}$")] | None = None


class ParticipantOut(BaseModel):
    """An organisation in the project; the contact person only for staff and the organisation."""

    organisation_id: int
    organisation_name: str
    sector: str | None
    contact_person_id: int | None
    contact_person_name: str | None
    hours_pledged: float
    hours_spent: float


class OutputOut(BaseModel):
    """An output, shared with every member."""

    id: int
    kind: str
    title: str
    summary: str
    url: str | None
    track_record_document_ids: list[int]
    created_at: datetime


class ProjectOut(BaseModel):
    """A joint project."""

    id: int
    title: str
    goal: str
    state: ProjectState
    match_id: int | None
    participants: list[ParticipantOut]
    hours_pledged: float
    hours_spent: float
    outputs: list[OutputOut]
    created_at: datetime
    updated_at: datetime


def project_out(p: Project, principal: Principal) -> ProjectOut:
    """A project as the caller may see it."""

    def own(org: int) -> bool:
        return principal.is_staff or principal.organisation_id == org

    return ProjectOut(
        id=p.id,
        title=p.title,
        goal=p.goal,
        state=p.state,
        match_id=p.match_id if principal.is_staff else None,
        participants=[
            ParticipantOut(
                organisation_id=x.organisation_id,
                organisation_name=x.organisation_name,
                sector=x.sector_code,
                contact_person_id=x.contact_person_id if own(x.organisation_id) else None,
                contact_person_name=x.contact_person_name if own(x.organisation_id) else None,
                hours_pledged=x.hours_pledged,
                hours_spent=x.hours_spent,
            )
            for x in p.participants
        ],
        hours_pledged=sum(x.hours_pledged for x in p.participants),
        hours_spent=sum(x.hours_spent for x in p.participants),
        outputs=[
            OutputOut(
                id=o.id,
                kind=o.kind,
                title=o.title,
                summary=o.summary,
                url=o.url,
                track_record_document_ids=list(o.document_ids) if principal.is_staff else [],
                created_at=o.created_at,
            )
            for o in p.outputs
        ],
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


@router.get("/projects", response_model=list[ProjectOut])
async def list_projects(conn: Conn, principal: CurrentPrincipal) -> list[ProjectOut]:
    """Joint projects with their participants, hours and outputs."""
    return [project_out(p, principal) for p in await projects.list_projects(conn, principal)]


@router.post("/projects", response_model=ProjectOut, status_code=status.HTTP_201_CREATED)
async def create_project(body: ProjectIn, conn: Conn, principal: StaffPrincipal) -> ProjectOut:
    """A joint project (staff); fewer than two organisations is a 422."""
    created = await projects.create_project(
        conn,
        principal,
        title=body.title,
        goal=body.goal,
        participants=[
            ParticipantInput(p.organisation_id, p.contact_person_id, p.hours_pledged)
            for p in body.participants
        ],
    )
    return project_out(created, principal)


@router.post(
    "/matches/{match_id}/project", response_model=ProjectOut, status_code=status.HTTP_201_CREATED
)
async def project_from_match(
    match_id: IdPath, conn: Conn, principal: StaffPrincipal, body: FromMatchIn | None = None
) -> ProjectOut:
    """An accepted partner match becomes a project of both organisations."""
    created = await projects.project_from_match(
        conn,
        principal,
        match_id,
        title=body.title if body else None,
        goal=body.goal if body else None,
    )
    return project_out(created, principal)


@router.get("/projects/{project_id}", response_model=ProjectOut)
async def get_project(project_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> ProjectOut:
    """One project."""
    return project_out(await projects.get_project(conn, principal, project_id), principal)


@router.put("/projects/{project_id}/participants", response_model=ProjectOut)
async def join_project(
    project_id: IdPath, body: ParticipantIn, conn: Conn, principal: StaffPrincipal
) -> ProjectOut:
    """Another member joins, or a participant's contact or pledge changes (staff)."""
    found = await projects.join_project(
        conn,
        principal,
        project_id,
        ParticipantInput(body.organisation_id, body.contact_person_id, body.hours_pledged),
    )
    return project_out(found, principal)


@router.put(
    "/projects/{project_id}/participants/{organisation_id}/hours", response_model=ProjectOut
)
async def record_hours(
    project_id: IdPath,
    organisation_id: IdPath,
    body: HoursIn,
    conn: Conn,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """Hours spent by one organisation (staff or that organisation)."""
    found = await projects.record_hours(
        conn, principal, project_id, organisation_id, hours_spent=body.hours_spent
    )
    return project_out(found, principal)


@router.post("/projects/{project_id}/state", response_model=ProjectOut)
async def set_state(
    project_id: IdPath, body: StateIn, conn: Conn, principal: StaffPrincipal
) -> ProjectOut:
    """Move the project to running, completed or cancelled."""
    found = await projects.set_project_state(conn, principal, project_id, body.state)
    return project_out(found, principal)


@router.post(
    "/projects/{project_id}/outputs", response_model=ProjectOut, status_code=status.HTTP_201_CREATED
)
async def add_output(
    project_id: IdPath, body: OutputIn, conn: Conn, principal: StaffPrincipal
) -> ProjectOut:
    """An output; it joins the track record of each participant's contact person."""
    found = await projects.add_output(
        conn,
        principal,
        project_id,
        kind=body.kind,
        title=body.title,
        summary=body.summary,
        url=body.url,
    )
    return project_out(found, principal)
