"""A member's inbox of matches: GET /matches."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import Conn, CurrentPrincipal, IdQuery, PagingDep, StrictQuery
from api.schemas import PageOut
from api.schemas_matches import MatchOut
from matcher.states import MatchState
from matcher.usecases import inbox

router = APIRouter(tags=["matches"])


@router.get("/matches", response_model=PageOut[MatchOut], dependencies=[StrictQuery])
async def list_matches(
    conn: Conn,
    principal: CurrentPrincipal,
    page: PagingDep,
    role: Annotated[
        Literal["asker", "helper"] | None,
        Query(
            description="asker: matches on your challenges (from approval on); helper: matches "
            "of your people (from introduction on); both when left out"
        ),
    ] = None,
    state: MatchState | None = None,
    organisation_id: Annotated[
        IdQuery, Query(description="Staff: one organisation's inbox as it sees it")
    ] = None,
) -> PageOut[MatchOut]:
    """Your inbox: introductions to answer and the state of matches on your challenges."""
    result = await inbox.list_inbox(
        conn,
        principal,
        role=role,
        state=state,
        organisation_id=organisation_id,
        limit=page.limit,
        offset=page.offset,
    )
    return PageOut(
        items=[MatchOut.model_validate(m) for m in result.items],
        total=result.total,
        limit=result.limit,
        offset=result.offset,
    )
