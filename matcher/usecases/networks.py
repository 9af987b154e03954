"""Knowledge networks: data, suggested networks for a challenge, and meeting agendas."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
import numpy as np

from embeddings.base import Embedder
from matcher.errors import Conflict, InvalidInput, NotFound
from matcher.matching.networks import NetworkScore, score_networks
from matcher.records import Principal
from matcher.records_programme import EventKind
from matcher.storage import agenda as agenda_store
from matcher.storage import challenges as challenge_store
from matcher.storage import events as event_store
from matcher.storage import networks as network_store
from matcher.storage import organisations as org_store
from matcher.storage.agenda import AgendaChallenge, AgendaMatch
from matcher.storage.networks import Network, NetworkChallenge
from matcher.usecases.members import require_own_challenge
from matcher.usecases.programme import require_staff


async def list_networks(conn: asyncpg.Connection, principal: Principal) -> list[Network]:
    """Every knowledge network with its members (any key)."""
    del principal
    return await network_store.list_networks(conn)


async def get_network(
    conn: asyncpg.Connection, principal: Principal, network_id: int
) -> tuple[Network, list[NetworkChallenge]]:
    """A network with its open challenges (staff also see closed ones)."""
    network = await network_store.get_network(conn, network_id)
    challenges = await network_store.network_challenges(
        conn, network_ids=[network_id], open_only=not principal.is_staff
    )
    return network, challenges


async def create_network(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    name: str,
    description: str,
    organisation_ids: list[int],
    external_ref: str | None = None,
) -> Network:
    """A new knowledge network with its first members (staff)."""
    require_staff(principal, "create knowledge networks")
    for org in organisation_ids:
        await _known_organisation(conn, org)
    network_id = await network_store.insert_network(
        conn, name=name, description=description, external_ref=external_ref
    )
    await network_store.add_members(conn, network_id, organisation_ids)
    return await network_store.get_network(conn, network_id)


async def _known_organisation(conn: asyncpg.Connection, organisation_id: int) -> None:
    try:
        await org_store.get_organisation(conn, organisation_id)
    except NotFound as exc:
        raise InvalidInput(
            f"organisation {organisation_id} does not exist", field="organisation_ids"
        ) from exc


async def set_membership(
    conn: asyncpg.Connection,
    principal: Principal,
    network_id: int,
    organisation_id: int,
    *,
    member: bool,
) -> Network:
    """An organisation joins or leaves a network (staff)."""
    require_staff(principal, "change network membership")
    await network_store.get_network(conn, network_id)
    await _known_organisation(conn, organisation_id)
    if member:
        await network_store.add_members(conn, network_id, [organisation_id])
    else:
        await network_store.remove_member(conn, network_id, organisation_id)
    return await network_store.get_network(conn, network_id)


@dataclass(frozen=True, slots=True)
class NetworkSuggestion:
    """A network a challenge may belong to, with how well it fits and whether it is confirmed."""

    network: Network
    score: NetworkScore
    confirmed: bool


async def suggest_networks(
    conn: asyncpg.Connection,
    principal: Principal,
    challenge_id: int,
    *,
    embedder: Embedder,
) -> list[NetworkSuggestion]:
    """Every network scored for the challenge; suggested ones first (the manager confirms)."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action="sees its knowledge networks")
    vector = await challenge_store.challenge_vector(conn, challenge_id, embedder.model_id)
    if vector is None:
        raise Conflict(
            "the challenge is waiting for its embedding; try again in a moment",
            code="embedding_pending",
        )
    networks = await network_store.list_networks(conn)
    if not networks:
        return []
    vectors = await asyncio.to_thread(
        embedder.embed_queries, [f"{n.name}. {n.description}" for n in networks]
    )
    descriptions = {n.id: np.asarray(v) for n, v in zip(networks, vectors, strict=True)}
    past = await network_store.past_challenge_vectors(
        conn, embedder.model_id, exclude_challenge_id=challenge_id
    )
    baseline = await network_store.challenge_centroid(
        conn, embedder.model_id, exclude_challenge_id=challenge_id
    )
    confirmed = await network_store.confirmed_network_ids(conn, challenge_id)
    by_id = {n.id: n for n in networks}
    return [
        NetworkSuggestion(network=by_id[s.network_id], score=s, confirmed=s.network_id in confirmed)
        for s in score_networks(vector, descriptions, past, baseline=baseline)
    ]


async def confirm_network(
    conn: asyncpg.Connection,
    principal: Principal,
    challenge_id: int,
    network_id: int,
    *,
    score: float | None = None,
) -> Network:
    """The manager confirms that a challenge belongs to a network."""
    require_staff(principal, "confirm knowledge networks")
    await challenge_store.get_challenge(conn, challenge_id)
    try:
        network = await network_store.get_network(conn, network_id)
    except NotFound as exc:
        raise InvalidInput(f"network {network_id} does not exist", field="network_id") from exc
    await network_store.confirm_challenge(conn, challenge_id, network_id, score)
    return network


async def digest_network_challenges(
    conn: asyncpg.Connection, organisation_id: int
) -> list[NetworkChallenge]:
    """Open challenges of the networks an organisation belongs to (for its weekly digest)."""
    found = await network_store.network_challenges(conn, member_organisation_id=organisation_id)
    return [c for c in found if c.organisation_id != organisation_id]


@dataclass(slots=True)
class Agenda:
    """Agenda material for a sector or network meeting."""

    event_id: int
    challenges: list[AgendaChallenge | NetworkChallenge] = field(default_factory=list)
    matches: list[AgendaMatch] = field(default_factory=list)


async def event_agenda(conn: asyncpg.Connection, principal: Principal, event_id: int) -> Agenda:
    """A sector meeting's open challenges and recent matches (matches for staff); a network's challenges."""
    event = await event_store.get_event(conn, event_id)
    agenda = Agenda(event_id=event_id)
    if event.kind is EventKind.sector_meeting and event.sector_code:
        agenda.challenges.extend(await agenda_store.sector_open_challenges(conn, event.sector_code))
        if principal.is_staff:
            agenda.matches = await agenda_store.sector_recent_matches(conn, event.sector_code)
    elif event.kind is EventKind.network_meeting and event.network_id is not None:
        agenda.challenges.extend(
            await network_store.network_challenges(conn, network_ids=[event.network_id])
        )
    return agenda
