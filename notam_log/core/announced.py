"""Announced restrictions and what the NOTAMs say of them (pure).

An authority's announcements ("restrictions imposed at Izhevsk airport", later "lifted")
are logged as ``announced_imposed`` / ``announced_lifted`` / ``announced_coordination``
events, one per airport per post (``key`` ``CHANNEL/ID``, ``effective_at`` the time the
post states, ``detail.reply_to`` the post it answers); the log makes announced episodes of
them as they arrive (:mod:`notam_log.core.announce`, table ``announced_episodes``), which
every answer reads through :func:`from_logged` (``notam_log.shell.announced.judged``, the
one place). :func:`verdict` compares each with the NOTAM log of that airport over the same
period:

* ``confirmed``: a restriction NOTAM was in force during it (named);
* ``not_in_notams``: no restriction NOTAM, although NOTAM sources that cover the airport
  had complete polls over the whole period, at least one of them *inside* it (a bulletin
  of the day before and one of the day after cannot show a NOTAM of a two-hour closure
  published and cancelled between them);
* ``no_coverage``: no restriction NOTAM and no NOTAM source vouches for the whole period,
  or none polled while it lasted: unknown, never "not restricted".

An announcement repeated while one is open at that airport (another channel, a second
post) joins the open one, so at most one is open per airport and a lift closes it: the one
its post replies to, or else the latest. A coordination post ("flights by
coordination") is not a restriction: it is kept beside the episodes, it neither opens
nor closes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from notam_log.core.display import duration, fmt_time
from notam_log.core.known import LocationCoverage
from notam_log.core.models import AnnouncedEpisode, Episode, Event, iso

ANNOUNCED_KINDS: tuple[str, ...] = (
    "announced_imposed",
    "announced_lifted",
    "announced_coordination",
)
VERDICTS: tuple[str, ...] = ("confirmed", "not_in_notams", "no_coverage")


@dataclass(frozen=True, slots=True)
class Announced:
    """An announced restriction at one airport: from the post that imposed it to the
    one that lifted it (``end`` None while none has)."""

    location: str
    start: datetime
    keys: tuple[str, ...]  # the posts that announced it (CHANNEL/ID), first first
    source: str
    end: datetime | None = None
    end_key: str | None = None
    url: str | None = None
    end_url: str | None = None
    name: str = ""  # the airport as the posts wrote it
    resolved: bool = True  # False: ``location`` is the name, no ICAO code was found
    end_reason: str | None = None  # lifted, or retracted (the post was edited away)
    kinds: tuple[str, ...] = ("imposed",)  # imposed / coordination, in order

    @property
    def open(self) -> bool:
        return self.end is None

    def lasted(self, now: datetime) -> timedelta:
        return max(timedelta(0), (self.end or now) - self.start)

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "start": iso(self.start),
            "end": iso(self.end) if self.end else None,
            "keys": list(self.keys),
            "end_key": self.end_key,
            "source": self.source,
            "url": self.url,
            "end_url": self.end_url,
            "name": self.name,
            "resolved": self.resolved,
            "end_reason": self.end_reason,
            "kinds": list(self.kinds),
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # one of VERDICTS
    notams: tuple[str, ...] = ()  # the restriction NOTAMs that confirm it
    coverage: LocationCoverage | None = None

    @property
    def text(self) -> str:
        if self.kind == "confirmed":
            return f"confirmed by NOTAM {', '.join(self.notams)}"
        cov = self.coverage
        if self.kind == "not_in_notams":
            sources = ", ".join(cov.sources) if cov else ""
            return f"not in the NOTAMs ({sources} had complete polls over it)"
        if cov is not None and cov.state == "partly":
            return "no NOTAM coverage for all of it (unknown)"
        if cov is not None and cov.covered and not cov.inside:
            return "no NOTAM coverage (unknown): no complete poll of a NOTAM source during it"
        return "no NOTAM coverage (unknown)"

    @property
    def short(self) -> str:
        """``confirmed: A1234/25``, ``not in NOTAMs``, ``no NOTAM coverage`` (screens)."""
        if self.kind == "confirmed":
            return "confirmed: " + ", ".join(k.rsplit(":", 1)[-1] for k in self.notams)
        return "not in NOTAMs" if self.kind == "not_in_notams" else "no NOTAM coverage"

    def to_json(self) -> dict[str, Any]:
        cov = self.coverage
        return {
            "verdict": self.kind,
            "notams": list(self.notams),
            "text": self.text,
            "polls_inside": [{"at": iso(t), "scope": s} for t, s in cov.inside] if cov else [],
            "coverage": cov.to_json() if cov else None,
        }


def from_logged(ep: AnnouncedEpisode, source: str = "") -> Announced:
    """An episode as the log recorded it (``announced_episodes``, made by
    :mod:`notam_log.core.announce` as announcements arrive: the source of truth once
    there), in the form the verdicts take."""
    keys = tuple(k for k in ep.keys if k != ep.end_key) or (ep.start_key,)
    kinds = tuple(dict.fromkeys(k for _t, k in ep.states)) or ("imposed",)
    return Announced(
        location=ep.location,
        start=ep.start,
        keys=keys,
        source=source or keys[0].split("/", 1)[0],
        end=ep.end,
        end_key=ep.end_key,
        url=f"https://t.me/{keys[0]}" if "/" in keys[0] else None,
        end_url=f"https://t.me/{ep.end_key}" if ep.end_key and "/" in ep.end_key else None,
        name=ep.name,
        resolved=ep.resolved,
        end_reason=ep.end_reason,
        kinds=kinds,
    )


def event_time(ev: Event) -> datetime:
    """The time the post states, else the post's own time."""
    return ev.effective_at or ev.observed_at


def notam_span(ep: Episode, now: datetime) -> tuple[datetime, datetime]:
    """The widest span a NOTAM episode may have covered, as its polls bound it (the
    NOTAM's own start and end when the polls allow them)."""
    start = ep.start_after or ep.start_by
    if ep.start_effective and (ep.start_after is None or ep.start_effective > ep.start_after):
        start = min(ep.start_effective, ep.start_by)
    if ep.end_by is None:
        return start, now
    end = ep.end_by
    if ep.end_effective and (ep.end_after is None or ep.end_effective > ep.end_after):
        end = min(ep.end_effective, ep.end_by)
    return start, end


def verdict(
    ann: Announced,
    notam_episodes: Sequence[Episode],
    cover: LocationCoverage,
    now: datetime,
) -> Verdict:
    """Compare one announced episode with the NOTAM episodes of its airport and the
    NOTAM coverage of that airport over the same period (``cover``)."""
    a_start, a_end = ann.start, ann.end or now
    keys: list[str] = []
    for ep in notam_episodes:
        if ep.location != ann.location:
            continue
        s, e = notam_span(ep, now)
        if s <= a_end and e > a_start:
            keys.extend(k for k in ep.keys if k not in keys)
    if keys:
        return Verdict("confirmed", tuple(keys), cover)
    if cover.covered and cover.inside:
        return Verdict("not_in_notams", (), cover)
    return Verdict("no_coverage", (), cover)


def line(ann: Announced, v: Verdict | None, now: datetime) -> str:
    """``announced 02:30Z (favt_info/8287), lifted 03:50Z (favt_info/8290), 1h 20m:
    not in the NOTAMs (...)``: one plain line (feed text never enters it)."""
    what = "announced" if "imposed" in ann.kinds else "announced coordination"
    out = f"{what} {fmt_time(ann.start)} ({', '.join(ann.keys) or '?'})"
    if ann.end is None:
        out += f", not lifted (announced {duration(ann.lasted(now))} ago)"
    else:
        how = "retracted" if ann.end_reason == "retracted" else "lifted"
        out += f", {how} {fmt_time(ann.end)} ({ann.end_key or '?'}), {duration(ann.lasted(now))}"
    if v is not None:
        out += f": {v.text}"
    return out


def in_force(anns: Iterable[Announced], at: datetime) -> list[Announced]:
    """The announced restrictions open at ``at``."""
    return [a for a in anns if a.start <= at and (a.end is None or at < a.end)]


def coordination(events: Iterable[Event]) -> Mapping[str, list[Event]]:
    """The coordination posts ("flights by coordination") per airport."""
    out: dict[str, list[Event]] = {}
    for ev in events:
        if ev.kind == "announced_coordination":
            for loc in ev.locations:
                out.setdefault(loc, []).append(ev)
    return out
