"""Dates as members read them: Dutch month and weekday names (English where chosen)."""

from __future__ import annotations

from datetime import date, datetime

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def long_date(value: date | datetime | None, lang: str = "nl") -> str:
    """'3 december 2026' / '3 December 2026'; empty for no date."""
    if value is None:
        return ""
    months = MONTHS_EN if lang == "en" else MONTHS_NL
    return f"{value.day} {months[value.month - 1]} {value.year}"
