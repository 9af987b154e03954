"""Mail bodies from Jinja2 templates: HTML with its styles inlined (css-inline) and plain text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import css_inline
import jinja2

from matcher.dates import long_date

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def hours(value: float | None) -> str:
    """Hours without noise: 12, 12,5 (Dutch decimal comma)."""
    if value is None:
        return "0"
    if abs(value - round(value)) < 0.05:
        return f"{value:.0f}"
    return f"{value:.1f}".replace(".", ",")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(long_date=long_date, hours=hours)
    return env


_HTML = _environment(True)
_TEXT = _environment(False)
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def render_many(name: str, contexts: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(HTML with inlined styles, plain text) for each context of template `name`."""
    html_template = _HTML.get_template(f"{name}.html")
    text_template = _TEXT.get_template(f"{name}.txt")
    raw = [html_template.render(**ctx) for ctx in contexts]
    texts = [_tidy(text_template.render(**ctx)) for ctx in contexts]
    return list(zip(_INLINER.inline_many(raw), texts, strict=True))


def render(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(HTML, text) of one message."""
    return render_many(name, [context])[0]


def _tidy(text: str) -> str:
    """At most one blank line in a row, no trailing spaces: templates stay readable."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"
