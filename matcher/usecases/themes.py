"""Themes chosen with the members: the last quarter's challenges clustered, labelled and mapped."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import asyncpg
import numpy as np

from matcher.matching import themes as theme_math
from matcher.records import Principal
from matcher.storage import agenda as agenda_store
from matcher.usecases.programme import LOCAL_TIME
from matcher.usecases.speakers import association_query
from matcher.usecases.suggestions import SuggestionOptions, score_query

QUARTER = timedelta(days=91)


@dataclass(frozen=True, slots=True)
class ThemeSpeaker:
    """A person who could speak on a theme (staff only)."""

    person_id: int
    name: str
    organisation_name: str
    score: float


@dataclass(slots=True)
class Theme:
    """A cluster of the quarter's challenges."""

    index: int
    label: str
    terms: list[str]
    size: int
    previous_size: int
    growth: float | None
    sectors: list[tuple[str, int]]
    challenge_titles: list[str] = field(default_factory=list)
    speakers: list[ThemeSpeaker] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One challenge on the 2-D map."""

    x: float
    y: float
    theme: int
    title: str


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """The quarter's themes, the period they cover and the map."""

    since: date
    until: date
    themes: list[Theme]
    points: list[MapPoint]


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIME)


async def discover_themes(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    model_id: str,
    today: date,
    speakers_per_theme: int = 3,
) -> ThemeReport:
    """Themes of the last 91 days with growth against the 91 before; titles and speakers for staff."""
    until = today + timedelta(days=1)
    since = until - QUARTER
    current = await agenda_store.challenge_vectors_between(
        conn, model_id, _start(since), _start(until)
    )
    previous = await agenda_store.challenge_vectors_between(
        conn, model_id, _start(since - QUARTER), _start(since)
    )
    if not current:
        return ThemeReport(since=since, until=today, themes=[], points=[])
    clustering = await asyncio.to_thread(theme_math.cluster, [c.vector for c in current])
    k = len(clustering.centroids)
    texts: list[list[str]] = [[] for _ in range(k)]
    for c, cluster_id in zip(current, clustering.labels, strict=True):
        texts[cluster_id].append(f"{c.title}. {c.description}")
    terms = theme_math.distinctive_terms(texts)
    earlier = Counter(theme_math.assign([p.vector for p in previous], clustering.centroids))
    themes: list[Theme] = []
    for i in range(k):
        members = [c for c, label in zip(current, clustering.labels, strict=True) if label == i]
        sectors = Counter(c.sector_name or "onbekend" for c in members)
        themes.append(
            Theme(
                index=i,
                label=theme_math.label(terms[i]),
                terms=terms[i],
                size=len(members),
                previous_size=earlier.get(i, 0),
                growth=theme_math.growth(len(members), earlier.get(i, 0)),
                sectors=sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0])),
                challenge_titles=[c.title for c in members] if principal.is_staff else [],
            )
        )
    if principal.is_staff:
        for theme in themes:
            theme.speakers = await _speakers(
                conn,
                theme,
                clustering.centroids[theme.index],
                model_id=model_id,
                today=today,
                top=speakers_per_theme,
            )
    themes.sort(key=lambda t: (-t.size, t.index))
    points = [
        MapPoint(x=x, y=y, theme=label, title=c.title if principal.is_staff else "")
        for c, label, (x, y) in zip(current, clustering.labels, clustering.positions, strict=True)
    ]
    return ThemeReport(since=since, until=today, themes=themes, points=points)


async def _speakers(
    conn: asyncpg.Connection,
    theme: Theme,
    centroid: np.ndarray,
    *,
    model_id: str,
    today: date,
    top: int,
) -> list[ThemeSpeaker]:
    """Willing speakers for a theme, one per organisation, asked on behalf of the association."""
    text = f"{theme.label}. " + ". ".join(theme.challenge_titles[:8])
    scored = await score_query(
        conn,
        association_query(text),
        np.asarray(centroid, dtype=np.float32),
        model_id=model_id,
        today=today,
        config=SuggestionOptions().config,
    )
    out: list[ThemeSpeaker] = []
    seen: set[int | None] = set()
    for s in sorted(scored, key=lambda s: (-s.score, s.candidate.person_id)):
        c = s.candidate
        if not c.willing_to_speak or c.organisation_id in seen:
            continue
        seen.add(c.organisation_id)
        out.append(ThemeSpeaker(c.person_id, c.person_name, c.organisation_name, round(s.score, 4)))
        if len(out) >= top:
            break
    return out
