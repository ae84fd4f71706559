"""The wall clock, read only by the shell (commands, scheduler, screen, HTTP driver): UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Now, timezone-aware UTC, without microseconds (times are stored to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def instant() -> datetime:
    """Now, timezone-aware UTC, to the microsecond: for scheduling and waiting, never
    for the log."""
    return datetime.now(UTC)
