"""The daily digest: what was closed, restricted or lifted in a period, and how complete
the record is.

Pure: :func:`build` takes the events, episodes, polls and NOTAMs the shell read, the
period and ``now``, and returns a :class:`Digest`; it does no I/O and reads no clock.
Reading the store, writing, delivering and remembering digests is the shell's
(:mod:`notam_log.shell.digests`).

How an event is placed in a period: each change is known only within
``(after, observed_at]``; its best time is the NOTAM's own time (``effective_at``)
when that lies inside the range, else ``observed_at``. So the lifting of Heathrow's
restriction seen by the 00:00Z poll of 22 March, effective 23:59Z, belongs to
21 March. Events from the first complete poll of a scope (``detail.baseline``, or a
restriction with no earlier poll) were already there when watching began: they are
counted apart and never reported as news.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from notam_log.core import announced as an
from notam_log.core import known as cv

# Coverage, Gap and the periods are made in their modules and found here too.
from notam_log.core.coverage import Coverage as Coverage
from notam_log.core.coverage import Gap as Gap
from notam_log.core.coverage import poll_coverage, record_warnings

# The model is in its module and found here too.
from notam_log.core.digest_model import NOTAM_KINDS as NOTAM_KINDS
from notam_log.core.digest_model import Bounded as Bounded
from notam_log.core.digest_model import Digest as Digest
from notam_log.core.digest_model import DigestRecord as DigestRecord
from notam_log.core.digest_model import EpisodeItem as EpisodeItem
from notam_log.core.digest_model import Imposed as Imposed
from notam_log.core.digest_model import Lifted as Lifted
from notam_log.core.digest_model import LocationDigest as LocationDigest
from notam_log.core.digest_model import Notable as Notable
from notam_log.core.digest_model import Overdue as Overdue
from notam_log.core.digest_model import Span as Span
from notam_log.core.display import clean
from notam_log.core.models import (
    DEFAULT_RESTRICTIONS,
    SEVERITY,
    Episode,
    Event,
    NotamRow,
    PollRecord,
    parse_iso,
)
from notam_log.core.periods import Period as Period
from notam_log.core.periods import day_period as day_period
from notam_log.core.periods import previous_day as previous_day
from notam_log.core.periods import range_period as range_period
from notam_log.core.timeline import best_time, episode_duration, horizon, pieces

NOTABLE_LIMIT = 15
OVERDUE_LOOKBACK = timedelta(days=7)
#: How long after a period's end a change seen late may still be placed in it.
LATE_GRACE = timedelta(days=1)
SCHEMA_VERSION = 2


def event_time(ev: Event) -> datetime:
    return best_time(ev.after, ev.observed_at, ev.effective_at)


# --------------------------------------------------------------------------- build (pure)


def build(
    events: Sequence[Event],
    episodes: Sequence[Episode],
    polls: Sequence[PollRecord],
    period: Period,
    now: datetime,
    *,
    locations: Sequence[str] = (),
    notams: Sequence[NotamRow] = (),
    intervals: Mapping[str, float] = {},
    names: Mapping[str, str] = {},
    restrictions: Collection[str] = DEFAULT_RESTRICTIONS,
    late_after: datetime | None = None,
    scopes: Sequence[cv.ScopeHistory] = (),
    positions: Mapping[str, tuple[float, float]] = {},
    announced: Sequence[tuple[an.Announced, an.Verdict]] = (),
) -> Digest:
    """The digest of ``period`` as known at ``now``.

    Args:
        events: the log from ``period.since`` to ``now`` (more is harmless).
        episodes: the restriction episodes that overlap the period.
        polls: the polls from a day before the period to its end.
        locations: the watch list; empty means every location with news.
        notams: NOTAMs for texts and for overdue estimated ends (EST).
        intervals: each configured source's poll interval in seconds.
        names: airport names by location code.
        restrictions: the categories that count as restrictions.
        late_after: also take changes seen after this time that belong before the
            period (``--since-last``: the previous digest's time), so none is lost.
        scopes: every source scope's reach and polls, for each location's coverage
            (a location no scope covers is unknown over the whole period).
        positions: airport positions (lat, lon), for sources that poll areas.
        announced: the announced restrictions, each with its verdict against the NOTAMs
            (``notam_log.shell.announced.judged``, the one source of them); those that
            overlap the period are shown.
    """
    end = min(period.until, now)
    mine = [ev for ev in events if _in_period(ev, period, late_after)]
    texts = _texts(notams)
    anns = _announced_in(announced, period.since, end)
    watched = bool(locations)
    places = (
        [loc.upper() for loc in locations]
        if watched
        else _places_with_news(mine, episodes, anns, period, end)
    )
    by_loc, eps_by_loc = _by_location(mine, episodes, places, period, end)
    overdue = _overdue(notams, period, end)
    covers = {
        loc: cv.coverage(loc, scopes, period.since, period.until, now, position=positions.get(loc))
        for loc in places
    }
    sections = tuple(
        dataclasses.replace(
            _location(
                loc,
                names.get(loc),
                by_loc[loc],
                eps_by_loc.get(loc, []),
                overdue.get(loc, []),
                period,
                end,
                texts,
                restrictions,
            ),
            spans=tuple(
                _spans(eps_by_loc.get(loc, []), period.since, period.until, end, covers[loc])
            ),
            unknown=tuple(_fractions(covers[loc].unknown, period)),
            coverage=covers[loc],
            announced=tuple((a, v) for a, v in anns if a.location == loc),
        )
        for loc in places
    )
    coverage = poll_coverage(polls, events, intervals, period.since, end)
    warnings = record_warnings(coverage, period.until, now) + tuple(
        w for loc in places if (w := covers[loc].warning())
    )
    return Digest(period, now, sections, coverage, warnings, watched)


def _texts(notams: Sequence[NotamRow]) -> dict[str, str]:
    """Each NOTAM's text on one line, by key (the last row of a key wins)."""
    by_key = {row.notam.key: row for row in notams}
    return {k: clean(r.notam.text, one_line=True, limit=200) for k, r in by_key.items()}


def _announced_in(
    announced: Sequence[tuple[an.Announced, an.Verdict]], since: datetime, end: datetime
) -> list[tuple[an.Announced, an.Verdict]]:
    """The announced restriction episodes that overlap ``[since, end)``."""
    return [(a, v) for a, v in announced if a.start < end and (a.end is None or a.end >= since)]


def _places_with_news(
    mine: Sequence[Event],
    episodes: Sequence[Episode],
    anns: Sequence[tuple[an.Announced, an.Verdict]],
    period: Period,
    end: datetime,
) -> list[str]:
    """With no watch list: every location with news in the period, sorted."""
    found: set[str] = set()
    for ev in mine:
        if not ev.baseline and ev.kind not in ("source_down", "source_up"):
            found.update(ev.locations)
    found.update(ep.location for ep in episodes if _overlaps(ep, period.since, end))
    found.update(a.location for a, _v in anns)
    return sorted(found)


def _by_location(
    mine: Sequence[Event],
    episodes: Sequence[Episode],
    places: Sequence[str],
    period: Period,
    end: datetime,
) -> tuple[dict[str, list[Event]], dict[str, list[Episode]]]:
    """The period's events and the overlapping episodes of each of ``places``."""
    by_loc: dict[str, list[Event]] = {p: [] for p in places}
    for ev in mine:
        for loc in ev.locations:
            if loc in by_loc:
                by_loc[loc].append(ev)
    eps_by_loc: dict[str, list[Episode]] = {}
    for ep in episodes:
        if ep.location in by_loc and _overlaps(ep, period.since, end):
            eps_by_loc.setdefault(ep.location, []).append(ep)
    return by_loc, eps_by_loc


def _fractions(spans: Sequence[tuple[datetime, datetime]], period: Period) -> list[Span]:
    """Unknown spans of the period as fractions of it."""
    total = (period.until - period.since).total_seconds()
    return [
        Span(
            round((max(a, period.since) - period.since).total_seconds() / total, 4),
            round((min(b, period.until) - period.since).total_seconds() / total, 4),
            False,
        )
        for a, b in spans
        if min(b, period.until) > max(a, period.since)
    ]


def _in_period(ev: Event, period: Period, late_after: datetime | None) -> bool:
    t = event_time(ev)
    if period.since <= t < period.until:
        return True
    return late_after is not None and t < period.since and ev.observed_at >= late_after


def _overlaps(ep: Episode, since: datetime, end: datetime) -> bool:
    start = best_time(ep.start_after, ep.start_by, ep.start_effective)
    if start >= end:
        return False
    if ep.end_by is None:
        return True
    return best_time(ep.end_after, ep.end_by, ep.end_effective) > since


def _location(
    loc: str,
    name: str | None,
    events: list[Event],
    episodes: list[Episode],
    overdue: list[Overdue],
    period: Period,
    end: datetime,
    texts: Mapping[str, str],
    restrictions: Collection[str],
) -> LocationDigest:
    imposed: list[Imposed] = []
    lifted: list[Lifted] = []
    counts = dict.fromkeys(NOTAM_KINDS, 0)
    baseline = 0
    notable: list[Notable] = []
    for ev in events:
        if ev.baseline:
            baseline += ev.kind == "published"
            continue
        when = Bounded(ev.observed_at, ev.after, ev.effective_at)
        text = texts.get(ev.key or "", "") or clean(
            str(ev.detail.get("text") or ""), one_line=True, limit=200
        )
        if ev.kind == "restriction_imposed":
            imposed.append(Imposed(loc, ev.category or "other", ev.key, ev.id, when, text))
        elif ev.kind == "restriction_lifted":
            began = Bounded(
                _req(ev.detail.get("since_by"), ev.observed_at),
                _opt(ev.detail.get("since_after")),
                _opt(ev.detail.get("since_effective")),
            )
            span = Episode(
                location=loc,
                start_by=began.by,
                start_after=began.after,
                start_effective=began.effective,
                end_by=when.by,
                end_after=when.after,
                end_effective=when.effective,
            )
            lasted = episode_duration(span, end)
            cat = ev.category or "other"
            lifted.append(Lifted(loc, cat, ev.key, ev.id, began, when, lasted, text))
        elif ev.kind in counts:
            counts[ev.kind] += 1
            if (ev.category or "other") in restrictions:
                by = ev.detail.get("by")
                notable.append(
                    Notable(
                        ev.kind, ev.key, ev.id, ev.category, when, text, str(by) if by else None
                    )
                )
    imposed.sort(key=lambda i: (i.when.best, SEVERITY.get(i.category, 99)))
    lifted.sort(key=lambda i: (i.when.best, SEVERITY.get(i.category, 99)))
    notable.sort(key=lambda n: (SEVERITY.get(n.category or "other", 99), n.when.best, n.key or ""))
    items = tuple(_episode_item(ep, end) for ep in episodes)
    return LocationDigest(
        location=loc,
        name=name,
        imposed=tuple(imposed),
        lifted=tuple(lifted),
        episodes=items,
        spans=tuple(_spans(episodes, period.since, period.until, end)),
        counts=counts,
        baseline=baseline,
        notable=tuple(notable[:NOTABLE_LIMIT]),
        notable_more=max(0, len(notable) - NOTABLE_LIMIT),
        overdue=tuple(sorted(overdue, key=lambda o: (o.end, o.key))),
    )


def _episode_item(ep: Episode, end: datetime) -> EpisodeItem:
    began = Bounded(ep.start_by, ep.start_after, ep.start_effective)
    ended: Bounded | None = None
    later: datetime | None = None
    if ep.end_by is not None:
        ended = Bounded(ep.end_by, ep.end_after, ep.end_effective)
        if ended.best >= end:
            later, ended = ended.best, None
    cats = [c for _w, c in ep.categories if _w < end] or [c for _w, c in ep.categories[:1]]
    cut = (
        ep
        if ended is not None
        else dataclasses.replace(ep, end_by=None, end_after=None, end_effective=None)
    )
    return EpisodeItem(
        began=began,
        ended=ended,
        categories=tuple(cats),
        keys=ep.keys,
        lasted=episode_duration(cut, end),
        before_watch=ep.start_after is None,
        lifted_later=later,
    )


def _spans(
    eps: Sequence[Episode],
    since: datetime,
    until: datetime,
    end: datetime,
    cover: cv.LocationCoverage | None = None,
) -> list[Span]:
    """Certain and possible restricted parts of the period, closed or limited, as
    fractions of it (see :func:`notam_log.core.timeline.pieces`); an episode still going
    on is drawn as far as complete polls vouch for (``cover``), not beyond."""
    total = (until - since).total_seconds()
    out: list[Span] = []
    for ep in eps:
        for p in pieces(ep, horizon(ep, cover, end) if cover is not None else end):
            a, b = max(p.start, since), min(p.end, until)
            if b > a:
                out.append(
                    Span(
                        round((a - since).total_seconds() / total, 4),
                        round((b - since).total_seconds() / total, 4),
                        p.certain,
                        p.closed,
                    )
                )
    return out


def _overdue(rows: Sequence[NotamRow], period: Period, end: datetime) -> dict[str, list[Overdue]]:
    """NOTAMs whose estimated end passed with no NOTAMR/NOTAMC by the period's end."""
    answered = {r.notam.ref_key for r in rows if r.notam.type in ("R", "C") and r.first_seen <= end}
    out: dict[str, list[Overdue]] = {}
    for r in rows:
        n = r.notam
        if not n.end_estimated or n.end is None or not period.since - OVERDUE_LOOKBACK <= n.end:
            continue
        if n.end > end or n.key in answered or r.first_seen > end:
            continue
        if r.status in ("replaced", "cancelled", "withdrawn") and (
            r.ended_at is None or r.ended_at <= end
        ):
            continue
        item = Overdue(n.key, n.id, n.category, n.end, clean(n.text, one_line=True, limit=200))
        for loc in n.locations or ((n.fir,) if n.fir else ()):
            out.setdefault(loc, []).append(item)
    return out


def _opt(value: Any) -> datetime | None:
    return parse_iso(value) if isinstance(value, str) else None


def _req(value: Any, default: datetime) -> datetime:
    return _opt(value) or default
