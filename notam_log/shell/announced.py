"""Announced restrictions with their verdicts: the ONE place every answer takes them from.

``timeline``, ``history``, ``active``, ``watch`` and the digest all call :func:`judged`, so
they cannot disagree: the episodes are the ones the log recorded as the announcements
arrived (``announced_episodes``, made by :mod:`notam_log.core.announce`), and each is
judged by :func:`notam_log.core.announced.verdict` against the NOTAM episodes of its
airport and the coverage of that airport over the same period, as of ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from notam_log.core import announced as an
from notam_log.core import known as cv
from notam_log.core.announced import Announced, Verdict
from notam_log.core.config import Config
from notam_log.core.models import AnnouncedEpisode
from notam_log.shell.airports import position_of
from notam_log.shell.coverage import scope_histories
from notam_log.shell.store import Store

Judged = tuple[Announced, Verdict]

#: NOTAM episodes first seen this long after an announced episode may still overlap it
#: (a daily bulletin shows a NOTAM whose own start was the day before).
NOTAM_LATE = timedelta(days=2)
#: Episodes spread over longer than this are judged with the polls of each one's period.
_ONE_READ = timedelta(days=14)


def judged(
    store: Store,
    config: Config,
    now: datetime,
    *,
    locations: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    open_only: bool = False,
) -> list[Judged]:
    """The announced episodes at ``locations`` (every one when empty) that overlap
    ``[since, until)``, oldest first, each with its verdict against the NOTAM log."""
    logged = store.announced_episodes(
        locations=list(locations), since=since, until=until, open_only=open_only
    )
    if not logged:
        return []
    first = min(ep.start for ep in logged)
    last = max(max(ep.end or now, ep.start) for ep in logged)
    shared = scope_histories(store, config, first, last) if last - first <= _ONE_READ else None
    return [_judge(store, config, ep, now, shared) for ep in logged]


def _judge(
    store: Store,
    config: Config,
    ep: AnnouncedEpisode,
    now: datetime,
    shared: Sequence[cv.ScopeHistory] | None,
) -> Judged:
    a = an.from_logged(ep)
    end = max(a.end or now, a.start)
    scopes = shared if shared is not None else scope_histories(store, config, a.start, end)
    position = position_of(a.location) if ep.resolved else None
    cover = cv.coverage(a.location, scopes, a.start, end, now, position=position)
    notams = store.episodes(location=a.location, since=a.start, until=end + NOTAM_LATE)
    return a, an.verdict(a, notams, cover, now)


def in_force(items: Sequence[Judged], at: datetime) -> list[Judged]:
    """The announced restrictions open at ``at``."""
    return [(a, v) for a, v in items if a.start <= at and (a.end is None or at < a.end)]
