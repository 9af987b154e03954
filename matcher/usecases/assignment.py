"""The assignment round: proposals for every open challenge at once, within people's hours.

The weekly round (and `matcher assign`) scores candidates with the suggestion pipeline, solves
one assignment over all open challenges (matcher.matching.assignment) and replaces the
proposals nobody acted on. Between rounds, a newly embedded challenge gets its proposals from
the same solver over that one challenge, within the hours and the per-person limit its
candidates have left after the proposals they already carry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from embeddings.factory import make_embedder
from matcher.logging import get_logger
from matcher.matching.assignment import AssignmentProblem, AssignmentResult, Pair, Seat, greedy
from matcher.matching.assignment import solve as solve_assignment
from matcher.matching.assignment_metrics import ProposalFigures, figures
from matcher.matching.capacity import challenge_window
from matcher.matching.scoring import ScoringConfig
from matcher.records import Challenge, ChallengeKind, ChallengeStatus, Suggestion
from matcher.settings import Settings, get_settings
from matcher.storage import assignment as round_store
from matcher.storage import challenges as challenge_store
from matcher.storage import matches as match_store
from matcher.storage.matches import ProposalInput
from matcher.usecases.embedding import ChallengeHook
from matcher.usecases.jobs import JobRun
from matcher.usecases.proposals import MATCHER_ROLE, challenge_due_for_proposals, proposal_inputs
from matcher.usecases.suggestions import SuggestionOptions, query_for_challenge, suggest_for_query

log = get_logger(__name__)

_NO_EXPOSURE = ScoringConfig(exposure_penalty=0.0)


@dataclass(frozen=True, slots=True)
class AssignmentOptions:
    """How many people per challenge and per person, and what non-capacity challenges cost."""

    per_challenge: int = 3
    per_person: int = 2
    other_kind_hours: float = 2.0
    candidates: int = 15
    time_limit: float = 60.0


@dataclass(frozen=True, slots=True)
class RoundReport:
    """What a round proposed (or would have), with today's greedy proposals for comparison."""

    dry_run: bool
    challenges: int
    candidate_pairs: int
    stored: int
    status: str
    gap: float | None
    solve_seconds: float
    assignment: ProposalFigures
    greedy: ProposalFigures
    proposals: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "dry_run": self.dry_run,
            "challenges": self.challenges,
            "candidate_pairs": self.candidate_pairs,
            "stored": self.stored,
            "status": self.status,
            "gap": self.gap,
            "solve_seconds": round(self.solve_seconds, 3),
            "assignment": self.assignment.as_dict(),
            "greedy": self.greedy.as_dict(),
            "proposals": self.proposals,
        }


def assignment_options(settings: Settings) -> AssignmentOptions:
    """Between rounds a new challenge gets as many proposals as suggestions are stored, and a
    person may carry as many; the hours left are what limits them."""
    return AssignmentOptions(
        per_challenge=settings.suggestions_stored, per_person=settings.suggestions_stored
    )


def challenge_hours(
    kind: ChallengeKind | str, hours_needed: float | None, options: AssignmentOptions
) -> float:
    """Hours a proposal needs from its person: a capacity challenge's own, else a small amount."""
    if ChallengeKind(kind) is ChallengeKind.capacity and hours_needed:
        return hours_needed
    return options.other_kind_hours


def _seat(challenge: Challenge, seats: int, today: date, options: AssignmentOptions) -> Seat:
    window = challenge_window(challenge.starts_on, challenge.needed_by, today=today)
    return Seat(
        challenge_id=challenge.id,
        seats=max(seats, 0),
        hours=challenge_hours(challenge.kind, challenge.hours_needed, options),
        starts_on=window.starts_on,
        ends_on=window.ends_on,
    )


async def _candidates(
    conn: asyncpg.Connection,
    challenge: Challenge,
    *,
    model_id: str,
    today: date,
    options: AssignmentOptions,
) -> list[Suggestion]:
    """The challenge's best suggestions, leaving out people someone already acted on."""
    vector = await challenge_store.challenge_vector(conn, challenge.id, model_id)
    if vector is None:
        return []
    query = await query_for_challenge(conn, challenge)
    acted = await match_store.acted_person_ids(conn, challenge.id)
    suggestions = await suggest_for_query(
        conn,
        query,
        vector,
        model_id=model_id,
        today=today,
        # The round limits exposure itself (per_person); the scorer's penalty for recent
        # proposals would make each round depend on the last one's proposals.
        options=SuggestionOptions(top=options.candidates + len(acted), config=_NO_EXPOSURE),
    )
    return [s for s in suggestions if s.person_id not in acted][: options.candidates]


def _pairs(challenge_id: int, suggestions: Sequence[Suggestion]) -> list[Pair]:
    return [
        Pair(
            challenge_id=challenge_id,
            person_id=s.person_id,
            organisation_id=s.organisation_id,
            score=s.score,
            free_hours=s.free_hours or 0.0,
        )
        for s in suggestions
    ]


def _proposal_inputs(
    chosen: Sequence[Pair], by_key: dict[tuple[int, int], Suggestion]
) -> list[ProposalInput]:
    ranked = sorted(chosen, key=lambda p: (-p.score, p.person_id))
    return proposal_inputs([by_key[(pair.challenge_id, pair.person_id)] for pair in ranked])


async def _store(
    conn: asyncpg.Connection,
    challenge_ids: Sequence[int],
    chosen: Sequence[Pair],
    by_key: dict[tuple[int, int], Suggestion],
    *,
    model_id: str,
) -> int:
    """Replace each challenge's untouched proposals by its chosen pairs (still-open ones only)."""
    per_challenge: dict[int, list[Pair]] = {cid: [] for cid in challenge_ids}
    for pair in chosen:
        per_challenge[pair.challenge_id].append(pair)
    stored = 0
    for cid, pairs in per_challenge.items():
        if not await match_store.lock_challenge_for_proposals(conn, cid):
            continue
        challenge = await challenge_store.get_challenge(conn, cid)
        proposals = (
            _proposal_inputs(pairs, by_key) if challenge.status is ChallengeStatus.open else []
        )
        stored += await match_store.replace_proposals(
            conn, cid, proposals, model=model_id, actor_role=MATCHER_ROLE
        )
    return stored


async def run_assignment_round(
    pool: asyncpg.Pool,
    *,
    model_id: str,
    today: date | None = None,
    dry_run: bool = False,
    options: AssignmentOptions | None = None,
) -> RoundReport:
    """Propose k people per open challenge maximising total score within everyone's hours.

    Reads and scores outside any transaction, solves off the event loop, then replaces every
    round challenge's untouched proposals in one transaction (all or nothing); dry_run stores
    nothing. Safe to run again: a second run over unchanged data stores the same proposals.
    """
    options = options or AssignmentOptions()
    today = today or date.today()
    seats: list[Seat] = []
    pairs: list[Pair] = []
    by_key: dict[tuple[int, int], Suggestion] = {}
    async with pool.acquire() as conn:
        for item in await round_store.round_challenges(conn, model_id=model_id):
            challenge = await challenge_store.get_challenge(conn, item.challenge_id)
            seats.append(_seat(challenge, options.per_challenge - item.connected, today, options))
            suggestions = await _candidates(
                conn, challenge, model_id=model_id, today=today, options=options
            )
            pairs.extend(_pairs(challenge.id, suggestions))
            by_key.update({(challenge.id, s.person_id): s for s in suggestions})
    problem = AssignmentProblem(seats=seats, pairs=pairs, max_per_person=options.per_person)
    result: AssignmentResult = await asyncio.to_thread(
        solve_assignment, problem, time_limit=options.time_limit
    )
    stored = 0
    if not dry_run:
        async with pool.acquire() as conn, conn.transaction():
            stored = await _store(
                conn, [s.challenge_id for s in seats], result.chosen, by_key, model_id=model_id
            )
    report = RoundReport(
        dry_run=dry_run,
        challenges=len(seats),
        candidate_pairs=len(pairs),
        stored=stored,
        status=result.status,
        gap=result.gap,
        solve_seconds=result.seconds,
        assignment=figures(problem, result.chosen),
        greedy=figures(problem, greedy(problem)),
        proposals=[
            {"challenge_id": p.challenge_id, "person_id": p.person_id, "score": p.score}
            for p in sorted(result.chosen, key=lambda p: (p.challenge_id, -p.score))
        ],
    )
    log.info(
        "assignment round",
        dry_run=dry_run,
        challenges=report.challenges,
        proposals=len(result.chosen),
        stored=stored,
        status=result.status,
    )
    return report


async def propose_within_hours_left(
    conn: asyncpg.Connection,
    challenge_ids: list[int],
    *,
    model_id: str,
    today: date,
    options: AssignmentOptions | None = None,
) -> int:
    """Proposals for new challenges between rounds, within what their candidates have left.

    Each candidate's free hours lose the hours of the proposals they already carry in
    overlapping windows, and those proposals count against the per-person limit.
    """
    options = options or AssignmentOptions()
    stored = 0
    for challenge_id in dict.fromkeys(challenge_ids):
        due = await challenge_due_for_proposals(conn, challenge_id, model_id=model_id)
        if due is None:
            continue
        challenge, _ = due
        seat = _seat(challenge, options.per_challenge, today, options)
        suggestions = await _candidates(
            conn, challenge, model_id=model_id, today=today, options=options
        )
        carried = await round_store.carried_proposals(
            conn, [s.person_id for s in suggestions], except_challenge_id=challenge_id
        )
        load: dict[int, float] = {}
        count: dict[int, int] = {}
        for c in carried:
            other = Seat(
                challenge_id=c.challenge_id,
                seats=1,
                hours=challenge_hours(c.kind, c.hours_needed, options),
                **_window(c.starts_on, c.needed_by, today),
            )
            count[c.person_id] = count.get(c.person_id, 0) + 1
            if other.overlaps(seat):
                load[c.person_id] = load.get(c.person_id, 0.0) + other.hours
        pairs = [
            Pair(
                challenge_id=p.challenge_id,
                person_id=p.person_id,
                organisation_id=p.organisation_id,
                score=p.score,
                free_hours=p.free_hours - load.get(p.person_id, 0.0),
            )
            for p in _pairs(challenge_id, suggestions)
        ]
        seats = max(
            options.per_challenge - await round_store.connected_count(conn, challenge_id), 0
        )
        problem = AssignmentProblem(
            seats=[Seat(challenge_id, seats, seat.hours, seat.starts_on, seat.ends_on)],
            pairs=pairs,
            max_per_person=options.per_person,
            carried=count,
        )
        result = solve_assignment(problem, time_limit=options.time_limit)
        by_key = {(challenge_id, s.person_id): s for s in suggestions}
        stored += await match_store.replace_proposals(
            conn,
            challenge_id,
            _proposal_inputs(result.chosen, by_key),
            model=model_id,
            actor_role=MATCHER_ROLE,
        )
    return stored


def _window(starts_on: date | None, needed_by: date | None, today: date) -> dict[str, date]:
    window = challenge_window(starts_on, needed_by, today=today)
    return {"starts_on": window.starts_on, "ends_on": window.ends_on}


async def run_assignment_job(pool: asyncpg.Pool, run: JobRun) -> None:
    """The weekly job (Sunday night): the round over every open challenge, for the configured
    model; its payload may set per_challenge, per_person and other_kind_hours."""
    settings = get_settings()
    model_id = make_embedder(
        settings.embedding_model,
        query_prefix=settings.query_prefix,
        document_prefix=settings.document_prefix,
        use_cache=False,
    ).model_id
    allowed = {"per_challenge", "per_person", "other_kind_hours"}
    options = AssignmentOptions(**{k: v for k, v in run.payload.items() if k in allowed})
    report = await run_assignment_round(pool, model_id=model_id, options=options)
    log.info(
        "assignment round job",
        job_id=run.job_id,
        challenges=report.challenges,
        stored=report.stored,
        status=report.status,
    )


def make_assignment_hook(model_id: str, options: AssignmentOptions | None = None) -> ChallengeHook:
    """The embedding worker's hook: new challenges get proposals within the hours left.

    Errors propagate: the caller's transaction (which clears the challenge's proposal mark)
    rolls back and the challenge is retried.
    """

    async def hook(conn: asyncpg.Connection, challenge_ids: list[int]) -> None:
        await propose_within_hours_left(
            conn, challenge_ids, model_id=model_id, today=date.today(), options=options
        )

    return hook
