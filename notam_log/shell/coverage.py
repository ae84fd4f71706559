"""Coverage from the log: each source scope's reach and polls, read from the store and the
configuration, for :mod:`notam_log.core.coverage` to judge (the wiring; no SQL here)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta

from notam_log.core import known as cv
from notam_log.core.config import Config, SourceConfig
from notam_log.core.errors import NotamLogError
from notam_log.shell.airports import position_of
from notam_log.shell.store import Store
from notam_log.sources import build_source, reach_of

#: Polls read before a question's start, so that each scope's usual spacing is known.
LOOKBACK = timedelta(days=2)


def scope_histories(
    store: Store, config: Config, since: datetime, until: datetime
) -> list[cv.ScopeHistory]:
    """Every scope the log polled (or the configuration polls), its reach and its polls
    around ``since .. until``."""
    polls = store.scope_polls(since - LOOKBACK, until + LOOKBACK)
    configured = {s.name: s for s in config.sources}
    for enabled in config.sources:
        if enabled.enabled:
            for scope in _scopes(enabled):
                polls.setdefault((enabled.name, scope), [])
    out = []
    for (source, scope), rows in sorted(polls.items()):
        cfg = configured.get(source)
        reach = reach_of(cfg, scope) if cfg is not None else None
        if reach is None:
            reach = cv.held(store.scope_locations(source, scope))
        out.append(
            cv.ScopeHistory(
                source=source,
                scope=scope,
                reach=reach,
                attempts=tuple(t for t, _good in rows if t >= since - LOOKBACK),
                complete=tuple(t for t, good in rows if good),
                interval=timedelta(seconds=cfg.interval) if cfg is not None else None,
            )
        )
    return out


def _scopes(cfg: SourceConfig) -> tuple[str, ...]:
    """The scopes a configured source polls (its locations when it cannot be built here,
    for want of a credential)."""
    try:
        return build_source(cfg, os.environ).scopes()
    except NotamLogError:
        return tuple(loc.upper() for loc in cfg.locations)


def covers(
    store: Store,
    config: Config,
    locations: Sequence[str | None],
    since: datetime,
    until: datetime,
    now: datetime,
) -> list[cv.LocationCoverage]:
    """The coverage of each location (None: of any source) over ``since .. until``."""
    scopes = scope_histories(store, config, min(since, until), max(since, until))
    return [
        cv.coverage(loc, scopes, since, until, now, position=position_of(loc) if loc else None)
        for loc in locations
    ]
