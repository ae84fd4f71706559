"""The wall clock, read only by the shell (commands, scheduler, screen): UTC, to the second."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Now, timezone-aware UTC, without microseconds (times are stored to the second)."""
    return datetime.now(UTC).replace(microsecond=0)
