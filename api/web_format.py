"""Dutch labels and number, date and bar formatting for the review pages (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from matcher import labels
from matcher.matching.explain import excerpt
from matcher.states import MatchState, RejectionReason

KIND_LABELS = {
    "partner": "Partner gezocht",
    "speaker": "Spreker gezocht",
    "capacity": "Capaciteit (uren)",
    "knowledge": "Kennisvraag",
}

# The states the queue filters on; STATE_LABELS names every state.
STATUS_LABELS: dict[str, str] = {
    MatchState.proposed: "Voorgesteld",
    MatchState.approved: "Goedgekeurd",
    MatchState.introduced: "Geïntroduceerd",
    MatchState.accepted: "Geaccepteerd",
    MatchState.rejected: "Afgewezen",
}

STATE_LABELS: dict[str, str] = {
    **STATUS_LABELS,
    MatchState.declined: "Afgeslagen",
    MatchState.completed: "Afgerond",
    MatchState.cancelled: "Geannuleerd",
    MatchState.withdrawn: "Vervallen",
}

REASON_LABELS: dict[str, str] = {
    RejectionReason.wrong_expertise: "Verkeerde expertise",
    RejectionReason.no_capacity: "Geen capaciteit",
    RejectionReason.conflict: "Belangenconflict",
    RejectionReason.already_connected: "Kennen elkaar al",
    RejectionReason.other: "Andere reden",
}

DOCUMENT_KIND_LABELS = labels.DOCUMENT_KIND_LABELS["nl"]

# Score parts: label, and how the number reads (a base value, a bonus or a multiplying factor).
SCORE_PART_LABELS: dict[str, tuple[str, str]] = {
    "relevance": ("Inhoudelijke relevantie", "value"),
    "organisation_strength": ("Sterkte van het team", "value"),
    "cross_sector_bonus": ("Andere sector", "bonus"),
    "province_bonus": ("Zelfde provincie", "bonus"),
    "capacity_factor": ("Past in capaciteit", "factor"),
    "speaker_factor": ("Spreekbereidheid", "factor"),
    "exposure_factor": ("Recent vaker voorgesteld", "factor"),
    "scorer": ("Score van de matcher", "value"),
    "reranker": ("Geleerde score (uit besluiten)", "value"),
    "score": ("Totaalscore", "value"),
}

ACTOR_LABELS = {
    "matcher": "Matcher",
    "programme_manager": "Programmamanager",
    "admin": "Beheerder",
    "member": "Lid",
}

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")

_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

HEAT_LEVELS = 5


def decimal(value: float | None, places: int = 2) -> str:
    """A number with a Dutch decimal comma; an en dash for None."""
    if value is None:
        return "–"
    return f"{value:.{places}f}".replace(".", ",")


def hours(value: float | None) -> str:
    """Hours without a needless ',0'."""
    if value is None:
        return "–"
    if abs(value - round(value)) < 0.05:
        return str(round(value))
    return decimal(value, 1)


def percent(share: float | None) -> str:
    """A 0..1 share as a whole percentage."""
    if share is None:
        return "–"
    return f"{round(share * 100)}%"


def day(value: date | datetime | None) -> str:
    """A date the Dutch way: 3 mrt 2026."""
    if value is None:
        return "–"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | None) -> str:
    """A timestamp in Dutch local time: 3 mrt 2026, 14:05."""
    if value is None:
        return "–"
    local = value.astimezone(LOCAL_TIME) if value.tzinfo else value
    return f"{day(local)}, {local:%H:%M}"


def age(days: int | float | None) -> str:
    """How long something has been open."""
    if days is None:
        return "–"
    n = int(days)
    if n <= 0:
        return "vandaag"
    return "1 dag" if n == 1 else f"{n} dagen"


def deadline(needed_by: date | None, today: date) -> tuple[str, str]:
    """(text, tone) for a needed-by date: tone is 'late', 'soon' or 'calm'."""
    if needed_by is None:
        return "geen deadline", "calm"
    left = (needed_by - today).days
    if left < 0:
        return f"deadline verstreken ({day(needed_by)})", "late"
    if left == 0:
        return "deadline vandaag", "late"
    if left <= 14:
        return f"nog {left} {'dag' if left == 1 else 'dagen'} (vóór {day(needed_by)})", "soon"
    return f"vóór {day(needed_by)}", "calm"


def score_part(name: str, value: float) -> tuple[str, str]:
    """(label, formatted value) of one score part."""
    label, how = SCORE_PART_LABELS.get(name, (name.replace("_", " "), "value"))
    if how == "bonus":
        return label, f"+{round(value * 100)}%"
    if how == "factor":
        return label, "×" + decimal(value)
    return label, decimal(value)


def score_parts(parts: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """Score parts in a fixed, readable order: (label, value, is_total)."""
    order = list(SCORE_PART_LABELS)
    names = sorted(parts, key=lambda n: (order.index(n) if n in order else len(order), n))
    out: list[tuple[str, str, bool]] = []
    for name in names:
        value = parts[name]
        if not isinstance(value, int | float):
            continue
        label, text = score_part(name, float(value))
        out.append((label, text, name == "score"))
    return out


def capacity_bar(
    free: float | None, capacity: float | None, needed: float | None
) -> dict[str, Any]:
    """Geometry (in % of the track) and wording of the free-capacity bar."""
    free_v = max(float(free or 0.0), 0.0)
    cap_v = max(float(capacity or 0.0), 0.0)
    need_v = float(needed) if needed else None
    scale = max(cap_v, free_v, need_v or 0.0)
    fill = 0.0 if scale <= 0 else min(free_v / scale, 1.0) * 100
    marker = None if (need_v is None or scale <= 0) else min(need_v / scale, 1.0) * 100
    if cap_v <= 0 and free_v <= 0:
        text = "Geen vrije capaciteit opgegeven."
    else:
        text = f"{hours(free_v)} van {hours(cap_v)} uur vrij"
        text += f"; nodig {hours(need_v)} uur." if need_v else "."
    if need_v is None:
        tone = "ok" if free_v > 0 else "none"
    else:
        tone = "ok" if free_v >= need_v else ("short" if free_v > 0 else "none")
    return {
        "fill": round(fill, 1),
        "marker": None if marker is None else round(marker, 1),
        "text": text,
        "tone": tone,
    }


def short_sector(name: str) -> str:
    """A column-width label: the first word ("ICT-dienstverlening" -> "ICT")."""
    first = name.split()[0] if name.split() else name
    return first.split("-")[0] or name


def evidence_title(item: Mapping[str, Any], limit: int = 70) -> str:
    """An evidence item's title, or the start of its text cut at a sentence end or a word."""
    title = str(item.get("title") or "").strip()
    if title:
        return title
    return excerpt(str(item.get("excerpt") or ""), limit).rstrip(".")


# Explanation sentences the page already shows as structured blocks (evidence, capacity, sectors).
_SHOWN_ELSEWHERE = (
    "Bewijs:",
    "Evidence:",
    "Capaciteit:",
    "Capacity:",
    "Cross-sector:",
    "Zelfde sector",
    "Same sector",
)


def remaining_lines(explanation: Mapping[str, Any]) -> list[str]:
    """The explanation lines that add something to the evidence, score and capacity blocks."""
    lines = [str(line) for line in explanation.get("lines", [])]
    return [line for line in lines if not line.startswith(_SHOWN_ELSEWHERE)]


def heat_level(count: int, maximum: int) -> int:
    """0 for no links, else 1..HEAT_LEVELS by share of the busiest cell."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(count / maximum * HEAT_LEVELS)))
