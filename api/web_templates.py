"""The Jinja2 environment of the review pages: autoescaped, strict about missing names."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from api import web_format
from matcher.match_lifecycle import INTRODUCTION_MAX, NOTE_MAX

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        decimal=web_format.decimal,
        hours=web_format.hours,
        percent=web_format.percent,
        day=web_format.day,
        age=web_format.age,
        moment=web_format.moment,
        short_sector=web_format.short_sector,
        evidence_title=web_format.evidence_title,
    )
    env.globals.update(
        kind_labels=web_format.KIND_LABELS,
        state_labels=web_format.STATE_LABELS,
        reason_labels=web_format.REASON_LABELS,
        actor_labels=web_format.ACTOR_LABELS,
        document_kind_labels=web_format.DOCUMENT_KIND_LABELS,
        score_parts=web_format.score_parts,
        capacity_bar=web_format.capacity_bar,
        remaining_lines=web_format.remaining_lines,
        note_max=NOTE_MAX,
        introduction_max=INTRODUCTION_MAX,
    )
    return env


templates = Jinja2Templates(env=_environment())
