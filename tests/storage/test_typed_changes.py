"""Partial updates: the SET-clause helper, rows affected, and typed changes on the real tables."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from matcher.errors import NotFound
from matcher.inputs import (
    UNSET,
    ChallengeChanges,
    NewChallenge,
    NewPerson,
    OrganisationChanges,
    PersonChanges,
    changed_fields,
    changes_between,
    merged,
    or_unset,
)
from matcher.records import ChallengeKind, ChallengeStatus
from matcher.storage import challenges as challenge_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage.sql import rows_affected, set_clause


def test_set_clause_numbers_parameters_from_first() -> None:
    sets = set_clause({"name": "A", "role": None}, columns=("name", "role", "email"), first=3)
    assert sets.sql == "name = $3, role = $4"
    assert sets.args == ["A", None]
    assert sets.params == {"name": "$3", "role": "$4"}
    assert sets


def test_set_clause_refuses_a_column_outside_the_list() -> None:
    with pytest.raises(ValueError, match="not an updatable column: name; DROP TABLE person"):
        set_clause({"name; DROP TABLE person": "x"}, columns=("name",), first=2)


def test_an_empty_set_clause_is_false() -> None:
    sets = set_clause({}, columns=("name",), first=2)
    assert not sets
    assert sets.sql == ""


@pytest.mark.parametrize(
    ("status", "count"),
    [("UPDATE 3", 3), ("DELETE 0", 0), ("INSERT 0 1", 1), ("INSERT 0 12", 12)],
)
def test_rows_affected(status: str, count: int) -> None:
    assert rows_affected(status) == count


def test_rows_affected_refuses_a_status_without_a_count() -> None:
    with pytest.raises(ValueError, match="no row count"):
        rows_affected("SET")


def test_changed_fields_keeps_none_and_drops_unset() -> None:
    changes = PersonChanges(name="Anna", available_from=None)
    assert changed_fields(changes) == {"name": "Anna", "available_from": None}
    assert changed_fields(PersonChanges()) == {}


def test_or_unset_and_merged() -> None:
    assert or_unset(None) is UNSET
    assert or_unset(0) == 0
    assert merged(UNSET, 5) == 5
    assert merged(None, 5) is None
    assert merged(7, 5) == 7


async def _org(conn: asyncpg.Connection, name: str = "Gemeente A") -> int:
    org = await org_store.create_organisation(
        conn, name=name, sector_code="overheden", province="Drenthe", contact_email="a@a.nl"
    )
    return org.id


async def test_person_changes_touch_only_what_is_set(conn: asyncpg.Connection) -> None:
    org = await _org(conn)
    person_id = await people_store.insert_person(
        conn,
        organisation_id=org,
        person=NewPerson(
            name="Anna",
            email="anna@a.nl",
            role="Architect",
            languages=("nl", "en"),
            available_from=date(2026, 1, 1),
            available_until=date(2026, 6, 30),
            consent=True,
        ),
        documents=(),
    )
    await people_store.update_person(
        conn, person_id, PersonChanges(role="CISO", available_until=None)
    )
    person = await people_store.get_person(conn, person_id)
    assert person.role == "CISO"
    assert person.available_until is None  # None clears
    assert person.available_from == date(2026, 1, 1)  # UNSET keeps
    assert person.languages == ("nl", "en")
    assert person.consent is True
    wanted = NewPerson(name="Anna", email="anna@a.nl", role="CISO", languages=("nl",))
    diff = changes_between(person, wanted, PersonChanges)
    # Every field of wanted that differs, defaults included (consent, dates).
    assert changed_fields(diff) == {
        "languages": ("nl",),
        "available_from": None,
        "consent": False,
    }


async def test_person_changes_on_a_missing_person_are_not_found(
    conn: asyncpg.Connection,
) -> None:
    with pytest.raises(NotFound):
        await people_store.update_person(conn, 999_999, PersonChanges(name="X"))


async def test_organisation_changes(conn: asyncpg.Connection) -> None:
    org = await _org(conn)
    changed = await org_store.update_organisation(
        conn, org, OrganisationChanges(province="Groningen")
    )
    assert (changed.name, changed.province) == ("Gemeente A", "Groningen")
    with pytest.raises(NotFound):
        await org_store.update_organisation(conn, 999_999, OrganisationChanges(name="B"))


async def test_challenge_changes_clear_dates_and_keep_the_text(conn: asyncpg.Connection) -> None:
    org = await _org(conn)
    challenge_id = await challenge_store.insert_challenge(
        conn,
        organisation_id=org,
        challenge=NewChallenge(
            title="Back-ups",
            description="Wij zoeken hulp bij ons back-upbeleid.",
            kind=ChallengeKind.knowledge,
            hours_needed=8,
            needed_by=date(2099, 1, 1),
        ),
    )
    text_changed = await challenge_store.update_challenge(
        conn, challenge_id, ChallengeChanges(needed_by=None, status=ChallengeStatus.closed)
    )
    assert text_changed is False
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    assert challenge.needed_by is None
    assert challenge.hours_needed == 8.0
    assert challenge.status is ChallengeStatus.closed
    assert challenge.kind is ChallengeKind.knowledge
    assert await challenge_store.update_challenge(
        conn, challenge_id, ChallengeChanges(title="Back-ups en herstel")
    )
