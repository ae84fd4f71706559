"""What the log knows: whether it can answer for a place at a time (pure).

The first rule of every answer: **unknown is never "not restricted"**. The log knows a
location's state at a time only when some source that covers the location had complete
polls around that time. This module says which times those are.

* A :class:`Reach` is what one scope of one source answers for: ICAO prefixes (the NATS UK
  bulletin: ``EG``), named locations (the FAA NOTAM Search: the locations it queries),
  circles (an area query), or what a replayed or file source's snapshots held. Each adapter
  says its own (``reach`` of the classes in ``notam_log.sources``).
* A :class:`ScopeHistory` is one scope's polls: every attempt and the complete ones
  (``complete`` or ``unchanged``). Two consecutive complete polls vouch for the time
  between them when they are at most :data:`GAP_FACTOR` poll intervals apart (the
  interval is the scope's usual spacing between attempts, else the configured one); the
  latest complete poll vouches up to ``now`` within the same tolerance. Nothing vouches
  for the future, for the time before the first complete poll (before watching began),
  nor for a gap: a missing hour of bulletins is unknown, whatever came before and after.
* A :class:`LocationCoverage` answers one question (a location, a span or an instant):
  the known windows, the covering scopes, the last complete poll that covered it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from notam_log.core.coverage import GAP_FACTOR
from notam_log.core.display import duration, fmt_time
from notam_log.core.models import iso

#: The interval assumed for a scope with a single poll and no configured interval.
DEFAULT_INTERVAL = timedelta(hours=1)
#: The exit status of a question that nothing covers (documented in the README).
EXIT_UNKNOWN = 3

_EARTH_NM = 3440.065


@dataclass(frozen=True, slots=True)
class Circle:
    """An area a source was asked about: centre in decimal degrees, radius in NM."""

    lat: float
    lon: float
    radius_nm: float

    def contains(self, lat: float, lon: float) -> bool:
        p1, p2 = math.radians(self.lat), math.radians(lat)
        dp, dl = p2 - p1, math.radians(lon - self.lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * _EARTH_NM * math.asin(min(1.0, math.sqrt(a))) <= self.radius_nm


@dataclass(frozen=True, slots=True)
class Reach:
    """The locations one scope of a source answers for (all of their NOTAMs)."""

    prefixes: tuple[str, ...] = ()
    locations: frozenset[str] = frozenset()
    areas: tuple[Circle, ...] = ()
    #: What it is, for people: ``the UK FIRs (EG..)``.
    label: str = ""

    def covers(self, location: str, position: tuple[float, float] | None = None) -> bool:
        loc = location.upper()
        if loc in self.locations or any(loc.startswith(p) for p in self.prefixes):
            return True
        return position is not None and any(c.contains(*position) for c in self.areas)

    @property
    def empty(self) -> bool:
        return not (self.prefixes or self.locations or self.areas)


def held(locations: Iterable[str], label: str = "") -> Reach:
    """The reach of a source known only by what its snapshots held (a replay, a file)."""
    locs = frozenset(loc.upper() for loc in locations if loc)
    return Reach(locations=locs, label=label or f"the {len(locs)} locations its snapshots held")


@dataclass(frozen=True, slots=True)
class ScopeHistory:
    """One source scope: its reach and its polls' start times, sorted."""

    source: str
    scope: str
    reach: Reach
    attempts: tuple[datetime, ...] = ()
    complete: tuple[datetime, ...] = ()
    interval: timedelta | None = None  # as configured, when known

    @property
    def label(self) -> str:
        return f"{self.source} ({self.scope})"

    @property
    def cadence(self) -> timedelta:
        """The scope's poll interval: the median spacing of its attempts (a replayed
        hourly archive polls hourly whatever the configuration says), else the
        configured interval, else an hour."""
        steps = [
            (b - a).total_seconds()
            for a, b in zip(self.attempts, self.attempts[1:], strict=False)
            if b > a
        ]
        if steps:
            return timedelta(seconds=statistics.median(steps))
        return self.interval or DEFAULT_INTERVAL

    @property
    def tolerance(self) -> timedelta:
        return self.cadence * GAP_FACTOR

    def windows(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """The spans its complete polls vouch for, up to ``now`` (see the module doc)."""
        return vouched(self.complete, self.tolerance, now)


def vouched(
    complete: Sequence[datetime], tolerance: timedelta, now: datetime
) -> list[tuple[datetime, datetime]]:
    """Spans between consecutive complete polls at most ``tolerance`` apart, merged; the
    last poll vouches up to ``now`` when ``now`` is within ``tolerance`` of it."""
    times = sorted(t for t in complete if t <= now)
    out: list[tuple[datetime, datetime]] = []
    for a, b in zip(times, times[1:], strict=False):
        if b - a <= tolerance:
            _add(out, a, b)
        else:
            _add(out, a, a)
    if times:
        last = times[-1]
        _add(out, last, now if now - last <= tolerance else last)
    return out


def _add(out: list[tuple[datetime, datetime]], a: datetime, b: datetime) -> None:
    if out and a <= out[-1][1]:
        out[-1] = (out[-1][0], max(out[-1][1], b))
    else:
        out.append((a, b))


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        _add(out, a, b)
    return out


@dataclass(frozen=True, slots=True)
class LocationCoverage:
    """Whether the log can answer for ``location`` over ``since .. until`` (an instant
    when they are equal). ``location`` None asks about every source (no place named)."""

    location: str | None
    since: datetime
    until: datetime
    now: datetime
    #: Known spans (merged, clipped to the question).
    known: tuple[tuple[datetime, datetime], ...] = ()
    #: The scopes that cover the location, whether or not they ever had a complete poll.
    covering: tuple[str, ...] = ()
    #: The covering scopes whose complete polls vouch for part of the question.
    sources: tuple[str, ...] = ()
    #: The last complete poll of a covering scope at or before the question's end.
    last_complete: datetime | None = None
    last_source: str | None = None
    reach: tuple[str, ...] = field(default=(), compare=False)
    #: The complete polls of covering scopes inside the question (time, scope), oldest
    #: first: what saw the location while it lasted, not only around it.
    inside: tuple[tuple[datetime, str], ...] = field(default=(), compare=False)

    @property
    def instant(self) -> bool:
        return self.since == self.until

    @property
    def state(self) -> str:
        """``covered``, ``partly`` or ``unknown``."""
        if not self.known:
            return "unknown"
        if self.instant:
            return "covered"
        return "partly" if self.unknown else "covered"

    @property
    def covered(self) -> bool:
        return self.state == "covered"

    @property
    def unknown(self) -> list[tuple[datetime, datetime]]:
        """The parts of the question no complete poll vouches for."""
        if self.instant:
            return [] if self.known else [(self.since, self.until)]
        return gaps(self.known, self.since, self.until)

    def known_part(self, a: datetime, b: datetime) -> timedelta:
        """How much of ``[a, b)`` is known."""
        return sum(
            (min(b, y) - max(a, x) for x, y in self.known if min(b, y) > max(a, x)),
            timedelta(0),
        )

    def known_at(self, t: datetime) -> bool:
        return any(a <= t <= b for a, b in self.known)

    @property
    def place(self) -> str:
        return self.location or "any source"

    def last_text(self) -> str:
        if self.last_complete is None:
            return "never"
        return f"{fmt_time(self.last_complete)} ({self.last_source})"

    def warning(self) -> str | None:
        """One line when the answer is not fully known; None when it is."""
        if self.state == "covered":
            return None
        if self.state == "partly":
            missing = self.unknown
            total = sum((b - a for a, b in missing), timedelta(0))
            first = missing[0]
            return (
                f"{self.place}: unknown for {duration(total)} of the period, no complete poll"
                f" of a covering source (first {fmt_time(first[0])} to {fmt_time(first[1])})"
            )
        when = (
            f"at {fmt_time(self.since)}"
            if self.instant
            else f"from {fmt_time(self.since)} to {fmt_time(self.until)}"
        )
        if self.location is None:
            return (
                f"unknown {when}: no source had a complete poll then;"
                f" last complete poll: {self.last_text()}"
            )
        why = (
            "no source covers it"
            if not self.covering
            else "no complete poll of a source covering it"
        )
        return (
            f"{self.location}: unknown {when} ({why});"
            f" last complete poll that covered it: {self.last_text()}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "state": self.state,
            "covered": self.covered,
            "since": iso(self.since),
            "until": iso(self.until),
            "sources": list(self.sources),
            "covering": list(self.covering),
            "last_complete": iso(self.last_complete) if self.last_complete else None,
            "last_source": self.last_source,
            "known": [{"start": iso(a), "end": iso(b)} for a, b in self.known],
            "unknown": [{"start": iso(a), "end": iso(b)} for a, b in self.unknown],
        }


def gaps(
    known: Sequence[tuple[datetime, datetime]], since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of ``[since, until)`` outside ``known`` (sorted, merged spans)."""
    out: list[tuple[datetime, datetime]] = []
    cursor = since
    for a, b in known:
        if b <= cursor:
            continue
        if a > cursor:
            out.append((cursor, min(a, until)))
        cursor = max(cursor, b)
        if cursor >= until:
            break
    if cursor < until:
        out.append((cursor, until))
    return [(a, b) for a, b in out if b > a]


def coverage(
    location: str | None,
    scopes: Sequence[ScopeHistory],
    since: datetime,
    until: datetime,
    now: datetime,
    *,
    position: tuple[float, float] | None = None,
) -> LocationCoverage:
    """What the scopes that cover ``location`` (every scope when None) vouch for over
    ``since .. until`` (an instant when equal), as seen at ``now``."""
    mine = [s for s in scopes if location is None or s.reach.covers(location, position)]
    known: list[tuple[datetime, datetime]] = []
    used: list[str] = []
    inside: list[tuple[datetime, str]] = []
    last: tuple[datetime, str] | None = None
    for s in mine:
        spans = _clip(s.windows(now), since, until)
        if spans:
            known.extend(spans)
            used.append(s.label)
        inside.extend((t, s.label) for t in s.complete if since <= t <= min(until, now))
        done = [t for t in s.complete if t <= max(until, since) and t <= now]
        if done and (last is None or done[-1] > last[0]):
            last = (done[-1], s.label)
    return LocationCoverage(
        location=location.upper() if location else None,
        since=since,
        until=until,
        now=now,
        known=tuple(merge(known)),
        covering=tuple(s.label for s in mine),
        sources=tuple(used),
        last_complete=last[0] if last else None,
        last_source=last[1] if last else None,
        reach=tuple(sorted({s.reach.label for s in mine if s.reach.label})),
        inside=tuple(sorted(inside)),
    )


def _clip(
    windows: Sequence[tuple[datetime, datetime]], since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The windows inside the question; a lone complete poll inside it is a known instant."""
    if since == until:
        return [(since, since)] if any(a <= since <= b for a, b in windows) else []
    out = [(max(a, since), min(b, until)) for a, b in windows]
    return [(a, b) for a, b in out if b > a or (a == b and since <= a < until)]


def nothing_covers(answers: Iterable[LocationCoverage]) -> bool:
    """Whether no part of any of the questions is known (the distinct exit status)."""
    items = list(answers)
    return bool(items) and all(a.state == "unknown" for a in items)
