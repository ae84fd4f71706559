"""Exports of the log: what each one reads from the store, and the files written.

The builders are pure (``core/export``); this module chooses the rows (the same filters
as ``events``), adds aerodrome names and positions, and writes files atomically (a
temporary file renamed over the old one, so that a web server or a calendar client never
reads half a file), leaving a file untouched when its bytes did not change.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from notam_log.core.display import fmt_time
from notam_log.core.errors import NotamLogError
from notam_log.core.export import atom, geojson, ics
from notam_log.core.models import Episode, Notam
from notam_log.core.places import Area
from notam_log.core.timeline import best_time
from notam_log.core.validity import windows
from notam_log.shell import airports
from notam_log.shell.store import Store
from notam_log.shell.store.queries import active

logger = logging.getLogger(__name__)

#: The files ``run`` keeps current in the ``[export]`` folder.
FEED, CALENDAR, GEOJSON = "feed.atom", "closures.ics", "notams.geojson"


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of ``events``: locations, categories, restrictions only, a period."""

    locations: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    restrictions: bool = False
    since: datetime | None = None
    until: datetime | None = None
    kinds: tuple[str, ...] = ()
    area: Area | None = None  # --near

    def notam(self, n: Notam) -> bool:
        if self.area is not None and not self.area.holds_notam(n):
            return False
        if self.restrictions and not n.restriction:
            return False
        if self.categories and n.category not in self.categories:
            return False
        places = set(n.locations or ((n.fir,) if n.fir else ()))
        return not self.locations or bool(places & set(self.locations))

    def episode(self, ep: Episode) -> bool:
        if self.area is not None and not self.area.holds_episode(ep):
            return False
        if self.locations and ep.location not in self.locations:
            return False
        return not self.categories or any(c in self.categories for _, c in ep.categories)


def names_for(locations: Sequence[str]) -> dict[str, str]:
    return {loc: name for loc in set(locations) if (name := airports.name_of(loc))}


# --------------------------------------------------------------------------- GeoJSON


def collection_at(store: Store, at: datetime, f: Filters) -> dict[str, Any]:
    """NOTAMs in force at ``at`` and the restriction episodes going on then."""
    rows = active(
        store,
        at,
        restrictions=f.restrictions,
        locations=list(f.locations),
        categories=f.categories,
        area=f.area,
    )
    items = [geojson.NotamItem(r.notam, r.status, r.first_seen, r.last_seen) for r in rows]
    eps = [ep for ep in store.episodes(since=at, until=at + timedelta(seconds=1)) if f.episode(ep)]
    eps = [ep for ep in eps if _episode_at(ep, at)]
    return _collection(items, eps, at)


def collection_during(store: Store, since: datetime, until: datetime, f: Filters) -> dict[str, Any]:
    """NOTAMs in force at any time in ``[since, until)`` (a day's map), and the episodes
    that overlap it."""
    items = [
        geojson.NotamItem(r.notam, r.status, r.first_seen, r.last_seen)
        for r in store.notams_known_between(since, until)
        if r.notam.type != "C" and f.notam(r.notam) and _in_force_during(r.notam, since, until)
    ]
    eps = [ep for ep in store.episodes(since=since, until=until) if f.episode(ep)]
    return _collection(items, eps, until)


def _collection(items: list[geojson.NotamItem], eps: list[Episode], at: datetime) -> dict[str, Any]:
    locs = [loc for it in items for loc in it.notam.locations] + [ep.location for ep in eps]
    return geojson.feature_collection(
        items, eps, at, position=airports.position_of, names=names_for(locs)
    )


def _episode_at(ep: Episode, at: datetime) -> bool:
    if best_time(ep.start_after, ep.start_by, ep.start_effective) > at:
        return False
    return ep.end_by is None or best_time(ep.end_after, ep.end_by, ep.end_effective) > at


def _in_force_during(n: Notam, since: datetime, until: datetime) -> bool:
    if n.start is not None and n.start >= until:
        return False
    if n.end is not None and n.end <= since:
        return False
    found = windows(n)
    if found is not None:
        return any(a < until and b > since for a, b in found)
    return True


# --------------------------------------------------------------------------- iCalendar, Atom


def calendar(store: Store, now: datetime, f: Filters) -> bytes:
    """Restriction episodes (past and in force, within the filters' period) and the
    planned windows of the restriction NOTAMs in force or to come."""
    eps = [ep for ep in store.episodes(since=f.since, until=f.until) if f.episode(ep)]
    planned = [
        r.notam
        for r in store.notams(statuses=["active"])
        if r.notam.restriction and r.notam.type != "C" and f.notam(r.notam)
    ]
    planned.sort(key=lambda n: (n.start or now, n.key))
    keys = {k for ep in eps for k in ep.keys}
    texts = {r.notam.key: r.notam for r in store.notams(keys=keys)}
    locs = [ep.location for ep in eps] + [loc for n in planned for loc in n.locations]
    return ics.calendar(
        eps, planned, now, notams=texts, names=names_for(locs), position=airports.position_of
    )


def feed(store: Store, now: datetime, f: Filters, *, limit: int = 500) -> bytes:
    """The newest ``limit`` events within the filters, newest first."""
    events = store.events(
        area=f.area,
        since=f.since,
        until=f.until,
        kinds=f.kinds,
        categories=f.categories,
        locations=list(f.locations),
        restrictions=f.restrictions,
        limit=limit,
        newest_first=True,
    )
    keys = {e.key for e in events if e.key}
    texts = {r.notam.key: r.notam.text for r in store.notams(keys=keys)}
    locs = [loc for e in events for loc in e.locations]
    ident = "events" + "".join(f" {x}" for x in (*f.locations, *f.categories))
    if f.restrictions:
        ident += " restrictions"
    return atom.feed(events, now, texts=texts, names=names_for(locs), ident=ident)


# --------------------------------------------------------------------------- files


def write_map(
    store: Store,
    path: Path,
    f: Filters,
    *,
    at: datetime | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> str:
    """Write the map page of the NOTAMs in force at ``at``, or at any time in
    ``[since, until)``; return what it shows, in words."""
    from notam_log.shell import mapview

    if at is not None:
        collection = collection_at(store, at, f)
        title = f"NOTAMs in force at {fmt_time(at)}"
    else:
        assert since is not None and until is not None
        collection = collection_during(store, since, until, f)
        title = f"NOTAMs in force from {fmt_time(since)} to {fmt_time(until)}"
    write(path, mapview.render(collection, title).encode())
    notams, rings = mapview.feature_counts(collection)
    total = sum(1 for x in collection["features"] if x["properties"]["feature"] == "notam")
    unplaced = f" ({total - notams} without a position, not drawn)" if total > notams else ""
    return f"{notams} NOTAMs drawn{unplaced}, {rings} aerodromes with a restriction episode"


def write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False (and nothing written) when the file
    already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise NotamLogError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise NotamLogError(f"{path}: cannot write it ({exc.strerror})") from None
    return True


def write_folder(
    store: Store, folder: Path, now: datetime, *, days: int = 90, limit: int = 500
) -> list[Path]:
    """Keep ``feed.atom``, ``closures.ics`` and ``notams.geojson`` current in ``folder``
    (for a static site); the feed and calendar go back ``days``. Returns the files that
    changed."""
    f = Filters(since=now - timedelta(days=days))
    outputs = {
        FEED: feed(store, now, f, limit=limit),
        CALENDAR: calendar(store, now, f),
        GEOJSON: geojson.dumps(collection_at(store, now, Filters())).encode(),
    }
    return [folder / name for name, data in outputs.items() if write(folder / name, data)]
