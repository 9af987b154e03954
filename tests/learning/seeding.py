"""Matches and their transitions written straight into the database, as the lifecycle leaves them."""

from __future__ import annotations

import itertools

import asyncpg

from matcher.learning.decisions import Decision, Label

_POSITIVE_STATES = itertools.cycle(
    [
        ("approved", None, None),
        ("introduced", None, None),
        ("accepted", None, None),
        ("completed", None, 4),
    ]
)
_NEGATIVE_STATES = itertools.cycle(
    [("rejected", "wrong_expertise", None), ("declined", None, None), ("completed", None, 1)]
)


async def seed_network(conn: asyncpg.Connection, people: int) -> tuple[int, list[int]]:
    """An asking organisation and, in another one, this many people; returns their ids."""
    asking = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Gemeente Vraag', 'overheden') "
        "RETURNING id"
    )
    giving = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('ICT Aanbod', 'ict') RETURNING id"
    )
    person_ids = [
        await conn.fetchval(
            "INSERT INTO person (organisation_id, name, email, consent) "
            "VALUES ($1, $2, $3, true) RETURNING id",
            giving,
            f"Persoon {i}",
            f"p{i}@aanbod.example",
        )
        for i in range(people)
    ]
    return asking, person_ids


async def seed_decisions(conn: asyncpg.Connection, decisions: list[Decision]) -> dict[str, int]:
    """Store each decision as a match in a state that carries its label; returns challenge ids.

    Positives cycle through approved, introduced, accepted and completed (rating 4);
    negatives through rejected for wrong expertise, declined and completed (rating 1).
    """
    people = sorted({d.person for d in decisions})
    asking, person_ids = await seed_network(conn, len(people))
    person_of = dict(zip(people, person_ids, strict=True))
    challenge_of: dict[str, int] = {}
    for d in decisions:
        if d.challenge not in challenge_of:
            challenge_of[d.challenge] = await conn.fetchval(
                "INSERT INTO challenge (organisation_id, title, description, kind, text_hash) "
                "VALUES ($1, $2, 'Beschrijving', 'knowledge', 'x') RETURNING id",
                asking,
                f"Vraag {d.challenge}",
            )
        if d.label is Label.positive:
            state, reason, rating = next(_POSITIVE_STATES)
        elif d.label is Label.negative:
            state, reason, rating = next(_NEGATIVE_STATES)
        else:
            state, reason, rating = d.state, d.reason_code, d.outcome_rating
        features = {k: v for k, v in d.features.items() if k != "score"}
        await insert_match(
            conn,
            challenge_id=challenge_of[d.challenge],
            person_id=person_of[d.person],
            state=state,
            reason_code=reason,
            outcome_rating=rating,
            score=d.features["score"],
            features=features,
        )
    return challenge_of


async def insert_match(
    conn: asyncpg.Connection,
    *,
    challenge_id: int,
    person_id: int,
    state: str,
    score: float,
    features: dict[str, float],
    reason_code: str | None = None,
    outcome_rating: int | None = None,
    score_parts: dict[str, float] | None = None,
) -> int:
    """One match with its creation and its last transition."""
    match_id: int = await conn.fetchval(
        "INSERT INTO match (challenge_id, person_id, state, rank, score, score_parts, features, "
        "outcome_rating) VALUES ($1, $2, $3, 1, $4, $5, $6, $7) RETURNING id",
        challenge_id,
        person_id,
        state,
        score,
        score_parts if score_parts is not None else {"score": score},
        features,
        outcome_rating,
    )
    await conn.execute(
        "INSERT INTO match_transition (match_id, from_state, to_state, actor_role) "
        "VALUES ($1, NULL, 'proposed', 'matcher')",
        match_id,
    )
    if state != "proposed":
        await conn.execute(
            "INSERT INTO match_transition (match_id, from_state, to_state, actor_role, "
            "reason_code) VALUES ($1, 'proposed', $2, 'programme_manager', $3)",
            match_id,
            state,
            reason_code,
        )
    return match_id
