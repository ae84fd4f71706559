"""Periods of time a digest covers: a calendar day in a time zone, or a range (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Period:
    """``since <= t < until``; ``label`` names it for titles and file names."""

    since: datetime
    until: datetime
    label: str
    timezone: str = "UTC"
    kind: str = "day"  # day, range, since-last


def day_period(day: date, tz: str = "UTC") -> Period:
    """One calendar day in ``tz`` (23 or 25 hours on a DST change)."""
    zone = ZoneInfo(tz)
    since = datetime.combine(day, time(0), zone).astimezone(UTC)
    until = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return Period(since, until, day.isoformat(), tz, "day")


def previous_day(now: datetime, tz: str = "UTC") -> Period:
    """Yesterday in ``tz``, as seen at ``now``."""
    return day_period(now.astimezone(ZoneInfo(tz)).date() - timedelta(days=1), tz)


def range_period(since: datetime, until: datetime, tz: str = "UTC", kind: str = "range") -> Period:
    label = f"{_stamp(since)}--{_stamp(until)}"
    return Period(since, until, label, tz, kind)


def _stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H%MZ")
