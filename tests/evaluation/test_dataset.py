"""Loading a labelled dataset directory, and every way it can be malformed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from matcher.errors import DatasetError
from matcher.evaluation.dataset import (
    Dataset,
    EvalChallenge,
    EvalDocument,
    EvalProfile,
    load_dataset,
)


def _jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


PROFILE_1 = {
    "id": "p1",
    "name": "Anna de Vries",
    "organisation": "Noordsoft",
    "sector": "software",
    "region": "Groningen",
    "lang": "nl",
    "documents": [{"id": "d1", "title": "CV", "text": "Python en PostgreSQL"}],
}
PROFILE_2 = {
    "id": "p2",
    "region": None,
    "documents": [{"id": "d1", "text": "Netwerkbeheer"}, {"id": "d2", "text": "Cloud"}],
}
CHALLENGE_1 = {
    "id": "c1",
    "title": "Datamigratie",
    "text": "Wij zoeken hulp bij een migratie naar PostgreSQL.",
    "kind": "project",
    "organisation": "Gemeente",
    "sector": "overheid",
    "urgent": True,
}
CHALLENGE_2 = {"id": "c2", "text": "Een netwerk voor een nieuw kantoor."}
CHALLENGE_3 = {"id": "c3", "text": "Nog niet beoordeeld."}
PROFILES = _jsonl(PROFILE_1, PROFILE_2)
CHALLENGES = _jsonl(CHALLENGE_1, CHALLENGE_2, CHALLENGE_3)
JUDGMENTS = "challenge_id\tprofile_id\tgrade\nc1\tp1\t3\nc1\tp2\t0.5\nc2\tp1\t0\n"


def _write(
    directory: Path,
    *,
    profiles: str | bytes | None = PROFILES,
    challenges: str | bytes | None = CHALLENGES,
    judgments: str | bytes | None = JUDGMENTS,
) -> Path:
    """Write a dataset directory; None leaves that file out."""
    directory.mkdir(exist_ok=True)
    files = {
        "profiles.jsonl": profiles,
        "challenges.jsonl": challenges,
        "judgments.tsv": judgments,
    }
    for name, content in files.items():
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (directory / name).write_bytes(data)
    return directory


def _fails(directory: Path, message: str) -> None:
    """Assert loading fails with a message that starts with the given text."""
    with pytest.raises(DatasetError, match="^" + re.escape(message)):
        load_dataset(directory)


# --- a valid dataset ----------------------------------------------------------------


def test_loads_a_valid_dataset(tmp_path: Path) -> None:
    dataset = load_dataset(_write(tmp_path / "ds"))
    assert dataset == Dataset(
        profiles=(
            EvalProfile(
                id="p1",
                name="Anna de Vries",
                organisation="Noordsoft",
                sector="software",
                region="Groningen",
                documents=(EvalDocument(id="d1", title="CV", text="Python en PostgreSQL"),),
                extra={"lang": "nl"},
            ),
            EvalProfile(
                id="p2",
                name=None,
                organisation=None,
                sector=None,
                region=None,
                documents=(
                    EvalDocument(id="d1", title=None, text="Netwerkbeheer"),
                    EvalDocument(id="d2", title=None, text="Cloud"),
                ),
                extra={},
            ),
        ),
        challenges=(
            EvalChallenge(
                id="c1",
                title="Datamigratie",
                text="Wij zoeken hulp bij een migratie naar PostgreSQL.",
                kind="project",
                organisation="Gemeente",
                sector="overheid",
                extra={"urgent": True},
            ),
            EvalChallenge(
                id="c2",
                title=None,
                text="Een netwerk voor een nieuw kantoor.",
                kind=None,
                organisation=None,
                sector=None,
                extra={},
            ),
            EvalChallenge(
                id="c3",
                title=None,
                text="Nog niet beoordeeld.",
                kind=None,
                organisation=None,
                sector=None,
                extra={},
            ),
        ),
        judgments={"c1": {"p1": 3.0, "p2": 0.5}, "c2": {"p1": 0.0}},
    )


def test_graded_challenges_need_a_positive_grade(tmp_path: Path) -> None:
    # c1 has grades 3 and 0.5; c2 only a 0; c3 no judgments at all
    assert load_dataset(_write(tmp_path / "ds")).graded_challenges() == ("c1",)


def test_accepts_bom_crlf_and_blank_lines(tmp_path: Path) -> None:
    bom = "\ufeff"
    directory = _write(
        tmp_path / "ds",
        profiles=bom + PROFILES.replace("\n", "\r\n") + "\r\n",
        challenges=bom + "\n" + CHALLENGES + "  \n",
        judgments=bom + JUDGMENTS.replace("\n", "\r\n\r\n"),
    )
    assert load_dataset(directory) == load_dataset(_write(tmp_path / "plain"))


def test_judgment_grades_may_be_negative_or_fractional(tmp_path: Path) -> None:
    judgments = "challenge_id\tprofile_id\tgrade\nc1\tp1\t-1\nc1\tp2\t2.75\n"
    dataset = load_dataset(_write(tmp_path / "ds", judgments=judgments))
    assert dataset.judgments == {"c1": {"p1": -1.0, "p2": 2.75}}


# --- the directory and its files ----------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    _fails(tmp_path / "nope", f"dataset directory {tmp_path / 'nope'} does not exist")


def test_path_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    _fails(file, f"dataset path {file} is not a directory")


@pytest.mark.parametrize(
    ("missing", "name"),
    [
        ("profiles", "profiles.jsonl"),
        ("challenges", "challenges.jsonl"),
        ("judgments", "judgments.tsv"),
    ],
)
def test_missing_file(tmp_path: Path, missing: str, name: str) -> None:
    directory = _write(tmp_path / "ds", **{missing: None})
    _fails(directory, f"{name}: file is missing from {directory}")


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    challenges = CHALLENGES.encode() + b'{"id": "c4", "text": "caf\xe9"}\n'
    _fails(
        _write(tmp_path / "ds", challenges=challenges), "challenges.jsonl line 4: not valid UTF-8"
    )


# --- JSON Lines ---------------------------------------------------------------------


def test_invalid_json(tmp_path: Path) -> None:
    profiles = PROFILES + '{"id": "p3", "documents": [}\n'
    _fails(_write(tmp_path / "ds", profiles=profiles), "profiles.jsonl line 3: invalid JSON")


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    profiles = "\n" + _jsonl(PROFILE_1) + "\n{broken\n"
    _fails(_write(tmp_path / "ds", profiles=profiles), "profiles.jsonl line 4: invalid JSON")


def test_json_line_that_is_not_an_object(tmp_path: Path) -> None:
    challenges = '["c1", "text"]\n'
    _fails(
        _write(tmp_path / "ds", challenges=challenges),
        "challenges.jsonl line 1: expected a JSON object",
    )


def test_duplicate_profile_id(tmp_path: Path) -> None:
    profiles = PROFILES + _jsonl(PROFILE_1)
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 3: duplicate id "p1" (first on line 1)',
    )


def test_duplicate_challenge_id(tmp_path: Path) -> None:
    challenges = CHALLENGES + _jsonl({"id": "c2", "text": "again"})
    _fails(
        _write(tmp_path / "ds", challenges=challenges),
        'challenges.jsonl line 4: duplicate id "c2" (first on line 2)',
    )


@pytest.mark.parametrize("bad_id", [None, 7, "", " p3", "p\t3"])
def test_bad_profile_id(tmp_path: Path, bad_id: object) -> None:
    profiles = PROFILES + _jsonl({**PROFILE_2, "id": bad_id})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 3: "id" must be a non-empty string',
    )


@pytest.mark.parametrize("text", [None, "", "   ", 12])
def test_challenge_without_text(tmp_path: Path, text: object) -> None:
    challenges = _jsonl(CHALLENGE_1, {"id": "c2", "text": text})
    _fails(
        _write(tmp_path / "ds", challenges=challenges),
        'challenges.jsonl line 2: "text" must be a non-empty string',
    )


@pytest.mark.parametrize(
    "documents",
    [None, "Python", {"text": "Python"}, ["Python"], [{"id": "d1", "text": "  "}], [{"id": "d1"}]],
)
def test_documents_must_be_objects_with_text(tmp_path: Path, documents: object) -> None:
    profiles = _jsonl(PROFILE_1, PROFILE_1 | {"id": "p2", "documents": documents})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 2: "documents" must be a list of objects with a non-empty "text"',
    )


def test_profile_without_documents(tmp_path: Path) -> None:
    profiles = _jsonl(PROFILE_1, {"id": "p2", "documents": []})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 2: profile "p2" has no documents',
    )


def test_document_without_id(tmp_path: Path) -> None:
    profiles = _jsonl({"id": "p1", "documents": [{"id": "d1", "text": "a"}, {"text": "b"}]})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 1: document 2: "id" must be a non-empty string',
    )


def test_duplicate_document_id(tmp_path: Path) -> None:
    documents = [{"id": "d1", "text": "a"}, {"id": "d1", "text": "b"}]
    profiles = _jsonl({"id": "p1", "documents": documents})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 1: duplicate document id "d1"',
    )


@pytest.mark.parametrize("key", ["name", "organisation", "sector", "region"])
def test_optional_profile_field_must_be_a_string(tmp_path: Path, key: str) -> None:
    profiles = _jsonl(PROFILE_1 | {key: 42})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        f'profiles.jsonl line 1: "{key}" must be a string or null',
    )


@pytest.mark.parametrize("key", ["title", "kind", "organisation", "sector"])
def test_optional_challenge_field_must_be_a_string(tmp_path: Path, key: str) -> None:
    challenges = _jsonl(CHALLENGE_1, CHALLENGE_2 | {key: ["x"]})
    _fails(
        _write(tmp_path / "ds", challenges=challenges),
        f'challenges.jsonl line 2: "{key}" must be a string or null',
    )


def test_document_title_must_be_a_string(tmp_path: Path) -> None:
    profiles = _jsonl({"id": "p1", "documents": [{"id": "d1", "title": 1, "text": "a"}]})
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 1: document 1: "title" must be a string or null',
    )


def test_no_profiles(tmp_path: Path) -> None:
    _fails(_write(tmp_path / "ds", profiles="\n"), "profiles.jsonl: no profiles")


def test_no_challenges(tmp_path: Path) -> None:
    _fails(_write(tmp_path / "ds", challenges=""), "challenges.jsonl: no challenges")


# --- judgments.tsv ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["challenge\tprofile\tgrade", "challenge_id,profile_id,grade", "c1\tp1\t3"],
)
def test_judgments_header(tmp_path: Path, header: str) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=header + "\nc1\tp1\t3\n"),
        "judgments.tsv line 1: header must be challenge_id, profile_id, grade",
    )


def test_empty_judgments_file(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=""),
        "judgments.tsv line 1: header must be challenge_id, profile_id, grade",
    )


def test_judgments_header_only(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path / "ds", judgments="challenge_id\tprofile_id\tgrade\n"),
        "judgments.tsv: no judgments",
    )


def test_unknown_profile_id(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=JUDGMENTS + "c2\tp99\t1\n"),
        'judgments.tsv line 5: unknown profile_id "p99"',
    )


def test_unknown_challenge_id(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=JUDGMENTS + "c9\tp1\t1\n"),
        'judgments.tsv line 5: unknown challenge_id "c9"',
    )


@pytest.mark.parametrize("grade", ["high", "", "nan", "inf"])
def test_grade_must_be_a_finite_number(tmp_path: Path, grade: str) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=JUDGMENTS + f"c2\tp2\t{grade}\n"),
        f'judgments.tsv line 5: grade "{grade}" is not a finite number',
    )


@pytest.mark.parametrize(("line", "found"), [("c2\tp2", 2), ("c2\tp2\t1\tnote", 4)])
def test_judgment_field_count(tmp_path: Path, line: str, found: int) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=JUDGMENTS + line + "\n"),
        f"judgments.tsv line 5: expected 3 tab-separated fields, found {found}",
    )


def test_duplicate_judgment(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path / "ds", judgments=JUDGMENTS + "c1\tp2\t1\n"),
        'judgments.tsv line 5: duplicate judgment for challenge "c1" and profile "p2" '
        "(first on line 3)",
    )


# --- NUL characters (PostgreSQL text cannot hold them) ------------------------------


def test_nul_in_a_document_text_names_file_line_and_field(tmp_path: Path) -> None:
    bad = dict(PROFILE_2, documents=[{"id": "d1", "text": "Netwerk\u0000beheer"}])
    profiles = _jsonl(PROFILE_1, bad)
    _fails(
        _write(tmp_path / "ds", profiles=profiles),
        'profiles.jsonl line 2: "documents[1].text" contains a NUL character',
    )


def test_nul_in_a_challenge_extra_field_or_key(tmp_path: Path) -> None:
    challenges = _jsonl(CHALLENGE_1, dict(CHALLENGE_2, note=["ok", "x\u0000"]))
    _fails(
        _write(tmp_path / "ds", challenges=challenges),
        'challenges.jsonl line 2: "note[2]" contains a NUL character',
    )
    challenges = _jsonl(dict(CHALLENGE_1, **{"a\u0000": 1}), CHALLENGE_2)
    _fails(
        _write(tmp_path / "ds2", challenges=challenges),
        "challenges.jsonl line 1: a key contains a NUL character",
    )


def test_nul_in_judgments(tmp_path: Path) -> None:
    judgments = JUDGMENTS + "c2\tp2\x00\t1\n"
    _fails(
        _write(tmp_path / "ds", judgments=judgments),
        "judgments.tsv line 5: contains a NUL character",
    )
