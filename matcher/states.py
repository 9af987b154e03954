"""The fixed vocabularies of a match's life: states, actions, rejection reasons, reservations.

The database keeps the same words (CHECK constraints in the migrations); the API shows them
as they are. StrEnum members compare equal to their text, so rows and query strings mix freely.
"""

from __future__ import annotations

from enum import StrEnum


class MatchState(StrEnum):
    """Where a match is: proposed → approved → introduced → accepted → completed, or off."""

    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    introduced = "introduced"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    cancelled = "cancelled"
    withdrawn = "withdrawn"


class MatchAction(StrEnum):
    """What someone does to a match."""

    approve = "approve"
    reject = "reject"
    introduce = "introduce"
    accept = "accept"
    decline = "decline"
    complete = "complete"
    cancel = "cancel"


class RejectionReason(StrEnum):
    """Why a proposal was rejected or a match withdrawn (the re-ranker learns from it)."""

    wrong_expertise = "wrong_expertise"
    no_capacity = "no_capacity"
    conflict = "conflict"
    already_connected = "already_connected"
    other = "other"


class ReservationState(StrEnum):
    """Hours held for an approved match, booked when it completed, or given back."""

    held = "held"
    booked = "booked"
    released = "released"


CONNECTED_STATES = (
    MatchState.approved,
    MatchState.introduced,
    MatchState.accepted,
    MatchState.completed,
)
"""States in which a match counts as a made connection (network overview, unmatched list)."""

OPEN_STATES = (MatchState.proposed, MatchState.approved, MatchState.introduced)
"""States a change in the world (consent, conflict, a closed challenge) withdraws."""
