"""Organisations and sectors."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.convert import organisation_out
from api.deps import Conn, CurrentPrincipal, IdPath, PagingDep
from api.schemas import OrganisationIn, OrganisationOut, OrganisationPatch, PageOut, SectorOut
from matcher.inputs import OrganisationChanges, or_unset
from matcher.usecases import members

router = APIRouter(tags=["organisations"])


@router.get("/sectors", response_model=list[SectorOut])
async def get_sectors(conn: Conn, principal: CurrentPrincipal) -> list[SectorOut]:
    """The association's sectors."""
    return [SectorOut(code=s.code, name=s.name) for s in await members.list_sectors(conn)]


@router.get("/organisations", response_model=PageOut[OrganisationOut])
async def list_organisations(
    conn: Conn, principal: CurrentPrincipal, page: PagingDep, sector: str | None = None
) -> PageOut[OrganisationOut]:
    """The member directory."""
    result = await members.list_organisations(
        conn, principal, limit=page.limit, offset=page.offset, sector=sector
    )
    return PageOut(
        items=[organisation_out(o, principal) for o in result.items],
        total=result.total,
        limit=result.limit,
        offset=result.offset,
    )


@router.post("/organisations", response_model=OrganisationOut, status_code=status.HTTP_201_CREATED)
async def create_organisation(
    body: OrganisationIn, conn: Conn, principal: CurrentPrincipal
) -> OrganisationOut:
    """Add a member organisation (programme manager, admin)."""
    org = await members.create_organisation(
        conn,
        principal,
        name=body.name,
        sector_code=body.sector,
        province=body.province,
        contact_email=body.contact_email,
    )
    return organisation_out(org, principal)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut)
async def get_organisation(
    organisation_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> OrganisationOut:
    """One organisation."""
    return organisation_out(
        await members.get_organisation(conn, principal, organisation_id), principal
    )


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut)
async def update_organisation(
    organisation_id: IdPath, body: OrganisationPatch, conn: Conn, principal: CurrentPrincipal
) -> OrganisationOut:
    """Change an organisation (programme manager, admin)."""
    changes = OrganisationChanges(
        name=or_unset(body.name),
        sector_code=or_unset(body.sector),
        province=or_unset(body.province),
        contact_email=or_unset(body.contact_email),
    )
    org = await members.update_organisation(conn, principal, organisation_id, changes)
    return organisation_out(org, principal)


@router.delete("/organisations/{organisation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_organisation(
    organisation_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> Response:
    """Remove an organisation with its people and challenges (programme manager, admin)."""
    await members.delete_organisation(conn, principal, organisation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
