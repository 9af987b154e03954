"""Explanations a programme manager can check in seconds, in Dutch or English."""

from __future__ import annotations

import re
from datetime import date

from matcher.labels import DOCUMENT_KIND_LABELS
from matcher.matching.capacity import challenge_window
from matcher.matching.scoring import ScoredCandidate, fill_shared_terms
from matcher.records import ChallengeQuery

_MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _day(d: date, lang: str) -> str:
    if lang == "nl":
        return f"{d.day} {_MONTHS_NL[d.month - 1]} {d.year}"
    return d.strftime("%d %b %Y")


def _hours(value: float, lang: str = "en") -> str:
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


_SENTENCE_END = re.compile(r"[.!?;:](?=\s)")


def excerpt(text: str, limit: int = 240) -> str:
    """The start of a text, cut at a sentence end or else a word boundary, never mid-word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() <= limit]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]]
    space = head.rfind(" ", 0, limit)
    cut = head[:space] if space > 0 else head[:limit]
    return cut.rstrip(" ,;:-–") + "…"


_ORDINAL_NL = {2: "tweede", 3: "derde", 4: "vierde", 5: "vijfde"}
_ORDINAL_EN = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}

MIN_EVIDENCE_SHARE = 0.05
"""Documents carrying less of the content score than this are not named as evidence."""


def evidence_items(scored: ScoredCandidate, *, limit: int = 3) -> list[dict[str, object]]:
    """The documents that carry the score, with their share of it (machine-readable)."""
    fill_shared_terms(scored, documents=max(limit, 3))
    items: list[dict[str, object]] = []
    for d in scored.docs[:limit]:
        if d.share < MIN_EVIDENCE_SHARE:
            continue
        items.append(
            {
                "document_id": d.doc.document_id,
                "kind": d.doc.kind,
                "title": d.doc.title,
                "excerpt": excerpt(d.doc.body),
                "share": round(d.share, 3),
                "dense": round(d.dense, 4),
                "lexical": round(d.lexical, 4),
                "shared_terms": list(d.shared_terms),
            }
        )
    return items


def explanation_lines(
    scored: ScoredCandidate,
    query: ChallengeQuery,
    *,
    today: date,
    sector_names: tuple[str | None, str | None] = (None, None),
    lang: str = "nl",
    cross_sector_bonus: float | None = None,
) -> list[str]:
    """Sentences: evidence with shares, shared key terms, capacity, sector."""
    nl = lang != "en"
    lang = "nl" if nl else "en"
    kinds = DOCUMENT_KIND_LABELS["nl" if nl else "en"]
    lines: list[str] = []
    for item in evidence_items(scored):
        title = str(item["title"]) or excerpt(str(item["excerpt"]), 60)
        share = round(float(str(item["share"])) * 100)
        kind = kinds.get(str(item["kind"]), str(item["kind"]))
        lines.append(
            f"Bewijs: «{title}» ({kind}), {share}% van de inhoudelijke score."
            if nl
            else f"Evidence: “{title}” ({kind}), {share}% of the content score."
        )
    terms: list[str] = []
    fill_shared_terms(scored)
    for d in scored.docs[:3]:
        for t in d.shared_terms:
            if t not in terms:
                terms.append(t)
    if terms:
        joined = ", ".join(terms[:6])
        lines.append(f"Gedeelde kernbegrippen: {joined}." if nl else f"Shared key terms: {joined}.")
    window = challenge_window(query.starts_on, query.needed_by, today=today)
    free = scored.free_hours or 0.0
    span = f"{_day(window.starts_on, lang)} – {_day(window.ends_on, lang)}"
    if query.hours_needed:
        needed = _hours(query.hours_needed, lang)
        if nl:
            verdict = "genoeg" if free >= query.hours_needed else "niet genoeg"
            lines.append(
                f"Capaciteit: {_hours(free, lang)} uur vrij in {span}; nodig {needed} uur ({verdict})."
            )
        else:
            verdict = "enough" if free >= query.hours_needed else "not enough"
            lines.append(
                f"Capacity: {_hours(free)} hours free in {span}; {needed} needed ({verdict})."
            )
    elif free > 0:
        lines.append(
            f"Capaciteit: {_hours(free, lang)} uur vrij in {span}."
            if nl
            else f"Capacity: {_hours(free)} hours free in {span}."
        )
    else:
        lines.append(
            "Capaciteit: geen vrije uren opgegeven in deze periode."
            if nl
            else "Capacity: no free hours declared in this period."
        )
    own, theirs = sector_names
    if scored.cross_sector:
        # The bonus the score really got; the argument only for candidates scored without one.
        bonus = scored.parts.get("cross_sector_bonus", cross_sector_bonus or 0.0)
        pct = f" (+{round(bonus * 100)}%)" if bonus else ""
        lines.append(f"Cross-sector: {own} → {theirs}{pct}.")
    elif own and theirs:
        lines.append(f"Zelfde sector ({theirs})." if nl else f"Same sector ({theirs}).")
    if scored.speaker_topics_matched:
        topics = ", ".join(scored.speaker_topics_matched[:3])
        lines.append(f"Wil spreken over: {topics}." if nl else f"Willing to speak on: {topics}.")
    elif "willing_to_speak" in scored.features and not scored.features["willing_to_speak"]:
        lines.append(
            "Heeft niet aangegeven te willen spreken." if nl else "Has not said they will speak."
        )
    if scored.placed_as_nth_of_organisation > 1:
        nth = scored.placed_as_nth_of_organisation
        if nl:
            ordinal = _ORDINAL_NL.get(nth, f"{nth}e")
            lines.append(
                f"Staat onder een lagere score: {ordinal} persoon van dezelfde organisatie "
                "in deze lijst (we spreiden over organisaties)."
            )
        else:
            ordinal = _ORDINAL_EN.get(nth, f"{nth}th")
            lines.append(
                f"Placed below a lower score: the {ordinal} person from the same organisation "
                "in this list (we spread suggestions over organisations)."
            )
    if scored.candidate.recent_exposure:
        n = scored.candidate.recent_exposure
        lines.append(
            f"Al {n}× voorgesteld deze week (lichter gewogen)."
            if nl
            else f"Already suggested {n}× this week (weighted down)."
        )
    return lines
