"""Themes of the last quarter's challenges (members see labels, sizes, sectors and growth)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Conn, CurrentPrincipal, EmbedderDep
from matcher.usecases import themes

router = APIRouter(tags=["themes"])


class ThemeSpeakerOut(BaseModel):
    """A candidate speaker for the theme (staff only)."""

    person_id: int
    name: str
    organisation_name: str
    score: float


class SectorCountOut(BaseModel):
    """How many of the theme's challenges come from a sector."""

    sector: str
    challenges: int


class ThemeOut(BaseModel):
    """A theme: a cluster of the quarter's challenges."""

    label: str
    terms: list[str]
    size: int
    previous_size: int
    growth: float | None = Field(description="Relative to the previous quarter; null when new")
    sectors: list[SectorCountOut]
    challenge_titles: list[str] = Field(description="Staff only")
    speakers: list[ThemeSpeakerOut] = Field(description="Staff only")


class ThemesOut(BaseModel):
    """The quarter's themes."""

    since: date
    until: date
    model: str
    themes: list[ThemeOut]


@router.get("/themes", response_model=ThemesOut)
async def list_themes(conn: Conn, principal: CurrentPrincipal, embedder: EmbedderDep) -> ThemesOut:
    """Themes of the last quarter's challenges, with size, sectors, growth (and speakers for staff)."""
    report = await themes.discover_themes(
        conn, principal, model_id=embedder.model_id, today=date.today()
    )
    return ThemesOut(
        since=report.since,
        until=report.until,
        model=embedder.model_id,
        themes=[
            ThemeOut(
                label=t.label,
                terms=t.terms,
                size=t.size,
                previous_size=t.previous_size,
                growth=t.growth,
                sectors=[SectorCountOut(sector=s, challenges=n) for s, n in t.sectors],
                challenge_titles=t.challenge_titles,
                speakers=[
                    ThemeSpeakerOut(
                        person_id=s.person_id,
                        name=s.name,
                        organisation_name=s.organisation_name,
                        score=s.score,
                    )
                    for s in t.speakers
                ],
            )
            for t in report.themes
        ],
    )
