"""Import people from the spreadsheets members keep, and export them in the same format.

All or nothing: one wrong row and nothing is stored (unless skip_invalid, which stores the
valid rows and reports the others). People are matched by e-mail address, so importing the
same file twice changes nothing the second time. Runs in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import asyncpg

from matcher.errors import Forbidden, InvalidInput
from matcher.importing.people_sheet import (
    MAX_ROWS,
    PersonRow,
    Problem,
    SheetError,
    TrackRecord,
    parse_sheet,
    read_sheet,
)
from matcher.inputs import (
    UNSET,
    DocumentInput,
    NewPerson,
    PersonChanges,
    changed_fields,
    changes_between,
)
from matcher.records import Person, Principal
from matcher.storage import organisations as org_store
from matcher.storage import people as people_store
from matcher.storage import people_import as store
from matcher.usecases import members

# Documents made from the profile fields themselves, not track-record items of the file.
_DERIVED_KINDS = frozenset({"summary", "speaker_topics"})


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, in a dry run, would do), with every problem by line and field."""

    dry_run: bool
    skip_invalid: bool
    rows: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        """Whether anything was (or would be) stored."""
        return not self.problems or self.skip_invalid

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "imported": self.imported,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "problems": [asdict(p) for p in self.problems],
        }


def _new_person(row: PersonRow) -> NewPerson:
    return NewPerson(
        name=row.name,
        email=row.email,
        role=row.role,
        summary=row.summary,
        capacity_hours_per_month=row.capacity_hours_per_month,
        available_from=row.available_from,
        available_until=row.available_until,
        willing_to_speak=row.willing_to_speak,
        speaker_topics=row.speaker_topics,
        languages=row.languages,
        consent=row.consent,
    )


def _changes(person: Person, row: PersonRow) -> PersonChanges:
    """The profile fields the row changes; an address differing only in case is the same."""
    changes = changes_between(person, row, PersonChanges)
    if changes.email == person.email.lower():
        changes = replace(changes, email=UNSET)
    return changes


def _documents(row: PersonRow, person: Person | None) -> list[DocumentInput]:
    """The row's track record; an item already stored keeps its kind."""
    kinds = {}
    if person is not None:
        kinds = {
            d.text_hash: d.kind.value
            for d in person.documents
            if d.kind.value not in _DERIVED_KINDS
        }
    out = []
    for record in row.track_record:
        doc = DocumentInput(kind="project", title=record.title, body=record.body)
        out.append(DocumentInput(kinds.get(doc.text_hash, "project"), doc.title, doc.body))
    return out


def _same_documents(person: Person, wanted: list[DocumentInput]) -> bool:
    have = {
        (d.kind.value, d.text_hash) for d in person.documents if d.kind.value not in _DERIVED_KINDS
    }
    return have == {(d.kind, d.text_hash) for d in wanted}


async def _organisations(
    conn: asyncpg.Connection, principal: Principal, rows: list[PersonRow]
) -> tuple[dict[str, int], list[Problem]]:
    ids: dict[str, int] = {}
    problems = []
    for row in rows:
        if row.organisation in ids:
            continue
        org = await org_store.organisation_id_by_key_or_name(conn, row.organisation)
        if org is None:
            problems.append(
                Problem(row.line, "organisatie", f"no organisation '{row.organisation}'")
            )
            continue
        ids[row.organisation] = org
    if not principal.is_staff:
        for row in rows:
            org_id = ids.get(row.organisation)
            if org_id is not None and org_id != principal.organisation_id:
                problems.append(
                    Problem(row.line, "organisatie", "a member imports its own people only")
                )
    return ids, problems


async def import_people(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    filename: str,
    data: bytes,
    organisation: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Create or update the people of a .csv/.xlsx file; a per-row report either way."""
    report = ImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        sheet = read_sheet(filename, data)
    except SheetError as exc:
        raise InvalidInput(str(exc), field="file") from exc
    default_org = organisation or ""
    if not default_org and not principal.is_staff and principal.organisation_id is not None:
        default_org = (await org_store.get_organisation(conn, principal.organisation_id)).name
    rows, problems = parse_sheet(sheet, default_org)
    report.rows = len(sheet)
    org_ids, org_problems = await _organisations(conn, principal, rows)
    problems.extend(org_problems)
    existing = await store.person_ids_by_email(conn, [r.email for r in rows])
    for row in rows:
        found = existing.get(row.email)
        org_id = org_ids.get(row.organisation)
        if found is not None and org_id is not None and found[1] != org_id:
            problems.append(
                Problem(row.line, "e-mail", "belongs to a person of another organisation")
            )
    report.problems = sorted(problems, key=lambda p: (p.line, p.field))
    bad_lines = {p.line for p in problems}
    report.skipped = sorted(bad_lines)
    if problems and not skip_invalid:
        return report
    for row in rows:
        if row.line in bad_lines:
            continue
        found = existing.get(row.email)
        if found is None:
            report.created.append(row.line)
            if not dry_run:
                await members.create_person(
                    conn,
                    principal,
                    organisation_id=org_ids[row.organisation],
                    person=_new_person(row),
                    documents=_documents(row, None),
                    conflict_organisation_ids=(),
                )
            continue
        person = await members.get_person(conn, principal, found[0])
        changed = _changes(person, row)
        documents = _documents(row, person)
        if not changed_fields(changed) and _same_documents(person, documents):
            report.unchanged.append(row.line)
            continue
        report.updated.append(row.line)
        if not dry_run:
            if changed_fields(changed):
                await members.update_person(conn, principal, person.id, changed)
            await people_store.sync_documents(conn, person.id, documents)
    return report


async def export_rows(
    conn: asyncpg.Connection, principal: Principal, *, organisation: str | None = None
) -> list[PersonRow]:
    """People in the import format: a member's own, or (staff) everyone or one organisation."""
    org_id: int | None = None
    if organisation:
        org_id = await org_store.organisation_id_by_key_or_name(conn, organisation)
        if org_id is None:
            raise InvalidInput(f"no organisation '{organisation}'", field="org")
    if not principal.is_staff:
        if org_id is not None and org_id != principal.organisation_id:
            raise Forbidden("a member exports its own people only")
        org_id = principal.organisation_id
    page = await people_store.list_people(conn, organisation_id=org_id, limit=MAX_ROWS, offset=0)
    names = await store.organisation_names(conn)
    return [
        PersonRow(
            line=n,
            organisation=names[p.organisation_id],
            name=p.name,
            email=p.email,
            role=p.role,
            summary=p.summary,
            capacity_hours_per_month=p.capacity_hours_per_month,
            available_from=p.available_from,
            available_until=p.available_until,
            willing_to_speak=p.willing_to_speak,
            speaker_topics=p.speaker_topics,
            languages=p.languages,
            consent=p.consent,
            track_record=tuple(
                TrackRecord(d.title, d.body)
                for d in p.documents
                if d.kind.value not in _DERIVED_KINDS
            ),
        )
        for n, p in enumerate(page.items, start=2)
    ]
