"""Pure text helpers for display: safe feed text, times, bounded ranges, durations."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notam_log.core.models import Event

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")


def clean(text: str | None, *, one_line: bool = False, limit: int | None = None) -> str:
    """Feed text made safe for a terminal: ANSI and other control characters removed
    (line breaks kept unless ``one_line``). Escape it again for Rich markup or HTML."""
    if not text:
        return ""
    out = _CONTROL.sub("", _ANSI.sub("", text.replace("\r\n", "\n").replace("\t", " ")))
    if one_line:
        out = " ".join(out.split())
    if limit is not None and len(out) > limit:
        out = out[: max(0, limit - 1)] + "…"
    return out


def fmt_time(value: datetime | None, tz: str | None = None, *, date: bool = True) -> str:
    """``2025-03-21 16:00Z`` in UTC, or the local time with its zone abbreviation."""
    if value is None:
        return "?"
    if tz:
        local = value.astimezone(ZoneInfo(tz))
        return local.strftime("%Y-%m-%d %H:%M %Z" if date else "%H:%M %Z")
    return value.strftime("%Y-%m-%d %H:%MZ" if date else "%H:%MZ")


def bounds(after: datetime | None, by: datetime, tz: str | None = None) -> str:
    """A bounded range: ``between 16:00Z and 17:00Z`` (``by 17:00Z`` with no lower bound)."""
    if after is None:
        return f"by {fmt_time(by, tz)}"
    same_day = after.date() == by.date()
    return f"between {fmt_time(after, tz)} and {fmt_time(by, tz, date=not same_day)}"


def duration(delta: timedelta) -> str:
    """``2d 3h 05m``."""
    minutes = max(0, int(delta.total_seconds() // 60))
    d, rem = divmod(minutes, 1440)
    h, m = divmod(rem, 60)
    if d:
        return f"{d}d {h}h {m:02d}m"
    if h:
        return f"{h}h {m:02d}m"
    return f"{m}m"


def duration_range(low: timedelta, high: timedelta) -> str:
    """A duration known only within bounds: ``14h 17m to 15h 17m``."""
    if low == high:
        return duration(low)
    return f"{duration(low)} to {duration(high)}"


def event_line(ev: Event, tz: str | None = None) -> str:
    """One plain line for an event (feed text cleaned, no markup)."""
    where = ",".join(ev.locations) or "-"
    what = ev.kind.replace("_", " ")
    parts = [fmt_time(ev.observed_at, tz), what, where]
    if ev.category:
        parts.append(ev.category)
    if ev.key:
        parts.append(ev.key)
    when = bounds(ev.after, ev.observed_at, tz)
    if ev.effective_at is not None:
        when += f" (effective {fmt_time(ev.effective_at, tz)})"
    parts.append(when)
    extra = ev.detail.get("changed") if ev.kind == "amended" else None
    if extra:
        parts.append("changed: " + ", ".join(str(x) for x in extra))
    if ev.kind in ("replaced", "cancelled") and ev.detail.get("by"):
        parts.append(f"by {ev.detail['by']}")
    if ev.kind.startswith("announced_"):
        name = ev.detail.get("name")
        if name:
            parts.append(f"({clean(str(name), one_line=True, limit=80)} as written)")
        if ev.detail.get("url"):
            parts.append(clean(str(ev.detail["url"]), one_line=True, limit=120))
        if ev.detail.get("issues"):
            parts.append(clean("; ".join(map(str, ev.detail["issues"])), one_line=True, limit=160))
    if ev.kind == "source_down" and ev.detail.get("error"):
        parts.append(clean(str(ev.detail["error"]), one_line=True, limit=160))
    if ev.detail.get("baseline"):
        parts.append("(already in force when watching began)")
    return "  ".join(clean(p, one_line=True) for p in parts)
