"""Knowledge networks, their member organisations and the challenges they take up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import numpy as np

from matcher.errors import AlreadyExists, NotFound
from matcher.storage.sql import id_by_ref, record


@dataclass(frozen=True, slots=True)
class Network:
    """A knowledge network with its member organisations."""

    id: int
    name: str
    description: str
    external_ref: str | None
    organisation_ids: tuple[int, ...]
    organisation_names: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NetworkChallenge:
    """A challenge confirmed as part of a network."""

    challenge_id: int
    network_id: int
    title: str
    organisation_id: int
    organisation_name: str
    status: str
    score: float | None


_SELECT = """
    SELECT n.id, n.name, n.description, n.external_ref, n.created_at,
           coalesce(array_agg(o.id ORDER BY o.name) FILTER (WHERE o.id IS NOT NULL), '{}')
               AS organisation_ids,
           coalesce(array_agg(o.name ORDER BY o.name) FILTER (WHERE o.id IS NOT NULL), '{}')
               AS organisation_names
    FROM knowledge_network n
    LEFT JOIN knowledge_network_member m ON m.network_id = n.id
    LEFT JOIN organisation o ON o.id = m.organisation_id
"""


def _network(row: asyncpg.Record) -> Network:
    return record(
        Network,
        row,
        organisation_ids=tuple(row["organisation_ids"]),
        organisation_names=tuple(row["organisation_names"]),
    )


async def list_networks(conn: asyncpg.Connection) -> list[Network]:
    """Every network, by name."""
    rows = await conn.fetch(f"{_SELECT} GROUP BY n.id ORDER BY n.name")
    return [_network(r) for r in rows]


async def get_network(conn: asyncpg.Connection, network_id: int) -> Network:
    """One network or NotFound."""
    row = await conn.fetchrow(f"{_SELECT} WHERE n.id = $1 GROUP BY n.id", network_id)
    if row is None:
        raise NotFound(f"knowledge network {network_id} does not exist")
    return _network(row)


async def network_id_by_ref(conn: asyncpg.Connection, external_ref: str) -> int | None:
    """The network with this external reference (demo data), if any."""
    return await id_by_ref(conn, "knowledge_network", external_ref)


async def insert_network(
    conn: asyncpg.Connection, *, name: str, description: str, external_ref: str | None = None
) -> int:
    """A new network; AlreadyExists for a taken name."""
    try:
        async with conn.transaction():
            value = await conn.fetchval(
                "INSERT INTO knowledge_network (name, description, external_ref) "
                "VALUES ($1, $2, $3) RETURNING id",
                name,
                description,
                external_ref,
            )
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyExists(f"a knowledge network named {name!r} exists") from exc
    return int(value)


async def update_network(
    conn: asyncpg.Connection, network_id: int, *, name: str, description: str
) -> None:
    """Change a network's name and description."""
    await conn.execute(
        "UPDATE knowledge_network SET name = $2, description = $3, updated_at = now() "
        "WHERE id = $1",
        network_id,
        name,
        description,
    )


async def add_members(
    conn: asyncpg.Connection, network_id: int, organisation_ids: Sequence[int]
) -> None:
    """Organisations join a network (joining twice changes nothing)."""
    await conn.executemany(
        "INSERT INTO knowledge_network_member (network_id, organisation_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING",
        [(network_id, org) for org in organisation_ids],
    )


async def remove_member(conn: asyncpg.Connection, network_id: int, organisation_id: int) -> None:
    """An organisation leaves a network."""
    await conn.execute(
        "DELETE FROM knowledge_network_member WHERE network_id = $1 AND organisation_id = $2",
        network_id,
        organisation_id,
    )


async def past_challenge_vectors(
    conn: asyncpg.Connection, model_id: str, *, exclude_challenge_id: int
) -> dict[int, list[np.ndarray]]:
    """Vectors of each network's confirmed challenges (this model, current text)."""
    rows = await conn.fetch(
        """
        SELECT cn.network_id, c.embedding FROM challenge_network cn
        JOIN challenge c ON c.id = cn.challenge_id
        WHERE cn.confirmed_at IS NOT NULL AND c.id <> $2
          AND c.embedding_model = $1 AND c.embedding_hash = c.text_hash
        """,
        model_id,
        exclude_challenge_id,
    )
    out: dict[int, list[np.ndarray]] = {}
    for r in rows:
        value = r["embedding"]
        vector = value.to_numpy() if hasattr(value, "to_numpy") else value
        out.setdefault(int(r["network_id"]), []).append(np.asarray(vector, dtype=np.float32))
    return out


async def confirm_challenge(
    conn: asyncpg.Connection, challenge_id: int, network_id: int, score: float | None
) -> None:
    """Record that a challenge belongs to a network (confirming again changes nothing)."""
    await conn.execute(
        "INSERT INTO challenge_network (challenge_id, network_id, score, confirmed_at) "
        "VALUES ($1, $2, $3, now()) ON CONFLICT (challenge_id, network_id) DO UPDATE "
        "SET confirmed_at = coalesce(challenge_network.confirmed_at, now())",
        challenge_id,
        network_id,
        score,
    )


async def confirmed_network_ids(conn: asyncpg.Connection, challenge_id: int) -> set[int]:
    """Networks a challenge is confirmed in."""
    rows = await conn.fetch(
        "SELECT network_id FROM challenge_network WHERE challenge_id = $1 "
        "AND confirmed_at IS NOT NULL",
        challenge_id,
    )
    return {int(r["network_id"]) for r in rows}


async def network_challenges(
    conn: asyncpg.Connection,
    *,
    network_ids: Sequence[int] | None = None,
    member_organisation_id: int | None = None,
    open_only: bool = True,
) -> list[NetworkChallenge]:
    """Confirmed challenges of some networks, or of the networks an organisation belongs to."""
    rows = await conn.fetch(
        """
        SELECT cn.challenge_id, cn.network_id, c.title, c.organisation_id,
               o.name AS organisation_name, c.status, cn.score
        FROM challenge_network cn
        JOIN challenge c ON c.id = cn.challenge_id
        JOIN organisation o ON o.id = c.organisation_id
        WHERE cn.confirmed_at IS NOT NULL
          AND ($1::bigint[] IS NULL OR cn.network_id = ANY($1::bigint[]))
          AND ($2::bigint IS NULL OR cn.network_id IN (
                SELECT network_id FROM knowledge_network_member WHERE organisation_id = $2))
          AND (NOT $3 OR c.status = 'open')
        ORDER BY c.created_at DESC, c.id
        """,
        list(network_ids) if network_ids is not None else None,
        member_organisation_id,
        open_only,
    )
    return [NetworkChallenge(**dict(r)) for r in rows]


async def challenge_centroid(
    conn: asyncpg.Connection, model_id: str, *, exclude_challenge_id: int
) -> np.ndarray | None:
    """The mean vector of all other challenges with a current vector from this model."""
    value = await conn.fetchval(
        "SELECT avg(embedding) FROM challenge WHERE id <> $2 AND embedding_model = $1 "
        "AND embedding_hash = text_hash",
        model_id,
        exclude_challenge_id,
    )
    if value is None:
        return None
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)
