"""The rules of a match's life on plain records: no database, no HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from matcher.errors import Conflict, Forbidden, InvalidInput
from matcher.match_lifecycle import (
    TRANSITIONS,
    allowed_actions,
    check_note,
    check_outcome,
    check_role,
    match_visible,
    next_state,
    parse_reason,
    parse_state,
    shows_email,
    visible_history,
)
from matcher.matching.introduction import default_introduction_text
from matcher.records import Principal, Role
from matcher.records_matches import MatchRecord, TransitionRecord
from matcher.states import MatchAction, MatchState, RejectionReason

ASKER, HELPER, OTHER = 1, 2, 3
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = Principal(key_id=7, role=Role.programme_manager, organisation_id=None)


def member(organisation_id: int) -> Principal:
    return Principal(
        key_id=100 + organisation_id, role=Role.member, organisation_id=organisation_id
    )


def match(state: MatchState = MatchState.proposed, **changes: Any) -> MatchRecord:
    base = MatchRecord(
        id=11,
        challenge_id=5,
        challenge_title="Hulp bij BIO-audit",
        challenge_description="Wij zoeken iemand die de BIO-audit kan voorbereiden.",
        challenge_kind="knowledge",
        challenge_status="open",
        hours_needed=12.5,
        starts_on=None,
        needed_by=date(2026, 4, 1),
        challenge_organisation_id=ASKER,
        challenge_organisation_name="Gemeente Leeuwarden",
        challenge_sector_code="overheden",
        challenge_sector_name="Overheden",
        person_id=9,
        person_name="Anna de Vries",
        person_role="Security officer",
        email="anna@example.org",
        capacity_hours_per_month=16.0,
        available_from=None,
        available_until=None,
        organisation_id=HELPER,
        organisation_name="ICT Noord",
        sector_code="ict",
        sector_name="ICT-dienstverlening",
        state=state,
        rank=1,
        score=0.8,
        score_parts={},
        features={},
        explanation={"lines": [], "evidence": [{"title": "BIO-implementatie"}]},
        model="hashing",
        introduction_text=None,
        hours_spent=None,
        outcome_rating=None,
        reserved_hours=None,
        reservation_state=None,
        was_approved=False,
        was_introduced=False,
        was_accepted=False,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **changes)


def test_every_state_offers_exactly_the_actions_that_start_from_it() -> None:
    assert allowed_actions(MatchState.proposed) == [MatchAction.approve, MatchAction.reject]
    assert allowed_actions(MatchState.accepted) == [MatchAction.complete, MatchAction.cancel]
    for final in (MatchState.rejected, MatchState.completed, MatchState.cancelled):
        assert allowed_actions(final) == []
    for action, (sources, target) in TRANSITIONS.items():
        for state in MatchState:
            record = match(state)
            if state in sources:
                assert next_state(record, action) is target
            else:
                with pytest.raises(Conflict) as caught:
                    next_state(record, action)
                assert caught.value.code == "invalid_transition"


def test_only_the_persons_organisation_answers_and_only_staff_do_the_rest() -> None:
    check_role(member(HELPER), MatchAction.accept)
    check_role(STAFF, MatchAction.approve)
    with pytest.raises(Forbidden):
        check_role(STAFF, MatchAction.decline)
    with pytest.raises(Forbidden):
        check_role(member(ASKER), MatchAction.cancel)


def test_each_side_sees_the_match_from_its_own_step_on() -> None:
    proposed = match()
    approved = match(MatchState.approved, was_approved=True)
    introduced = match(MatchState.introduced, was_approved=True, was_introduced=True)
    assert match_visible(STAFF, proposed)
    assert not match_visible(member(ASKER), proposed)
    assert match_visible(member(ASKER), approved)
    assert not match_visible(member(HELPER), approved)
    assert match_visible(member(HELPER), introduced)
    assert not match_visible(member(OTHER), introduced)


def test_the_asker_gets_the_email_only_after_the_introduction_was_accepted() -> None:
    introduced = match(MatchState.introduced, was_approved=True, was_introduced=True)
    accepted = replace(introduced, state=MatchState.accepted, was_accepted=True)
    assert shows_email(member(HELPER), introduced)
    assert not shows_email(member(ASKER), introduced)
    assert shows_email(member(ASKER), accepted)
    assert not shows_email(member(OTHER), accepted)


def test_members_read_the_history_without_staff_key_ids() -> None:
    step = TransitionRecord(
        id=1,
        match_id=11,
        from_state=MatchState.proposed,
        to_state=MatchState.approved,
        actor_key_id=7,
        actor_role="programme_manager",
        reason_code=None,
        note=None,
        created_at=NOW,
    )
    assert visible_history([step], STAFF)[0].actor_key_id == 7
    [seen] = visible_history([step], member(ASKER))
    assert seen.actor_key_id is None and seen.to_state is MatchState.approved


def test_caller_words_become_vocabulary_or_a_clear_error() -> None:
    assert parse_state("approved", field="status") is MatchState.approved
    assert parse_reason("no_capacity") is RejectionReason.no_capacity
    with pytest.raises(InvalidInput) as caught:
        parse_state("done", field="status")
    assert caught.value.field == "status"
    with pytest.raises(InvalidInput):
        parse_reason("bored")


def test_notes_and_outcomes_are_checked() -> None:
    assert check_note("  ") is None
    assert check_note(" ok ") == "ok"
    with pytest.raises(InvalidInput):
        check_note("x" * 2001)
    check_outcome(0, 5)
    for hours, rating in ((-1, 3), (10001, 3), (4, 0), (4, True)):
        with pytest.raises(InvalidInput):
            check_outcome(hours, rating)


def test_the_default_introduction_names_both_sides_and_the_evidence() -> None:
    text = default_introduction_text(match(MatchState.approved))
    assert text.startswith("Beste Anna de Vries,")
    assert "Gemeente Leeuwarden zoekt" in text
    assert "Security officer bij ICT Noord" in text
    assert "«BIO-implementatie»" in text
    assert "ongeveer 12,5 uur" in text
