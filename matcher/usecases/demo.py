"""Load the fictional demo network; running it again changes nothing that did not change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import asyncpg

from matcher.errors import NotFound
from matcher.inputs import (
    ChallengeChanges,
    DocumentInput,
    NewChallenge,
    NewPerson,
    OrganisationChanges,
    PersonChanges,
    changed_fields,
    changes_between,
)
from matcher.records import ChallengeKind, ChallengeStatus, Role
from matcher.storage import challenges as challenge_store
from matcher.storage import keys as key_store
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.usecases.keys import create_key


@dataclass(frozen=True, slots=True)
class DemoKeys:
    """Fresh keys for trying the demo, and what the printed examples need."""

    programme_manager: str
    member: str
    organisation_name: str
    challenge_id: int | None


@dataclass(slots=True)
class DemoReport:
    """Counts of what the load created and changed."""

    organisations_created: int = 0
    people_created: int = 0
    people_changed: int = 0
    challenges_created: int = 0
    challenges_changed: int = 0


def demo_data(name: str) -> Any:
    """One of the demo network's JSON files, parsed."""
    text = (
        resources.files("matcher.demo").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    return json.loads(text)


def _data(name: str) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = demo_data(name)
    return value


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def load_demo(conn: asyncpg.Connection) -> DemoReport:
    """Upsert the demo organisations, people and challenges by their external references."""
    report = DemoReport()
    for sector in _data("sectors.json"):
        await org_store.ensure_sector(conn, code=sector["code"], name=sector["name"])
    org_ids: dict[str, int] = {}
    for org in _data("organisations.json"):
        org_id = await org_store.organisation_id_by_ref(conn, org["key"])
        if org_id is None:
            created = await org_store.create_organisation(
                conn,
                name=org["name"],
                sector_code=org["sector"],
                province=org["province"],
                contact_email=org["contact_email"],
                external_ref=org["key"],
            )
            org_id = created.id
            report.organisations_created += 1
        else:
            wanted = OrganisationChanges(
                name=org["name"],
                sector_code=org["sector"],
                province=org["province"],
                contact_email=org["contact_email"],
            )
            current = await org_store.get_organisation(conn, org_id)
            changes = changes_between(current, wanted, OrganisationChanges)
            if changed_fields(changes):
                await org_store.update_organisation(conn, org_id, changes)
        org_ids[org["key"]] = org_id
    for person in _data("people.json"):
        profile = NewPerson(
            name=person["name"],
            role=person["role"],
            email=person["email"],
            languages=tuple(person["languages"]),
            summary=person["summary"],
            capacity_hours_per_month=float(person["capacity_hours_per_month"]),
            available_from=_date(person.get("available_from")),
            available_until=_date(person.get("available_until")),
            willing_to_speak=bool(person["willing_to_speak"]),
            speaker_topics=tuple(person.get("speaker_topics", [])),
            consent=bool(person["consent"]),
        )
        documents = [
            DocumentInput(kind=d["kind"], title=d.get("title", ""), body=d["text"])
            for d in person["documents"]
        ]
        conflicts = [org_ids[key] for key in person.get("conflicts", [])]
        person_id = await people_store.person_id_by_ref(conn, person["key"])
        if person_id is None:
            await people_store.insert_person(
                conn,
                organisation_id=org_ids[person["organisation"]],
                person=profile,
                documents=documents,
                conflict_organisation_ids=conflicts,
                external_ref=person["key"],
            )
            report.people_created += 1
            continue
        current_person = await people_store.get_person(conn, person_id)
        changed = changes_between(current_person, profile, PersonChanges)
        if changed_fields(changed):
            await people_store.update_person(conn, person_id, changed)
        docs_changed = await people_store.sync_documents(conn, person_id, documents)
        if tuple(sorted(set(conflicts))) != current_person.conflict_organisation_ids:
            await people_store.set_conflicts(conn, person_id, conflicts)
        if changed_fields(changed) or docs_changed:
            report.people_changed += 1
    for challenge in _data("challenges.json"):
        hours = challenge.get("hours_needed")
        new = NewChallenge(
            title=challenge["title"],
            description=challenge["description"],
            kind=ChallengeKind(challenge["kind"]),
            hours_needed=float(hours) if hours is not None else None,
            starts_on=_date(challenge.get("starts_on")),
            needed_by=_date(challenge.get("needed_by")),
            status=ChallengeStatus(challenge.get("status", "open")),
        )
        challenge_id = await challenge_store.challenge_id_by_ref(conn, challenge["key"])
        if challenge_id is None:
            await challenge_store.insert_challenge(
                conn,
                organisation_id=org_ids[challenge["organisation"]],
                challenge=new,
                external_ref=challenge["key"],
            )
            report.challenges_created += 1
            continue
        current_challenge = await challenge_store.get_challenge(conn, challenge_id)
        diff = changes_between(current_challenge, new, ChallengeChanges)
        if changed_fields(diff):
            await challenge_store.update_challenge(conn, challenge_id, diff)
            report.challenges_changed += 1
    return report


DEMO_KEY_LABEL = "demo"


async def issue_demo_keys(conn: asyncpg.Connection) -> DemoKeys:
    """Revoke earlier demo keys; a programme-manager key and a municipality's member key."""
    await key_store.revoke_keys_labelled(conn, DEMO_KEY_LABEL)
    pm = await create_key(
        conn, role=Role.programme_manager, organisation_id=None, label=DEMO_KEY_LABEL
    )
    # A municipality posts most challenges in the demo: its key shows the most.
    org_id = await org_store.busiest_loaded_municipality(conn)
    if org_id is None:
        raise NotFound("the demo network is not loaded")
    member = await create_key(conn, role=Role.member, organisation_id=org_id, label=DEMO_KEY_LABEL)
    organisation = await org_store.get_organisation(conn, org_id)
    return DemoKeys(
        programme_manager=pm,
        member=member,
        organisation_name=organisation.name,
        challenge_id=await challenge_store.first_open_challenge_id(conn, org_id),
    )
