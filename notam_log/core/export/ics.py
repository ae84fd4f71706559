"""Restriction episodes and planned closures as an iCalendar (RFC 5545), with ``icalendar``.

* One event per restriction episode, past or in force. Its start and end are the best
  estimates (the NOTAM's own time where the polls allow it, else the poll that showed the
  change); the bounds, the NOTAM ids and their texts are in the description. An episode
  still in force ends, in the calendar, at the time the calendar was written, and says so.
* For each restriction NOTAM given as planned, one event per item D window (or its B-C
  interval when it has none) that has not ended: marked ``STATUS:TENTATIVE``, category
  ``planned`` and a summary that starts with "Planned".

UIDs are stable (the location and the poll that first showed the episode; the NOTAM key
and the window's start), so a subscribed calendar updates its events instead of adding
copies. Pure: ``now`` comes in as an argument.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as VEvent

from notam_log import __version__
from notam_log.core.display import bounds, clean, fmt_time
from notam_log.core.export.geometry import valid_position
from notam_log.core.models import Episode, Notam
from notam_log.core.timeline import best_time
from notam_log.core.validity import windows

PRODID = f"-//notam-log//notam-log {__version__}//EN"
_SAFE = re.compile(r"[A-Z0-9][A-Z0-9:/._-]{0,39}")

#: ICAO code -> (latitude, longitude), or None when unknown.
Positions = Callable[[str], tuple[float, float] | None]


def calendar(
    episodes: Sequence[Episode],
    planned: Sequence[Notam],
    now: datetime,
    *,
    notams: Mapping[str, Notam] | None = None,
    names: Mapping[str, str] | None = None,
    position: Positions | None = None,
    name: str = "notam-log: closures and restrictions",
) -> bytes:
    """The calendar as RFC 5545 bytes (CRLF lines, folded at 75 octets)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean(name, one_line=True))
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    texts = notams or {}
    for ep in episodes:
        cal.add_component(_episode(ep, now, texts, names or {}, position))
    for n in planned:
        for start, end in _planned_windows(n, now):
            cal.add_component(_planned(n, start, end, now, names or {}, position))
    return bytes(cal.to_ical())


def _episode(
    ep: Episode,
    now: datetime,
    texts: Mapping[str, Notam],
    names: Mapping[str, str],
    position: Positions | None,
) -> VEvent:
    start = best_time(ep.start_after, ep.start_by, ep.start_effective)
    cats = [c for _, c in ep.categories]
    place = _place(ep.location, names)
    what = " → ".join(_words(c) for c in _dedupe(cats)) or "restricted"
    lines = [f"{place}: {what}.", f"Began {_began(ep)}."]
    if ep.end_by is None:
        end = max(now, start)
        lines.append(
            f"Still in force when this calendar was written ({fmt_time(now)});"
            " its end is not known yet, so this event ends then."
        )
        summary = f"{place}: {what} (in force)"
    else:
        end = max(best_time(ep.end_after, ep.end_by, ep.end_effective), start)
        lines.append(f"Ended {_ended(ep)}.")
        summary = f"{place}: {what}"
    lines.append("")
    lines.append("NOTAMs:")
    for key in ep.keys:
        lines.extend(_notam_lines(key, texts.get(key)))
    ev = VEvent()
    ev.add("uid", _uid("episode", ep.location, ep.start_by))
    ev.add("dtstamp", now)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("summary", clean(summary, one_line=True))
    ev.add("description", clean("\n".join(lines)))
    ev.add("location", clean(place, one_line=True))
    ev.add("status", "CONFIRMED")
    ev.add("categories", [*_dedupe(cats), "episode"])
    ev.add("transp", "TRANSPARENT")
    _geo(ev, ep.location, position)
    return ev


def _planned(
    n: Notam,
    start: datetime,
    end: datetime | None,
    now: datetime,
    names: Mapping[str, str],
    position: Positions | None,
) -> VEvent:
    place = ", ".join(_place(loc, names) for loc in n.locations) or (n.fir or "?")
    label = n.id or n.key
    summary = f"Planned: {place}: {_words(n.category)} ({label})"
    lines = [
        f"Planned by NOTAM {label} ({n.key}): {_words(n.category)} at {place}.",
        "As the NOTAM gives it; not an observation of the log.",
    ]
    if n.schedule:
        lines.append(f"Schedule (item D): {n.schedule}")
    if end is None:
        lines.append("No end given (" + ("PERM" if n.permanent else "no item C") + ").")
    elif n.end_estimated and n.end is not None and end >= n.end:
        lines.append("The end is estimated (EST).")
    lines += ["", clean(n.text)]
    ev = VEvent()
    ev.add("uid", _uid("planned", n.key, start))
    ev.add("dtstamp", now)
    ev.add("dtstart", start)
    if end is not None:
        ev.add("dtend", max(end, start))
    ev.add("summary", clean(summary, one_line=True))
    ev.add("description", clean("\n".join(lines)))
    ev.add("location", clean(place, one_line=True))
    ev.add("status", "TENTATIVE")
    ev.add("categories", [n.category, "planned"])
    ev.add("transp", "TRANSPARENT")
    if n.locations:
        _geo(ev, n.locations[0], position)
    return ev


def _planned_windows(n: Notam, now: datetime) -> list[tuple[datetime, datetime | None]]:
    """The item D windows (or the B-C interval) that have not ended at ``now``."""
    if n.start is None:
        return []
    spans: list[tuple[datetime, datetime | None]]
    found = windows(n)
    spans = list(found) if found is not None else [(n.start, n.end)]
    return [(a, b) for a, b in spans if b is None or b > now]


def _began(ep: Episode) -> str:
    text = bounds(ep.start_after, ep.start_by)
    if ep.start_effective is not None:
        text += f" (the NOTAM says {fmt_time(ep.start_effective)})"
    return text


def _ended(ep: Episode) -> str:
    assert ep.end_by is not None
    text = bounds(ep.end_after, ep.end_by)
    if ep.end_effective is not None:
        text += f" (the NOTAM says {fmt_time(ep.end_effective)})"
    return text


def _notam_lines(key: str, n: Notam | None) -> list[str]:
    if n is None:
        return [f"- {key}: (its text is not in the log)"]
    return [f"- {n.id or key} ({key}): {clean(n.text)}"]


def _geo(ev: VEvent, location: str, position: Positions | None) -> None:
    pos = position(location) if position is not None else None
    if pos is not None and valid_position(*pos):
        ev.add("geo", (round(pos[0], 6), round(pos[1], 6)))


def _uid(kind: str, ident: str, t: datetime) -> str:
    """``episode-EGLL-20250321T020000Z@notam-log``; feed text that is no plain code
    is replaced by a hash of it."""
    safe = ident if _SAFE.fullmatch(ident) else hashlib.sha1(ident.encode()).hexdigest()[:16]
    return f"{kind}-{safe}-{t.astimezone(UTC):%Y%m%dT%H%M%SZ}@notam-log"


def _place(location: str, names: Mapping[str, str]) -> str:
    name = names.get(location)
    return f"{location} {name}" if name else location


def _words(category: str) -> str:
    return category.replace("_", " ")


def _dedupe(items: Sequence[str]) -> list[str]:
    out: list[str] = []
    for x in items:
        if not out or out[-1] != x:
            out.append(x)
    return out
