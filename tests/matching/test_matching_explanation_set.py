"""The explanation test set: demo challenge–person pairs with the shared terms a person accepts.

For each pair the explanation is made by the production scorer and explainer from the demo
texts, with document frequencies over the whole demo network. Every shown term must be a
word found in both texts and one the person would accept as shared expertise.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.matching.explain import explanation_lines
from matcher.matching.lexical import LexicalStats
from matcher.matching.scoring import ScoringConfig
from matcher.matching.terms import fold, in_both_texts, surface_words
from matcher.records import document_text
from tests.matching.matching_helpers import TODAY, candidate, doc, query, score

PAIRS = json.loads((Path(__file__).parent / "explanation_pairs.json").read_text(encoding="utf-8"))
PREFIX_NL = "Gedeelde kernbegrippen: "


def _demo(name: str) -> list[dict[str, Any]]:
    text = resources.files("matcher.demo").joinpath("data", name).read_text(encoding="utf-8")
    value: list[dict[str, Any]] = json.loads(text)
    return value


def _person_texts(person: dict[str, Any]) -> list[tuple[str, str]]:
    return [("", person["summary"])] + [
        (d.get("title") or "", d["text"]) for d in person["documents"]
    ]


@cache
def _corpus() -> tuple[dict[str, Any], dict[str, Any], LexicalStats]:
    people = {p["key"]: p for p in _demo("people.json")}
    challenges = {c["key"]: c for c in _demo("challenges.json")}
    frequency: Counter[str] = Counter()
    texts = [document_text(t, b) for p in people.values() for t, b in _person_texts(p)]
    for text in texts:
        frequency.update({fold(w) for w in surface_words(text)})
    return people, challenges, LexicalStats(documents=len(texts), document_frequency=frequency)


def test_the_set_has_about_twenty_pairs() -> None:
    assert len(PAIRS) >= 20
    people, challenges, _ = _corpus()
    assert all(p["challenge"] in challenges and p["person"] in people for p in PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p['challenge']}~{p['person']}")
def test_shown_terms_are_accepted_words_of_both_texts(pair: dict[str, Any]) -> None:
    people, challenges, stats = _corpus()
    challenge = challenges[pair["challenge"]]
    person = people[pair["person"]]
    text = f"{challenge['title']}. {challenge['description']}"
    q = query(text)
    docs = [doc(body, title=title, dense=0.5) for title, body in _person_texts(person)]
    lexemes = tuple(dict.fromkeys(fold(w) for w in surface_words(text)))
    scored = score(
        q, [candidate(1, documents=docs)], ScoringConfig(), query_lexemes=lexemes, stats=stats
    )
    lines = explanation_lines(scored[1], q, today=TODAY, lang="nl")
    shown_line = next((line for line in lines if line.startswith(PREFIX_NL)), None)
    assert shown_line is not None, "no shared terms shown"
    shown = shown_line.removeprefix(PREFIX_NL).removesuffix(".").split(", ")
    person_text = " ".join(document_text(t, b) for t, b in _person_texts(person))
    for term in shown:
        assert in_both_texts(term, text, person_text), term
    assert set(shown) <= set(pair["accepted"])
