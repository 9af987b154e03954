"""Organisations, people and challenges, with the organisation scoping rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from matcher.errors import Forbidden, InvalidInput, NotFound
from matcher.inputs import (
    ChallengeChanges,
    DocumentInput,
    NewChallenge,
    NewPerson,
    OrganisationChanges,
    PersonChanges,
    Unset,
    merged,
)
from matcher.records import (
    Challenge,
    ChallengeStatus,
    Organisation,
    Page,
    Person,
    Principal,
    Sector,
)
from matcher.storage import challenges as challenge_store
from matcher.storage import organisations as org_store
from matcher.storage import outbox as outbox_store
from matcher.storage import people as people_store
from matcher.usecases import match_rules
from matcher.usecases.challenge_lifecycle import after_update, check_challenge_fields


def _require_staff(principal: Principal, action: str) -> None:
    if not principal.is_staff:
        raise Forbidden(f"only the programme manager or an admin may {action}")


def _target_organisation(principal: Principal, organisation_id: int | None) -> int:
    """The organisation a write is for: a member's own, or the one staff name."""
    if principal.is_staff:
        if organisation_id is None:
            raise InvalidInput("organisation_id is required", field="organisation_id")
        return organisation_id
    assert principal.organisation_id is not None
    if organisation_id is not None and organisation_id != principal.organisation_id:
        raise Forbidden("a member key writes only its own organisation's records")
    return principal.organisation_id


# Organisations


async def list_sectors(conn: asyncpg.Connection) -> list[Sector]:
    """The association's sectors (kept as data)."""
    return await org_store.list_sectors(conn)


async def list_organisations(
    conn: asyncpg.Connection, principal: Principal, *, limit: int, offset: int, sector: str | None
) -> Page[Organisation]:
    """The member directory; everyone with a key may read it."""
    return await org_store.list_organisations(conn, limit=limit, offset=offset, sector_code=sector)


async def get_organisation(
    conn: asyncpg.Connection, principal: Principal, organisation_id: int
) -> Organisation:
    """One organisation."""
    return await org_store.get_organisation(conn, organisation_id)


async def create_organisation(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    name: str,
    sector_code: str,
    province: str,
    contact_email: str,
) -> Organisation:
    """Add a member organisation (programme manager, admin)."""
    _require_staff(principal, "add organisations")
    return await org_store.create_organisation(
        conn, name=name, sector_code=sector_code, province=province, contact_email=contact_email
    )


async def update_organisation(
    conn: asyncpg.Connection,
    principal: Principal,
    organisation_id: int,
    changes: OrganisationChanges,
) -> Organisation:
    """Change an organisation (programme manager, admin)."""
    _require_staff(principal, "change organisations")
    return await org_store.update_organisation(conn, organisation_id, changes)


async def delete_organisation(
    conn: asyncpg.Connection, principal: Principal, organisation_id: int
) -> None:
    """Remove an organisation with everything it owns (programme manager, admin)."""
    _require_staff(principal, "remove organisations")
    await org_store.delete_organisation(conn, organisation_id)


# People


def _scope(principal: Principal) -> int | None:
    return None if principal.is_staff else principal.organisation_id


async def list_people(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    organisation_id: int | None,
    limit: int,
    offset: int,
) -> Page[Person]:
    """A member sees its own staff; staff see everyone (optionally of one organisation)."""
    if not principal.is_staff:
        if organisation_id is not None and organisation_id != principal.organisation_id:
            raise Forbidden("a member key lists only its own organisation's people")
        organisation_id = principal.organisation_id
    return await people_store.list_people(
        conn, organisation_id=organisation_id, limit=limit, offset=offset
    )


async def get_person(conn: asyncpg.Connection, principal: Principal, person_id: int) -> Person:
    """One person; another organisation's person is NotFound for a member."""
    return await people_store.get_person(conn, person_id, organisation_id=_scope(principal))


async def create_person(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    organisation_id: int | None,
    person: NewPerson,
    documents: Sequence[DocumentInput],
    conflict_organisation_ids: Sequence[int],
) -> Person:
    """Add a staff profile with its track record; vectors follow asynchronously."""
    org = _target_organisation(principal, organisation_id)
    await org_store.lock_organisation(conn, org)
    if org in conflict_organisation_ids:
        raise InvalidInput(
            "a person cannot declare a conflict with their own organisation",
            field="conflict_organisation_ids",
        )
    person_id = await people_store.insert_person(
        conn,
        organisation_id=org,
        person=person,
        documents=documents,
        conflict_organisation_ids=conflict_organisation_ids,
    )
    return await people_store.get_person(conn, person_id)


async def update_person(
    conn: asyncpg.Connection,
    principal: Principal,
    person_id: int,
    changes: PersonChanges,
    *,
    conflict_organisation_ids: Sequence[int] | None = None,
) -> Person:
    """Change a profile; a changed summary is re-embedded."""
    person = await get_person(conn, principal, person_id)
    merged_from = merged(changes.available_from, person.available_from)
    merged_until = merged(changes.available_until, person.available_until)
    if merged_from and merged_until and merged_from > merged_until:
        raise InvalidInput(
            "available_from must not be after available_until", field="available_until"
        )
    await people_store.update_person(conn, person_id, changes)
    if changes.consent is False:
        await match_rules.consent_withdrawn(conn, principal, person_id)
    if conflict_organisation_ids is not None:
        if person.organisation_id in conflict_organisation_ids:
            raise InvalidInput(
                "a person cannot declare a conflict with their own organisation",
                field="conflict_organisation_ids",
            )
        await people_store.set_conflicts(conn, person_id, conflict_organisation_ids)
        await match_rules.conflicts_declared(conn, principal, person_id, conflict_organisation_ids)
    return await people_store.get_person(conn, person_id)


async def delete_person(conn: asyncpg.Connection, principal: Principal, person_id: int) -> None:
    """Erase a person (AVG/GDPR): profile, documents, vectors, matches and reservations."""
    person = await get_person(conn, principal, person_id)
    await people_store.delete_person(conn, person_id)
    await outbox_store.erase_person(conn, person_id, person.email)  # mail to or naming them


async def add_document(
    conn: asyncpg.Connection, principal: Principal, person_id: int, doc: DocumentInput
) -> Person:
    """Add a track-record item."""
    await get_person(conn, principal, person_id)
    await people_store.add_documents(conn, person_id, [doc])
    return await people_store.get_person(conn, person_id)


async def update_document(
    conn: asyncpg.Connection,
    principal: Principal,
    person_id: int,
    document_id: int,
    doc: DocumentInput,
) -> Person:
    """Replace a track-record item's text."""
    await get_person(conn, principal, person_id)
    await people_store.update_document(conn, person_id, document_id, doc)
    return await people_store.get_person(conn, person_id)


async def delete_document(
    conn: asyncpg.Connection, principal: Principal, person_id: int, document_id: int
) -> None:
    """Remove a track-record item."""
    await get_person(conn, principal, person_id)
    await people_store.delete_document(conn, person_id, document_id)


# Challenges


async def get_challenge(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int
) -> Challenge:
    """Own challenges in any state, others' only while open."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    if (
        not principal.is_staff
        and challenge.organisation_id != principal.organisation_id
        and challenge.status is not ChallengeStatus.open
    ):
        raise NotFound(f"challenge {challenge_id} does not exist")
    return challenge


async def list_challenges(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    limit: int,
    offset: int,
    status: str | None,
    kind: str | None,
    organisation_id: int | None,
    since: datetime | None = None,
    sort: str = "-created",
) -> Page[Challenge]:
    """Challenges the caller may see, created or changed since `since`, in `sort` order."""
    if sort not in challenge_store.CHALLENGE_SORTS:
        raise InvalidInput(
            f"sort must be one of {', '.join(challenge_store.CHALLENGE_SORTS)}", field="sort"
        )
    return await challenge_store.list_challenges(
        conn,
        visible_to_organisation=_scope(principal),
        limit=limit,
        offset=offset,
        status=status,
        kind=kind,
        organisation_id=organisation_id,
        since=since,
        sort=sort,
    )


async def create_challenge(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    organisation_id: int | None,
    challenge: NewChallenge,
) -> Challenge:
    """Post a challenge; it is stored at once and embedded after."""
    check_challenge_fields(
        needed_by=challenge.needed_by,
        starts_on=challenge.starts_on,
        status=challenge.status,
        today=date.today(),
    )
    org = _target_organisation(principal, organisation_id)
    await org_store.lock_organisation(conn, org)
    challenge_id = await challenge_store.insert_challenge(
        conn, organisation_id=org, challenge=challenge
    )
    return await challenge_store.get_challenge(conn, challenge_id)


def require_own_challenge(principal: Principal, challenge: Challenge, *, action: str) -> None:
    """Only the posting organisation and staff pass; others get 403 if the challenge is open
    (they can see it anyway) and 404 otherwise (its existence is not revealed)."""
    if not principal.is_staff and challenge.organisation_id != principal.organisation_id:
        if challenge.status is ChallengeStatus.open:
            raise Forbidden(f"only the organisation that posted a challenge {action}")
        raise NotFound(f"challenge {challenge.id} does not exist")


async def update_challenge(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int, changes: ChallengeChanges
) -> Challenge:
    """Change a challenge; a changed text is re-embedded."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action="may change it")
    starts = merged(changes.starts_on, challenge.starts_on)
    needed = merged(changes.needed_by, challenge.needed_by)
    if starts and needed and starts > needed:
        raise InvalidInput("starts_on must not be after needed_by", field="needed_by")
    check_challenge_fields(
        needed_by=None if isinstance(changes.needed_by, Unset) else changes.needed_by,
        starts_on=starts,
        status=None if isinstance(changes.status, Unset) else changes.status,
        today=date.today(),
    )
    await challenge_store.update_challenge(conn, challenge_id, changes)
    await after_update(conn, challenge_id, changes=changes, before=challenge)
    status = changes.status
    if not isinstance(status, Unset) and status is not ChallengeStatus.open:
        await match_rules.challenge_closed(conn, principal, challenge_id, status)
    return await challenge_store.get_challenge(conn, challenge_id)


async def delete_challenge(
    conn: asyncpg.Connection, principal: Principal, challenge_id: int
) -> None:
    """Delete a challenge with its matches."""
    challenge = await challenge_store.get_challenge(conn, challenge_id)
    require_own_challenge(principal, challenge, action="may change it")
    await challenge_store.delete_challenge(conn, challenge_id)
