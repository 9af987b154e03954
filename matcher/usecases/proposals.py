"""Proposals: a challenge's best suggestions stored as proposed matches when its vector is new."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg
import numpy as np

from matcher.records import Challenge, ChallengeStatus, Suggestion
from matcher.storage import challenges as challenge_store
from matcher.storage import matches as store
from matcher.storage.matches import ProposalInput
from matcher.usecases.embedding import ChallengeHook
from matcher.usecases.suggestions import SuggestionOptions, query_for_challenge, suggest_for_query

# Who the history names for proposals the matcher made on its own.
MATCHER_ROLE = "matcher"


def proposal_inputs(suggestions: Sequence[Suggestion]) -> list[ProposalInput]:
    """Suggestions in their order as proposals to store, ranked from 1."""
    return [
        ProposalInput(
            person_id=s.person_id,
            rank=position,
            score=s.score,
            score_parts=s.score_parts,
            features=s.features,
            explanation={"lines": s.explanation_lines, "evidence": s.evidence},
        )
        for position, s in enumerate(suggestions, start=1)
    ]


async def challenge_due_for_proposals(
    conn: asyncpg.Connection, challenge_id: int, *, model_id: str
) -> tuple[Challenge, np.ndarray] | None:
    """Lock a challenge for its proposals and return it with its vector, or None if none are due.

    None when another worker holds it, when it is no longer open (its untouched proposals are
    removed then), or when its text changed again (or another model embedded it): its next
    vector proposes.
    """
    if not await store.lock_challenge_for_proposals(conn, challenge_id):
        return None
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    if challenge.status is not ChallengeStatus.open:
        await store.replace_proposals(
            conn, challenge_id, [], model=model_id, actor_role=MATCHER_ROLE
        )
        return None
    vector = await challenge_store.challenge_vector(conn, challenge_id, model_id)
    if vector is None:
        return None
    return challenge, vector


async def propose_matches(
    conn: asyncpg.Connection,
    challenge_ids: list[int],
    *,
    model_id: str,
    today: date,
    top: int = 10,
) -> int:
    """Store each challenge's top suggestions as proposed matches; returns how many were stored.

    Proposals nobody acted on are replaced; matches in any other state stay, and their people
    are not proposed again for that challenge.
    """
    stored = 0
    for challenge_id in dict.fromkeys(challenge_ids):
        due = await challenge_due_for_proposals(conn, challenge_id, model_id=model_id)
        if due is None:
            continue
        challenge, vector = due
        query = await query_for_challenge(conn, challenge)
        acted = await store.acted_person_ids(conn, challenge_id)
        # The same pipeline as the suggestions endpoint (re-ranker included), with room for
        # the people who already have an acted-on match and are left out.
        suggestions = await suggest_for_query(
            conn,
            query,
            vector,
            model_id=model_id,
            today=today,
            options=SuggestionOptions(top=top + len(acted)),
        )
        suggestions = [s for s in suggestions if s.person_id not in acted][:top]
        stored += await store.replace_proposals(
            conn,
            challenge_id,
            proposal_inputs(suggestions),
            model=model_id,
            actor_role=MATCHER_ROLE,
        )
    return stored


def make_proposal_hook(model_id: str, *, top: int = 10) -> ChallengeHook:
    """The embedding worker's hook: freshly embedded challenges get their proposals.

    Errors propagate: the caller's transaction (which clears the challenge's proposal mark)
    rolls back and the challenge is retried.
    """

    async def hook(conn: asyncpg.Connection, challenge_ids: list[int]) -> None:
        await propose_matches(conn, challenge_ids, model_id=model_id, today=date.today(), top=top)

    return hook
