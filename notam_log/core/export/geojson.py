"""NOTAMs in force and restriction episodes as a GeoJSON FeatureCollection (RFC 7946).

Each NOTAM is a Feature whose geometry is its Q-line circle (see ``geometry``), its
Q-line centre, or else the position of its first aerodrome that has one; a NOTAM with
no position at all keeps a null geometry (RFC 7946 section 3.2) rather than being left
out: what cannot be placed on a map is still in force. Each restriction episode is a
point Feature at its aerodrome. Pure: the positions and the time come in as arguments.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notam_log.core.display import clean
from notam_log.core.export.geometry import point, q_line_geometry, valid_position
from notam_log.core.models import Episode, Notam, iso, to_jsonable
from notam_log.core.validity import windows

#: ICAO code -> (latitude, longitude) of an aerodrome.
Positions = Callable[[str], tuple[float, float] | None]


@dataclass(frozen=True, slots=True)
class NotamItem:
    """One NOTAM to export and what the log knows of it."""

    notam: Notam
    status: str = "active"
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def notam_geometry(
    n: Notam, position: Positions | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """The NOTAM's geometry and its kind: ``circle`` or ``centre`` (its Q line),
    ``aerodrome`` (its first location with a known position), or ``(None, None)``."""
    geom, kind = q_line_geometry(n.lat, n.lon, n.radius_nm)
    if geom is not None or position is None:
        return geom, kind
    for loc in n.locations:
        pos = position(loc)
        if pos is not None and valid_position(*pos):
            return point(*pos), "aerodrome"
    return None, None


def geometry_json(n: Notam) -> str | None:
    """The Q-line geometry as compact JSON (the ``geometry`` column of the store)."""
    return _geometry_text(n.lat, n.lon, n.radius_nm)


@functools.lru_cache(maxsize=4096)
def _geometry_text(lat: float | None, lon: float | None, radius: int | None) -> str | None:
    """Memoised: the NOTAMs of an aerodrome share its Q-line circle, and a poll writes
    every NOTAM it has not seen before."""
    geom, _ = q_line_geometry(lat, lon, radius)
    return None if geom is None else json.dumps(geom, separators=(",", ":"))


def notam_feature(item: NotamItem, position: Positions | None = None) -> dict[str, Any]:
    n = item.notam
    geom, kind = notam_geometry(n, position)
    props: dict[str, Any] = {
        "feature": "notam",
        "id": n.id,
        "key": n.key,
        "locations": list(n.locations),
        "category": n.category,
        "restriction": n.restriction,
        "qcode": n.qcode,
        "start": _iso(n.start),
        "end": _iso(n.end),
        "end_estimated": n.end_estimated,
        "permanent": n.permanent,
        "schedule": clean(n.schedule) or None,
        "windows": to_jsonable(windows(n)),
        "lower_fl": n.lower,
        "upper_fl": n.upper,
        "center": [n.lon, n.lat] if valid_position(n.lat, n.lon) else None,
        "radius_nm": n.radius_nm,
        "geometry_from": kind,
        "status": item.status,
        "first_seen": _iso(item.first_seen),
        "last_seen": _iso(item.last_seen),
        "text": clean(n.text),
    }
    return {"type": "Feature", "id": n.key, "geometry": geom, "properties": props}


def episode_feature(
    ep: Episode, at: datetime, position: Positions | None = None, name: str | None = None
) -> dict[str, Any]:
    pos = position(ep.location) if position is not None else None
    geom = point(*pos) if pos is not None and valid_position(*pos) else None
    props: dict[str, Any] = {
        "feature": "episode",
        "location": ep.location,
        "name": name,
        "categories": [c for _, c in ep.categories],
        "category": ep.categories[-1][1] if ep.categories else None,
        "start_after": _iso(ep.start_after),
        "start_by": iso(ep.start_by),
        "start_effective": _iso(ep.start_effective),
        "end_after": _iso(ep.end_after),
        "end_by": _iso(ep.end_by),
        "end_effective": _iso(ep.end_effective),
        "ongoing": ep.end_by is None or ep.end_by > at,
        "keys": list(ep.keys),
    }
    fid = f"episode:{ep.location}:{iso(ep.start_by)}"
    return {"type": "Feature", "id": fid, "geometry": geom, "properties": props}


def feature_collection(
    notams: Sequence[NotamItem],
    episodes: Sequence[Episode],
    at: datetime,
    *,
    position: Positions | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The FeatureCollection: NOTAMs first (in the order given), then episodes."""
    features = [notam_feature(item, position) for item in notams]
    features += [
        episode_feature(ep, at, position, (names or {}).get(ep.location)) for ep in episodes
    ]
    return {"type": "FeatureCollection", "at": iso(at), "features": features}


def dumps(collection: Mapping[str, Any]) -> str:
    """The collection as JSON text (UTF-8, no NaN: RFC 8259 has none)."""
    return json.dumps(collection, ensure_ascii=False, allow_nan=False, indent=1) + "\n"


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None
