"""Organisation-level partner suggestions for a challenge."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import Conn, CurrentPrincipal, EmbedderDep, IdPath
from matcher.usecases.partners import suggest_partners

router = APIRouter(tags=["challenges"])


class PartnerPersonOut(BaseModel):
    """A person carrying the organisation's strength (no contact details)."""

    person_id: int
    name: str
    role: str
    relevance: float


class PartnerDocumentOut(BaseModel):
    """A track-record item behind the strength."""

    document_id: int
    person_id: int
    kind: str
    title: str
    share: float


class PartnerOut(BaseModel):
    """An organisation suggested as a partner."""

    organisation_id: int
    organisation_name: str
    sector: str | None
    sector_name: str | None
    province: str | None
    strength: float
    cross_sector: bool
    people: list[PartnerPersonOut]
    documents: list[PartnerDocumentOut]


class PartnersOut(BaseModel):
    """Partner organisations for one challenge, strongest team first."""

    challenge_id: int
    model: str
    items: list[PartnerOut]


@router.get("/challenges/{challenge_id}/partners", response_model=PartnersOut)
async def partners(
    challenge_id: IdPath,
    conn: Conn,
    principal: CurrentPrincipal,
    embedder: EmbedderDep,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> PartnersOut:
    """Organisations ranked by team strength, with the people and documents that carry it."""
    found = await suggest_partners(
        conn, principal, challenge_id, model_id=embedder.model_id, today=date.today(), top=top
    )
    return PartnersOut(
        challenge_id=challenge_id,
        model=embedder.model_id,
        items=[
            PartnerOut(
                organisation_id=p.organisation_id,
                organisation_name=p.organisation_name,
                sector=p.sector_code,
                sector_name=p.sector_name,
                province=p.province,
                strength=p.strength,
                cross_sector=p.cross_sector,
                people=[PartnerPersonOut(**asdict(x)) for x in p.people],
                documents=[PartnerDocumentOut(**asdict(d)) for d in p.documents],
            )
            for p in found
        ],
    )
