"""Load and validate a labelled evaluation dataset directory.

A dataset directory holds three files:

- ``profiles.jsonl``: one member profile per line, each with its documents;
- ``challenges.jsonl``: one challenge per line;
- ``judgments.tsv``: ``challenge_id<TAB>profile_id<TAB>grade`` with a header line.

Every problem raises :class:`DatasetError` naming the file, the 1-based line and what is
wrong, so a person fixing the data can go straight to it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from matcher.errors import DatasetError

PROFILES_FILE = "profiles.jsonl"
CHALLENGES_FILE = "challenges.jsonl"
JUDGMENTS_FILE = "judgments.tsv"
JUDGMENTS_HEADER = ("challenge_id", "profile_id", "grade")

_DOCUMENTS_MESSAGE = '"documents" must be a list of objects with a non-empty "text"'
_PROFILE_KEYS = frozenset({"id", "name", "organisation", "sector", "region", "documents"})
_CHALLENGE_KEYS = frozenset({"id", "title", "text", "kind", "organisation", "sector"})
_DOCUMENT_KEYS = frozenset({"id", "title", "text"})


@dataclass(frozen=True, slots=True)
class EvalDocument:
    """One text of a profile (a CV, a project description, a web page)."""

    id: str
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class EvalProfile:
    """A member profile as labelled in the dataset; unknown keys are kept in ``extra``."""

    id: str
    name: str | None
    organisation: str | None
    sector: str | None
    region: str | None
    documents: tuple[EvalDocument, ...]
    extra: dict[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class EvalChallenge:
    """A challenge as labelled in the dataset; unknown keys are kept in ``extra``."""

    id: str
    title: str | None
    text: str
    kind: str | None
    organisation: str | None
    sector: str | None
    extra: dict[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Profiles, challenges and graded judgments (challenge id → profile id → grade)."""

    profiles: tuple[EvalProfile, ...]
    challenges: tuple[EvalChallenge, ...]
    judgments: dict[str, dict[str, float]] = field(hash=False)

    def graded_challenges(self) -> tuple[str, ...]:
        """Challenge ids, in file order, with a grade > 0; only these count for ranking metrics."""
        return tuple(
            challenge.id
            for challenge in self.challenges
            if any(grade > 0 for grade in self.judgments.get(challenge.id, {}).values())
        )


def load_dataset(path: Path) -> Dataset:
    """Read and validate the dataset in directory ``path``; raise DatasetError on any problem."""
    if not path.exists():
        raise DatasetError(f"dataset directory {path} does not exist")
    if not path.is_dir():
        raise DatasetError(f"dataset path {path} is not a directory")
    profiles = _load_profiles(path)
    challenges = _load_challenges(path)
    judgments = _load_judgments(
        path,
        challenge_ids={challenge.id for challenge in challenges},
        profile_ids={profile.id for profile in profiles},
    )
    return Dataset(profiles=profiles, challenges=challenges, judgments=judgments)


def _read_lines(directory: Path, name: str) -> list[str]:
    """Return the file's lines (BOM and line endings removed); lines are numbered from 1."""
    file = directory / name
    if not file.is_file():
        raise DatasetError(f"{name}: file is missing from {directory}")
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DatasetError(f"{name} line {line}: not valid UTF-8") from error
    # Split on "\n" only: str.splitlines would also split on U+2028 and friends,
    # which JSON allows unescaped inside strings.
    return [line.removesuffix("\r") for line in text.split("\n")]


def _json_objects(directory: Path, name: str) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (line number, object) for each non-blank line of a JSON Lines file."""
    for number, line in enumerate(_read_lines(directory, name), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(
                f"{name} line {number}: invalid JSON: {error.msg} (column {error.colno})"
            ) from error
        if not isinstance(value, dict):
            raise DatasetError(f"{name} line {number}: expected a JSON object")
        where = _nul_in(value)
        if where is not None:
            # PostgreSQL text cannot hold U+0000; reject it here rather than mid-load.
            raise DatasetError(f"{name} line {number}: {where} contains a NUL character (U+0000)")
        yield number, value


def _nul_in(value: object, path: str = "") -> str | None:
    """Where in a parsed JSON value a string (or key) holds a NUL character, if anywhere."""
    if isinstance(value, str):
        return (f'"{path}"' if path else "a value") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                return "a key"
            found = _nul_in(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value, start=1):
            found = _nul_in(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _identifier(value: object, *, key: str, where: str) -> str:
    """Check an id: a non-empty string that survives a trip through a TSV cell."""
    if (
        not isinstance(value, str)
        or not value
        or value != value.strip()
        or any(char in value for char in "\t\r\n")
    ):
        raise DatasetError(
            f'{where}: "{key}" must be a non-empty string without tabs, line breaks '
            "or surrounding spaces"
        )
    return value


def _text(value: object, *, key: str, where: str) -> str:
    """Check a required text: a string with at least one non-space character."""
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f'{where}: "{key}" must be a non-empty string')
    return value


def _optional(record: Mapping[str, object], key: str, *, where: str) -> str | None:
    """Return an optional string field; absent and null both give None."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise DatasetError(f'{where}: "{key}" must be a string or null')


def _document(value: object, *, position: int, where: str) -> EvalDocument:
    """Validate one element of a profile's "documents" list."""
    if not isinstance(value, dict):
        raise DatasetError(f"{where}: {_DOCUMENTS_MESSAGE} (document {position} is not an object)")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(
            f"{where}: {_DOCUMENTS_MESSAGE} (document {position} has no non-empty text)"
        )
    inner = f"{where}: document {position}"
    return EvalDocument(
        id=_identifier(value.get("id"), key="id", where=inner),
        title=_optional(value, "title", where=inner),
        text=text,
    )


def _load_profiles(directory: Path) -> tuple[EvalProfile, ...]:
    """Read profiles.jsonl."""
    profiles: list[EvalProfile] = []
    first_line: dict[str, int] = {}
    for number, record in _json_objects(directory, PROFILES_FILE):
        where = f"{PROFILES_FILE} line {number}"
        profile_id = _identifier(record.get("id"), key="id", where=where)
        if profile_id in first_line:
            raise DatasetError(
                f'{where}: duplicate id "{profile_id}" (first on line {first_line[profile_id]})'
            )
        first_line[profile_id] = number
        raw_documents = record.get("documents")
        if not isinstance(raw_documents, list):
            raise DatasetError(f"{where}: {_DOCUMENTS_MESSAGE}")
        if not raw_documents:
            raise DatasetError(f'{where}: profile "{profile_id}" has no documents')
        documents = tuple(
            _document(item, position=position, where=where)
            for position, item in enumerate(raw_documents, start=1)
        )
        seen_documents: set[str] = set()
        for document in documents:
            if document.id in seen_documents:
                raise DatasetError(f'{where}: duplicate document id "{document.id}"')
            seen_documents.add(document.id)
        profiles.append(
            EvalProfile(
                id=profile_id,
                name=_optional(record, "name", where=where),
                organisation=_optional(record, "organisation", where=where),
                sector=_optional(record, "sector", where=where),
                region=_optional(record, "region", where=where),
                documents=documents,
                extra={key: value for key, value in record.items() if key not in _PROFILE_KEYS},
            )
        )
    if not profiles:
        raise DatasetError(f"{PROFILES_FILE}: no profiles")
    return tuple(profiles)


def _load_challenges(directory: Path) -> tuple[EvalChallenge, ...]:
    """Read challenges.jsonl."""
    challenges: list[EvalChallenge] = []
    first_line: dict[str, int] = {}
    for number, record in _json_objects(directory, CHALLENGES_FILE):
        where = f"{CHALLENGES_FILE} line {number}"
        challenge_id = _identifier(record.get("id"), key="id", where=where)
        if challenge_id in first_line:
            raise DatasetError(
                f'{where}: duplicate id "{challenge_id}" (first on line {first_line[challenge_id]})'
            )
        first_line[challenge_id] = number
        challenges.append(
            EvalChallenge(
                id=challenge_id,
                title=_optional(record, "title", where=where),
                text=_text(record.get("text"), key="text", where=where),
                kind=_optional(record, "kind", where=where),
                organisation=_optional(record, "organisation", where=where),
                sector=_optional(record, "sector", where=where),
                extra={key: value for key, value in record.items() if key not in _CHALLENGE_KEYS},
            )
        )
    if not challenges:
        raise DatasetError(f"{CHALLENGES_FILE}: no challenges")
    return tuple(challenges)


def _grade(cell: str, *, where: str) -> float:
    """Parse a grade: any finite real number."""
    try:
        grade = float(cell)
    except ValueError:
        grade = math.nan
    if not math.isfinite(grade):
        raise DatasetError(f'{where}: grade "{cell}" is not a finite number')
    return grade


def _load_judgments(
    directory: Path, *, challenge_ids: set[str], profile_ids: set[str]
) -> dict[str, dict[str, float]]:
    """Read judgments.tsv, checking every id against the loaded profiles and challenges."""
    judgments: dict[str, dict[str, float]] = {}
    first_line: dict[tuple[str, str], int] = {}
    header_seen = False
    for number, line in enumerate(_read_lines(directory, JUDGMENTS_FILE), start=1):
        if not line.strip():
            continue
        where = f"{JUDGMENTS_FILE} line {number}"
        if "\x00" in line:
            raise DatasetError(f"{where}: contains a NUL character (U+0000)")
        cells = [cell.strip() for cell in line.split("\t")]
        if not header_seen:
            if tuple(cells) != JUDGMENTS_HEADER:
                raise DatasetError(f"{where}: header must be {', '.join(JUDGMENTS_HEADER)}")
            header_seen = True
            continue
        if len(cells) != len(JUDGMENTS_HEADER):
            raise DatasetError(
                f"{where}: expected {len(JUDGMENTS_HEADER)} tab-separated fields, "
                f"found {len(cells)}"
            )
        challenge_id, profile_id, grade_cell = cells
        if challenge_id not in challenge_ids:
            raise DatasetError(f'{where}: unknown challenge_id "{challenge_id}"')
        if profile_id not in profile_ids:
            raise DatasetError(f'{where}: unknown profile_id "{profile_id}"')
        grade = _grade(grade_cell, where=where)
        pair = (challenge_id, profile_id)
        if pair in first_line:
            raise DatasetError(
                f'{where}: duplicate judgment for challenge "{challenge_id}" and profile '
                f'"{profile_id}" (first on line {first_line[pair]})'
            )
        first_line[pair] = number
        judgments.setdefault(challenge_id, {})[profile_id] = grade
    if not header_seen:
        raise DatasetError(
            f"{JUDGMENTS_FILE} line 1: header must be {', '.join(JUDGMENTS_HEADER)} "
            "(the file is empty)"
        )
    if not judgments:
        raise DatasetError(f"{JUDGMENTS_FILE}: no judgments after the header")
    return judgments
