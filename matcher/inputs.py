"""Typed inputs that cross from use-cases to storage: new records and partial changes.

A field of a *Changes class left at UNSET is not touched; None, where a field allows it, clears
the column. The storage layer turns the set fields into an UPDATE through one helper
(`matcher.storage.sql.set_clause`), so the column names always come from these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, Final, Protocol, TypeVar

from embeddings.base import text_hash
from matcher.records import ChallengeKind, ChallengeStatus, document_text


class Unset(Enum):
    """The type of UNSET: a field that a partial change leaves as it is."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET

T = TypeVar("T")


class _Dataclass(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]


C = TypeVar("C", bound=_Dataclass)


def or_unset(value: T | None) -> T | Unset:
    """UNSET for None: for the patch fields where null means 'leave as it is'."""
    return UNSET if value is None else value


def merged(change: T | Unset, current: T) -> T:
    """The value after a partial change: the change when given, else the current value."""
    return current if isinstance(change, Unset) else change


def changed_fields(changes: _Dataclass) -> dict[str, object]:
    """The fields of a changes instance that are set (not UNSET), by name, in class order."""
    out: dict[str, object] = {}
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is not UNSET:
            out[f.name] = value
    return out


def changes_between(current: object, wanted: object, into: type[C]) -> C:
    """The changes (of class into) that turn current into wanted: the fields that differ.

    Fields of into that wanted lacks or leaves UNSET are not compared.
    """
    diff: dict[str, Any] = {}
    for f in fields(into):
        value = getattr(wanted, f.name, UNSET)
        if value is not UNSET and value != getattr(current, f.name):
            diff[f.name] = value
    return into(**diff)


# Organisations


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationChanges:
    """Columns of an organisation to change."""

    name: str | Unset = UNSET
    sector_code: str | Unset = UNSET
    province: str | Unset = UNSET
    contact_email: str | Unset = UNSET


# People


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """A track-record item as a member sends it."""

    kind: str
    title: str
    body: str

    @property
    def text_hash(self) -> str:
        """Hash of the text that is embedded."""
        return text_hash(document_text(self.title, self.body))


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPerson:
    """A staff profile as it is first stored (documents and conflicts go beside it)."""

    name: str
    email: str
    role: str = ""
    languages: tuple[str, ...] = ()
    summary: str = ""
    capacity_hours_per_month: float = 0.0
    available_from: date | None = None
    available_until: date | None = None
    willing_to_speak: bool = False
    speaker_topics: tuple[str, ...] = ()
    consent: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonChanges:
    """Profile fields to change; None clears the availability dates."""

    name: str | Unset = UNSET
    role: str | Unset = UNSET
    email: str | Unset = UNSET
    languages: tuple[str, ...] | Unset = UNSET
    summary: str | Unset = UNSET
    capacity_hours_per_month: float | Unset = UNSET
    available_from: date | Unset | None = UNSET
    available_until: date | Unset | None = UNSET
    willing_to_speak: bool | Unset = UNSET
    speaker_topics: tuple[str, ...] | Unset = UNSET
    consent: bool | Unset = UNSET


# Challenges


@dataclass(frozen=True, slots=True, kw_only=True)
class NewChallenge:
    """A challenge as a member first posts it."""

    title: str
    description: str
    kind: ChallengeKind
    hours_needed: float | None = None
    starts_on: date | None = None
    needed_by: date | None = None
    status: ChallengeStatus = ChallengeStatus.open


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeChanges:
    """Challenge fields to change; None clears hours and dates."""

    title: str | Unset = UNSET
    description: str | Unset = UNSET
    kind: ChallengeKind | Unset = UNSET
    hours_needed: float | Unset | None = UNSET
    starts_on: date | Unset | None = UNSET
    needed_by: date | Unset | None = UNSET
    status: ChallengeStatus | Unset = UNSET


# Events


@dataclass(frozen=True, slots=True, kw_only=True)
class EventChanges:
    """What the programme manager may change on an event."""

    theme: str | Unset = UNSET
    description: str | Unset = UNSET
    starts_at: datetime | Unset = UNSET
    ends_at: datetime | Unset = UNSET
    place: str | Unset = UNSET
    online: bool | Unset = UNSET
    speaker_slots: int | Unset = UNSET
