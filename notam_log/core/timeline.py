"""Drawing restriction episodes as one bar per day (pure)."""

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
