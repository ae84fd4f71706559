"""Times and days as users type them on the command line (pure: ``now`` is passed in).

``--since 7d``, ``--since 36h``, ``--at yesterday``, ``--date today``, ISO 8601 dates and
times (``2025-03-21``, ``2025-03-21T14:00Z``, ``2025-03-21 14:00``; no zone means UTC).
An unreadable value is a :class:`ValueError` whose message names the formats accepted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from notam_log.core.models import parse_iso

#: What a time option accepts, for error messages and --help.
TIME_FORMATS = (
    "an ISO 8601 date or time (2025-03-21, 2025-03-21T14:00Z, '2025-03-21 14:00'; UTC unless"
    " a zone is given), a time ago (90m, 36h, 7d, 2w), today, yesterday or now"
)
#: What a day option accepts.
DAY_FORMATS = "YYYY-MM-DD (2025-03-21), today, yesterday, or days ago (3d)"

_AGO = re.compile(r"(\d{1,7})\s*(m|min|h|d|w)", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_time(text: str, now: datetime) -> datetime:
    """A time: ISO 8601, a duration before ``now``, ``today``/``yesterday`` (00:00Z of
    that UTC day) or ``now``."""
    value = text.strip()
    word = value.lower()
    if word == "now":
        return now
    if word in ("today", "yesterday"):
        return _midnight(parse_day(word, now))
    m = _AGO.fullmatch(value)
    if m:
        try:
            return now - timedelta(**{_UNITS[m.group(2).lower()]: int(m.group(1))})
        except OverflowError:
            raise ValueError(f"{text!r} is too far back") from None
    try:
        parsed = parse_iso(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a time: expected {TIME_FORMATS}")
    return parsed


def parse_day(text: str, now: datetime) -> date:
    """A UTC day: ``YYYY-MM-DD``, ``today``, ``yesterday`` or ``3d`` (three days ago)."""
    value = text.strip().lower()
    today = now.astimezone(UTC).date()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    m = re.fullmatch(r"(\d{1,6})\s*d", value)
    if m:
        try:
            return today - timedelta(days=int(m.group(1)))
        except OverflowError:
            raise ValueError(f"{text!r} is too far back") from None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a day: expected {DAY_FORMATS}") from None
