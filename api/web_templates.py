"""The Jinja2 environment of the review pages: autoescaped, strict about missing names."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from api import web_format

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
    )
    env.globals.update(
        kind_labels=web_format.KIND_LABELS,
        state_labels=web_format.STATE_LABELS,
        reason_labels=web_format.REASON_LABELS,
        document_kind_labels=web_format.DOCUMENT_KIND_LABELS,
        score_parts=web_format.score_parts,
        capacity_bar=web_format.capacity_bar,
    )
    return env


templates = Jinja2Templates(env=_environment())
