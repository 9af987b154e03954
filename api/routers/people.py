"""Staff profiles with their track record; export and erasure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from api.convert import person_out
from api.deps import Conn, CurrentPrincipal, EmbeddingCheckDep, IdPath, IdQuery, PagingDep
from api.patch import sent
from api.schemas import DocumentIn, PageOut, PersonIn, PersonOut, PersonPatch
from matcher.inputs import DocumentInput, NewPerson, PersonChanges, or_unset
from matcher.usecases import members, person_export

router = APIRouter(tags=["people"])


def _doc(d: DocumentIn) -> DocumentInput:
    return DocumentInput(kind=d.kind, title=d.title, body=d.text)


@router.get("/people", response_model=PageOut[PersonOut])
async def list_people(
    conn: Conn,
    principal: CurrentPrincipal,
    page: PagingDep,
    check: EmbeddingCheckDep,
    organisation_id: IdQuery = None,
) -> PageOut[PersonOut]:
    """A member's own staff; staff keys see every organisation's."""
    result = await members.list_people(
        conn, principal, organisation_id=organisation_id, limit=page.limit, offset=page.offset
    )
    return PageOut(
        items=[person_out(p, check) for p in result.items],
        total=result.total,
        limit=result.limit,
        offset=result.offset,
    )


@router.post("/people", response_model=PersonOut, status_code=status.HTTP_201_CREATED)
async def create_person(
    body: PersonIn,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> PersonOut:
    """Add a staff profile; it is stored now and embedded right after (embedding_status)."""
    profile = NewPerson(
        name=body.name,
        email=body.email,
        role=body.role or "",
        languages=tuple(body.languages or ()),
        summary=body.summary or "",
        capacity_hours_per_month=body.capacity_hours_per_month or 0.0,
        available_from=body.available_from,
        available_until=body.available_until,
        willing_to_speak=bool(body.willing_to_speak),
        speaker_topics=tuple(body.speaker_topics or ()),
        consent=bool(body.consent),
    )
    person = await members.create_person(
        conn,
        principal,
        organisation_id=body.organisation_id,
        person=profile,
        documents=[_doc(d) for d in body.documents],
        conflict_organisation_ids=body.conflict_organisation_ids or [],
    )
    return person_out(person, check)


@router.get("/people/{person_id}", response_model=PersonOut)
async def get_person(
    person_id: IdPath,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> PersonOut:
    """One profile (a member sees only its own organisation's)."""
    person = await members.get_person(conn, principal, person_id)
    return person_out(person, check)


@router.patch("/people/{person_id}", response_model=PersonOut)
async def update_person(
    person_id: IdPath,
    body: PersonPatch,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> PersonOut:
    """Change a profile; a changed summary is re-embedded."""
    # null clears what can be empty (texts, lists, dates) and leaves the rest as it is.
    changes = PersonChanges(
        name=or_unset(body.name),
        role=sent(body, "role", body.role or ""),
        email=or_unset(body.email),
        languages=sent(body, "languages", tuple(body.languages or ())),
        summary=sent(body, "summary", body.summary or ""),
        capacity_hours_per_month=or_unset(body.capacity_hours_per_month),
        available_from=sent(body, "available_from", body.available_from),
        available_until=sent(body, "available_until", body.available_until),
        willing_to_speak=or_unset(body.willing_to_speak),
        speaker_topics=sent(body, "speaker_topics", tuple(body.speaker_topics or ())),
        consent=or_unset(body.consent),
    )
    person = await members.update_person(
        conn,
        principal,
        person_id,
        changes,
        conflict_organisation_ids=body.conflict_organisation_ids,
    )
    return person_out(person, check)


@router.delete("/people/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_person(person_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> Response:
    """Erase a person and everything about them (AVG/GDPR right to erasure)."""
    await members.delete_person(conn, principal, person_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/people/{person_id}/export")
async def export_person(
    person_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Everything stored about a person (AVG/GDPR right of access)."""
    return await person_export.export_person(conn, principal, person_id)


@router.post(
    "/people/{person_id}/documents", response_model=PersonOut, status_code=status.HTTP_201_CREATED
)
async def add_document(
    person_id: IdPath,
    body: DocumentIn,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> PersonOut:
    """Add a track-record item."""
    person = await members.add_document(conn, principal, person_id, _doc(body))
    return person_out(person, check)


@router.put("/people/{person_id}/documents/{document_id}", response_model=PersonOut)
async def replace_document(
    person_id: IdPath,
    document_id: IdPath,
    body: DocumentIn,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> PersonOut:
    """Replace a track-record item."""
    person = await members.update_document(conn, principal, person_id, document_id, _doc(body))
    return person_out(person, check)


@router.delete(
    "/people/{person_id}/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def delete_document(
    person_id: IdPath, document_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> Response:
    """Remove a track-record item."""
    await members.delete_document(conn, principal, person_id, document_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
