"""Item D schedules (placeholder until the schedule module lands)."""

from __future__ import annotations

from datetime import datetime

from notam_log.models import Window


def windows(
    item_d: str,
    start: datetime | None,
    end: datetime | None,
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[tuple[Window, ...] | None, str | None]:
    """Item D text -> (UTC windows inside B-C, None) or (None, the reason it cannot be read)."""
    return None, f"schedule not read: {item_d!r}"
