"""Joint projects: participants with their hours, outputs and the documents they became."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from matcher.errors import AlreadyExists, NotFound
from matcher.records_programme import ProjectState
from matcher.storage.sql import id_by_ref, record


@dataclass(frozen=True, slots=True)
class Participant:
    """An organisation in a project, its contact person and its hours."""

    organisation_id: int
    organisation_name: str
    sector_code: str | None
    contact_person_id: int | None
    contact_person_name: str | None
    hours_pledged: float
    hours_spent: float


@dataclass(frozen=True, slots=True)
class Output:
    """A project output (a playbook, a baseline report) and the track-record items it became."""

    id: int
    kind: str
    title: str
    summary: str
    url: str | None
    document_ids: tuple[int, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Project:
    """A joint project of members."""

    id: int
    title: str
    goal: str
    state: ProjectState
    match_id: int | None
    external_ref: str | None
    participants: list[Participant]
    outputs: list[Output]
    created_at: datetime
    updated_at: datetime


async def insert_project(
    conn: asyncpg.Connection,
    *,
    title: str,
    goal: str,
    state: ProjectState,
    match_id: int | None,
    external_ref: str | None,
) -> int:
    """A new project; AlreadyExists when the match already became one."""
    try:
        async with conn.transaction():
            value = await conn.fetchval(
                "INSERT INTO project (title, goal, state, match_id, external_ref) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                title,
                goal,
                state,
                match_id,
                external_ref,
            )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists(
            "this match or reference already became a project", code="project_exists"
        ) from exc
    return int(value)


async def project_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The project with this external reference (demo data), if any."""
    return await id_by_ref(conn, "project", external_ref)


async def upsert_participant(
    conn: asyncpg.Connection,
    project_id: int,
    organisation_id: int,
    *,
    contact_person_id: int | None,
    hours_pledged: float | None,
    hours_spent: float | None = None,
) -> None:
    """Add an organisation to a project, or change its contact and hours."""
    await conn.execute(
        """
        INSERT INTO project_participant
            (project_id, organisation_id, contact_person_id, hours_pledged, hours_spent)
        VALUES ($1, $2, $3, coalesce($4::numeric, 0), coalesce($5::numeric, 0))
        ON CONFLICT (project_id, organisation_id) DO UPDATE SET
            contact_person_id = coalesce(EXCLUDED.contact_person_id,
                                         project_participant.contact_person_id),
            hours_pledged = coalesce($4, project_participant.hours_pledged),
            hours_spent = coalesce($5, project_participant.hours_spent)
        """,
        project_id,
        organisation_id,
        contact_person_id,
        hours_pledged,
        hours_spent,
    )
    await touch(conn, project_id)


async def touch(conn: asyncpg.Connection, project_id: int) -> None:
    """Mark a project changed."""
    await conn.execute("UPDATE project SET updated_at = now() WHERE id = $1", project_id)


async def set_state(conn: asyncpg.Connection, project_id: int, state: ProjectState) -> None:
    """Move a project to a state."""
    await conn.execute(
        "UPDATE project SET state = $2, updated_at = now() WHERE id = $1", project_id, state
    )


async def lock_project(conn: asyncpg.Connection, project_id: int) -> ProjectState:
    """Lock a project's row; its state, or NotFound."""
    value = await conn.fetchval("SELECT state FROM project WHERE id = $1 FOR UPDATE", project_id)
    if value is None:
        raise NotFound(f"project {project_id} does not exist")
    return ProjectState(value)


async def insert_output(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    kind: str,
    title: str,
    summary: str,
    url: str | None,
    document_ids: Sequence[int],
) -> int:
    """An output with the track-record documents it became."""
    try:
        async with conn.transaction():
            output_id = await conn.fetchval(
                "INSERT INTO project_output (project_id, kind, title, summary, url) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                project_id,
                kind,
                title,
                summary,
                url,
            )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists(
            "this project already has an output with this title", code="output_exists"
        ) from exc
    await conn.executemany(
        "INSERT INTO project_output_document (output_id, document_id) VALUES ($1, $2)",
        [(output_id, d) for d in document_ids],
    )
    await touch(conn, project_id)
    return int(output_id)


async def list_projects(
    conn: asyncpg.Connection, project_ids: Sequence[int] | None = None
) -> list[Project]:
    """Projects (all, or these) with participants and outputs, newest first."""
    rows = await conn.fetch(
        "SELECT id, title, goal, state, match_id, external_ref, created_at, updated_at "
        "FROM project WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[]) "
        "ORDER BY created_at DESC, id DESC",
        list(project_ids) if project_ids is not None else None,
    )
    ids = [int(r["id"]) for r in rows]
    participants: dict[int, list[Participant]] = {i: [] for i in ids}
    for r in await conn.fetch(
        """
        SELECT pp.project_id, pp.organisation_id, o.name AS organisation_name, o.sector_code,
               pp.contact_person_id, p.name AS contact_person_name,
               pp.hours_pledged::float8 AS hours_pledged, pp.hours_spent::float8 AS hours_spent
        FROM project_participant pp
        JOIN organisation o ON o.id = pp.organisation_id
        LEFT JOIN person p ON p.id = pp.contact_person_id
        WHERE pp.project_id = ANY($1::bigint[])
        ORDER BY pp.joined_at, o.name
        """,
        ids,
    ):
        values = dict(r)
        participants[values.pop("project_id")].append(Participant(**values))
    outputs: dict[int, list[Output]] = {i: [] for i in ids}
    for r in await conn.fetch(
        """
        SELECT po.project_id, po.id, po.kind, po.title, po.summary, po.url, po.created_at,
               coalesce(array_agg(pod.document_id ORDER BY pod.document_id)
                        FILTER (WHERE pod.document_id IS NOT NULL), '{}') AS document_ids
        FROM project_output po
        LEFT JOIN project_output_document pod ON pod.output_id = po.id
        WHERE po.project_id = ANY($1::bigint[])
        GROUP BY po.id ORDER BY po.created_at, po.id
        """,
        ids,
    ):
        values = dict(r)
        values["document_ids"] = tuple(values["document_ids"])
        outputs[values.pop("project_id")].append(Output(**values))
    return [
        Project(
            **{**dict(r), "state": ProjectState(r["state"])},
            participants=participants[r["id"]],
            outputs=outputs[r["id"]],
        )
        for r in rows
    ]


async def get_project(conn: asyncpg.Connection, project_id: int) -> Project:
    """One project or NotFound."""
    found = await list_projects(conn, [project_id])
    if not found:
        raise NotFound(f"project {project_id} does not exist")
    return found[0]


@dataclass(frozen=True, slots=True)
class ContactProject:
    """A project a person is the contact for, with the organisation they stand for."""

    id: int
    title: str
    organisation_id: int


async def person_projects(conn: asyncpg.Connection, person_id: int) -> list[ContactProject]:
    """Projects a person is the contact for (for the AVG export)."""
    rows = await conn.fetch(
        "SELECT p.id, p.title, pp.organisation_id FROM project_participant pp "
        "JOIN project p ON p.id = pp.project_id WHERE pp.contact_person_id = $1 ORDER BY p.id",
        person_id,
    )
    return [record(ContactProject, r) for r in rows]
