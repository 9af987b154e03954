"""Cron schedules in a named time zone (pure: no database, no clock of its own)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from matcher.errors import InvalidInput


def validate_schedule(cron: str, time_zone: str) -> None:
    """Raise InvalidInput for a malformed cron expression or an unknown time zone."""
    if not croniter.is_valid(cron):
        raise InvalidInput(f"not a cron expression: {cron!r}")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone: {time_zone!r}") from exc


def next_run(cron: str, time_zone: str, after: datetime) -> datetime:
    """The first time strictly after `after` that the cron expression names, in UTC.

    The expression is read as wall-clock time in `time_zone`, so "0 7 * * 1" stays Monday
    07:00 in Amsterdam across daylight-saving changes.
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    local = after.astimezone(ZoneInfo(time_zone))
    found: datetime = croniter(cron, local).get_next(datetime)
    return found.astimezone(UTC)
