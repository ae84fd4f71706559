"""Restriction episodes in time (pure): the bounds of their duration, and one bar per day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from notam_log.core.models import Episode

WIDTH = 48  # half-hour cells


def day_bars(eps: Sequence[Episode], start: datetime, end: datetime) -> list[str]:
    """``2025-03-21 |....####################################....|`` per day, UTC;
    ``#`` restricted, ``?`` inside a bounded range where it may have been."""
    lines = ["           " + "0     3     6     9     12    15    18    21    "[: WIDTH + 1]]
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    step = timedelta(minutes=30)
    while day < end:
        cells = []
        for i in range(WIDTH):
            a = day + i * step
            b = a + step
            cells.append(_cell(eps, a, b, end))
        lines.append(f"{day:%Y-%m-%d} |{''.join(cells)}|")
        day += timedelta(days=1)
    return lines


def _cell(eps: Sequence[Episode], a: datetime, b: datetime, now: datetime) -> str:
    mark = "."
    for ep in eps:
        s_lo = ep.start_effective or ep.start_after or ep.start_by
        s_hi = ep.start_effective or ep.start_by
        e_hi = ep.end_by or now
        e_lo = ep.end_effective or (ep.end_after if ep.end_by else now) or e_hi
        if ep.end_effective:
            e_hi = ep.end_effective
        if s_hi <= a and b <= e_lo:
            return "#"
        if a < e_hi and b > s_lo:
            mark = "?"
    return mark


def episode_duration(ep: Episode, now: datetime) -> tuple[timedelta, timedelta]:
    """Bounds of an episode's duration: (shortest, longest) consistent with the polls."""
    start_lo = ep.start_after or ep.start_by
    if ep.start_effective and (ep.start_after is None or ep.start_effective > ep.start_after):
        start_lo = start_hi = min(ep.start_effective, ep.start_by)
    else:
        start_hi = ep.start_by
    if ep.end_by is None:
        end_lo = end_hi = now
    elif ep.end_effective and (ep.end_after is None or ep.end_effective > ep.end_after):
        end_lo = end_hi = min(ep.end_effective, ep.end_by)
    else:
        end_lo, end_hi = ep.end_after or ep.end_by, ep.end_by
    return max(end_lo - start_hi, end_lo - end_lo), end_hi - start_lo
