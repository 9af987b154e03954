"""Challenges and their suggestions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from api.convert import challenge_out, suggestion_out
from api.deps import (
    Conn,
    CurrentPrincipal,
    EmbedderDep,
    EmbeddingCheckDep,
    IdPath,
    IdQuery,
    PagingDep,
    StrictQuery,
)
from api.patch import sent
from api.ratelimit import throttled
from api.schemas import ChallengeIn, ChallengeOut, ChallengePatch, PageOut, SuggestionsOut
from matcher.inputs import ChallengeChanges, NewChallenge, or_unset
from matcher.records import ChallengeKind, ChallengeStatus
from matcher.usecases import members
from matcher.usecases.suggestions import SuggestionOptions, suggest_for_challenge

router = APIRouter(tags=["challenges"])


ChallengeSort = Literal["-created", "created", "-updated", "updated", "needed_by", "title"]


@router.get("/challenges", response_model=PageOut[ChallengeOut], dependencies=[StrictQuery])
async def list_challenges(
    conn: Conn,
    principal: CurrentPrincipal,
    page: PagingDep,
    check: EmbeddingCheckDep,
    status_filter: Annotated[ChallengeStatus | None, Query(alias="status")] = None,
    kind: ChallengeKind | None = None,
    organisation_id: IdQuery = None,
    since: Annotated[
        AwareDatetime | None,
        Query(description="Only challenges created or changed at or after this time (ISO 8601)"),
    ] = None,
    sort: Annotated[
        ChallengeSort, Query(description="Order; '-' means descending (newest first)")
    ] = "-created",
) -> PageOut[ChallengeOut]:
    """Own challenges in any state and other members' open challenges; unknown parameters are 422."""
    result = await members.list_challenges(
        conn,
        principal,
        limit=page.limit,
        offset=page.offset,
        status=status_filter.value if status_filter else None,
        kind=kind.value if kind else None,
        organisation_id=organisation_id,
        since=since,
        sort=sort,
    )
    return PageOut(
        items=[challenge_out(c, check) for c in result.items],
        total=result.total,
        limit=result.limit,
        offset=result.offset,
    )


@router.post("/challenges", response_model=ChallengeOut, status_code=status.HTTP_201_CREATED)
async def create_challenge(
    body: ChallengeIn,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> ChallengeOut:
    """Post a challenge; it is stored now and embedded right after (embedding_status)."""
    new = NewChallenge(
        title=body.title,
        description=body.description,
        kind=body.kind,
        hours_needed=body.hours_needed,
        starts_on=body.starts_on,
        needed_by=body.needed_by,
        status=body.status or ChallengeStatus.open,
    )
    challenge = await members.create_challenge(
        conn, principal, organisation_id=body.organisation_id, challenge=new
    )
    return challenge_out(challenge, check)


@router.get("/challenges/{challenge_id}", response_model=ChallengeOut)
async def get_challenge(
    challenge_id: IdPath,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> ChallengeOut:
    """One challenge."""
    challenge = await members.get_challenge(conn, principal, challenge_id)
    return challenge_out(challenge, check)


@router.patch("/challenges/{challenge_id}", response_model=ChallengeOut)
async def update_challenge(
    challenge_id: IdPath,
    body: ChallengePatch,
    conn: Conn,
    principal: CurrentPrincipal,
    check: EmbeddingCheckDep,
) -> ChallengeOut:
    """Change a challenge (its own organisation or staff)."""
    # null clears hours and dates and leaves the rest as it is.
    changes = ChallengeChanges(
        title=or_unset(body.title),
        description=or_unset(body.description),
        kind=or_unset(body.kind),
        hours_needed=sent(body, "hours_needed", body.hours_needed),
        starts_on=sent(body, "starts_on", body.starts_on),
        needed_by=sent(body, "needed_by", body.needed_by),
        status=or_unset(body.status),
    )
    challenge = await members.update_challenge(conn, principal, challenge_id, changes)
    return challenge_out(challenge, check)


@router.delete("/challenges/{challenge_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_challenge(
    challenge_id: IdPath, conn: Conn, principal: CurrentPrincipal
) -> Response:
    """Delete a challenge with its matches."""
    await members.delete_challenge(conn, principal, challenge_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/challenges/{challenge_id}/suggestions",
    response_model=SuggestionsOut,
    dependencies=[throttled("suggestions")],
)
async def get_suggestions(
    challenge_id: IdPath,
    conn: Conn,
    principal: CurrentPrincipal,
    embedder: EmbedderDep,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    lang: Literal["nl", "en"] = "nl",
) -> SuggestionsOut:
    """The best people from other members for this challenge, with evidence and score parts."""
    items = await suggest_for_challenge(
        conn,
        principal,
        challenge_id,
        model_id=embedder.model_id,
        today=date.today(),
        options=SuggestionOptions(top=top, lang=lang),
    )
    return SuggestionsOut(
        challenge_id=challenge_id,
        model=embedder.model_id,
        items=[suggestion_out(s) for s in items],
    )
