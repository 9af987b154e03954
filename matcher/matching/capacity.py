"""Capacity arithmetic: hours a person can give within a challenge's window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_MONTH = 30.44
DEFAULT_WINDOW_DAYS = 91


@dataclass(frozen=True, slots=True)
class Window:
    """The period in which a challenge needs its hours."""

    starts_on: date
    ends_on: date

    @property
    def months(self) -> float:
        """Length in months (at least a day)."""
        return max((self.ends_on - self.starts_on).days + 1, 1) / DAYS_PER_MONTH


def challenge_window(starts_on: date | None, needed_by: date | None, *, today: date) -> Window:
    """From the start (or today) until needed-by (or three months on)."""
    start = starts_on or today
    if needed_by is not None and needed_by < start:
        # A deadline already past still gets a short window so the arithmetic stays defined.
        return Window(needed_by, needed_by)
    end = needed_by or start + timedelta(days=DEFAULT_WINDOW_DAYS)
    return Window(start, end)


def available_hours(
    *,
    hours_per_month: float,
    available_from: date | None,
    available_until: date | None,
    window: Window,
) -> float:
    """Hours in the window where the person's availability overlaps it."""
    start = max(window.starts_on, available_from) if available_from else window.starts_on
    end = min(window.ends_on, available_until) if available_until else window.ends_on
    if end < start or hours_per_month <= 0:
        return 0.0
    overlap = Window(start, end)
    return hours_per_month * overlap.months


def reserved_in_window(reservations: Iterable[tuple[float, date, date]], window: Window) -> float:
    """Hours already held or booked whose period overlaps the window (counted in full)."""
    return sum(h for h, s, e in reservations if s <= window.ends_on and e >= window.starts_on)


def free_hours(
    *,
    hours_per_month: float,
    available_from: date | None,
    available_until: date | None,
    reserved: float,
    window: Window,
) -> float:
    """Available hours in the window after what is already reserved (never negative)."""
    total = available_hours(
        hours_per_month=hours_per_month,
        available_from=available_from,
        available_until=available_until,
        window=window,
    )
    return max(total - reserved, 0.0)
