"""Knowledge networks, a challenge's networks, and meeting agendas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field, StringConstraints

from api.deps import Conn, CurrentPrincipal, EmbedderDep, IdPath, StaffPrincipal
from api.schemas import Id, Strict
from matcher.storage.agenda import AgendaChallenge
from matcher.storage.networks import Network, NetworkChallenge
from matcher.usecases import networks

router = APIRouter(tags=["networks"])

NetworkName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]


class NetworkIn(Strict):
    """A new knowledge network."""

    name: NetworkName
    description: Description
    organisation_ids: list[Id] = Field(default_factory=list, max_length=200)


class NetworkMemberOut(BaseModel):
    """A member organisation."""

    id: int
    name: str


class NetworkChallengeOut(BaseModel):
    """A challenge that belongs to a network."""

    challenge_id: int
    title: str
    organisation_id: int
    organisation_name: str
    status: str


class NetworkOut(BaseModel):
    """A knowledge network."""

    id: int
    name: str
    description: str
    members: list[NetworkMemberOut]
    challenges: list[NetworkChallengeOut] | None = None


class NetworkSuggestionOut(BaseModel):
    """A network for a challenge: similarity, whether suggested and whether confirmed."""

    network_id: int
    name: str
    score: float
    description_similarity: float
    past_challenges_similarity: float | None
    suggested: bool
    confirmed: bool


class ConfirmIn(Strict):
    """Confirm a challenge's network."""

    network_id: Id


class AgendaChallengeOut(BaseModel):
    """An open challenge on the agenda."""

    challenge_id: int
    title: str
    organisation_name: str


class AgendaMatchOut(BaseModel):
    """A recent match on the agenda (staff)."""

    match_id: int
    challenge_title: str
    asking_organisation: str
    helping_organisation: str
    state: str
    updated_at: datetime


class AgendaOut(BaseModel):
    """Agenda material for a sector or network meeting."""

    event_id: int
    challenges: list[AgendaChallengeOut]
    recent_matches: list[AgendaMatchOut]


def network_out(n: Network, challenges: list[NetworkChallenge] | None = None) -> NetworkOut:
    """A network with its members (and challenges when given)."""
    return NetworkOut(
        id=n.id,
        name=n.name,
        description=n.description,
        members=[
            NetworkMemberOut(id=i, name=name)
            for i, name in zip(n.organisation_ids, n.organisation_names, strict=True)
        ],
        challenges=(
            [
                NetworkChallengeOut(
                    challenge_id=c.challenge_id,
                    title=c.title,
                    organisation_id=c.organisation_id,
                    organisation_name=c.organisation_name,
                    status=c.status,
                )
                for c in challenges
            ]
            if challenges is not None
            else None
        ),
    )


@router.get("/networks", response_model=list[NetworkOut])
async def list_networks(conn: Conn, principal: CurrentPrincipal) -> list[NetworkOut]:
    """The association's knowledge networks with their members."""
    return [network_out(n) for n in await networks.list_networks(conn, principal)]


@router.post("/networks", response_model=NetworkOut, status_code=status.HTTP_201_CREATED)
async def create_network(body: NetworkIn, conn: Conn, principal: StaffPrincipal) -> NetworkOut:
    """A new knowledge network (staff)."""
    created = await networks.create_network(
        conn,
        principal,
        name=body.name,
        description=body.description,
        organisation_ids=list(dict.fromkeys(body.organisation_ids)),
    )
    return network_out(created)


@router.get("/networks/{network_id}", response_model=NetworkOut)
async def get_network(network_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> NetworkOut:
    """A network with its members and open challenges."""
    network, challenges = await networks.get_network(conn, principal, network_id)
    return network_out(network, challenges)


@router.put("/networks/{network_id}/members/{organisation_id}", response_model=NetworkOut)
async def add_member(
    network_id: IdPath, organisation_id: IdPath, conn: Conn, principal: StaffPrincipal
) -> NetworkOut:
    """An organisation joins the network (staff)."""
    found = await networks.set_membership(conn, principal, network_id, organisation_id, member=True)
    return network_out(found)


@router.delete("/networks/{network_id}/members/{organisation_id}", status_code=204)
async def remove_member(
    network_id: IdPath, organisation_id: IdPath, conn: Conn, principal: StaffPrincipal
) -> Response:
    """An organisation leaves the network (staff)."""
    await networks.set_membership(conn, principal, network_id, organisation_id, member=False)
    return Response(status_code=204)


@router.get("/challenges/{challenge_id}/networks", response_model=list[NetworkSuggestionOut])
async def challenge_networks(
    challenge_id: IdPath, conn: Conn, principal: CurrentPrincipal, embedder: EmbedderDep
) -> list[NetworkSuggestionOut]:
    """The networks this challenge may belong to, by similarity; confirmed ones marked."""
    found = await networks.suggest_networks(conn, principal, challenge_id, embedder=embedder)
    return [
        NetworkSuggestionOut(
            network_id=s.network.id,
            name=s.network.name,
            score=s.score.score,
            description_similarity=s.score.description,
            past_challenges_similarity=s.score.past_challenges,
            suggested=s.score.suggested,
            confirmed=s.confirmed,
        )
        for s in found
    ]


@router.post("/challenges/{challenge_id}/networks", response_model=NetworkOut)
async def confirm_network(
    challenge_id: IdPath, body: ConfirmIn, conn: Conn, principal: StaffPrincipal
) -> NetworkOut:
    """The manager confirms that the challenge belongs to a network."""
    found = await networks.confirm_network(conn, principal, challenge_id, body.network_id)
    return network_out(found)


@router.get("/events/{event_id}/agenda", response_model=AgendaOut)
async def event_agenda(event_id: IdPath, conn: Conn, principal: CurrentPrincipal) -> AgendaOut:
    """Agenda material: a sector meeting's open challenges and recent matches, a network's challenges."""
    agenda = await networks.event_agenda(conn, principal, event_id)
    return AgendaOut(
        event_id=event_id,
        challenges=[
            AgendaChallengeOut(
                challenge_id=c.challenge_id,
                title=c.title,
                organisation_name=c.organisation_name,
            )
            for c in agenda.challenges
            if isinstance(c, AgendaChallenge | NetworkChallenge)
        ],
        recent_matches=[
            AgendaMatchOut(
                match_id=m.match_id,
                challenge_title=m.challenge_title,
                asking_organisation=m.asking_organisation,
                helping_organisation=m.helping_organisation,
                state=m.state,
                updated_at=m.updated_at,
            )
            for m in agenda.matches
        ],
    )
