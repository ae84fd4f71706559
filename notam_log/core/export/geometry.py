"""Q-line circles as GeoJSON geometries (RFC 7946), computed on the WGS 84 ellipsoid.

A NOTAM's Q line gives a centre and a radius in nautical miles. Its area is drawn as a
polygon whose vertices lie at that geodesic distance from the centre (pyproj's ``Geod``,
the ellipsoid's direct problem), longitude first, exterior ring counterclockwise (the
right-hand rule of RFC 7946 section 3.1.6). A circle that crosses the antimeridian is
cut in two (section 3.1.9), and one that holds a pole is closed along that pole, so
that every ring is a plain polygon between longitudes -180 and 180.

A radius of 999 NM is the Q line's way to say "the whole FIR or more", not a circle:
such a NOTAM (and one with no radius) is drawn as its centre point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pyproj import Geod

#: Metres in a nautical mile.
NM = 1852.0
#: The Q line's radius for "the whole FIR" (three digits, so no real circle reaches it).
WHOLE_FIR_NM = 999
#: Vertices of a circle's ring (every 5.625 degrees of azimuth).
SEGMENTS = 64
#: Decimal places kept (about 0.1 m), as RFC 7946 section 11.2 advises.
PRECISION = 6

_GEOD = Geod(ellps="WGS84")

Point = tuple[float, float]  # (lon, lat)


def valid_position(lat: float | None, lon: float | None) -> bool:
    """A latitude and longitude that exist on the Earth."""
    if lat is None or lon is None:
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def point(lat: float, lon: float) -> dict[str, Any]:
    """A GeoJSON Point (longitude first)."""
    return {"type": "Point", "coordinates": [_r(lon), _r(lat)]}


def circle(lat: float, lon: float, radius_nm: float, segments: int = SEGMENTS) -> dict[str, Any]:
    """The geodesic circle as a GeoJSON Polygon, or a MultiPolygon when it is cut at the
    antimeridian; rings counterclockwise, closed, inside longitudes -180..180."""
    ring = _ring(lat, lon, radius_nm * NM, segments)
    if _holds_pole(lat, lon, radius_nm * NM):
        ring = _pole_ring(ring, north=lat > 0)
    elif _area2(ring) < 0:
        ring.reverse()
    parts = _split(ring)
    polygons = [[[[_r(x), _r(y)] for x, y in _closed(part)]] for part in parts]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def q_line_geometry(
    lat: float | None, lon: float | None, radius_nm: int | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The geometry of a Q line and what it is: ``("circle" | "centre")``, or
    ``(None, None)`` when the Q line gives no usable position."""
    if lat is None or lon is None or not valid_position(lat, lon):
        return None, None
    if radius_nm is None or radius_nm <= 0 or radius_nm >= WHOLE_FIR_NM:
        return point(lat, lon), "centre"
    return circle(lat, lon, float(radius_nm)), "circle"


# --------------------------------------------------------------------------- rings


def _ring(lat: float, lon: float, metres: float, segments: int) -> list[Point]:
    """Points of the circle by azimuth, longitudes unwrapped around the centre's."""
    azimuths = [360.0 * i / segments for i in range(segments)]
    lons, lats, _ = _GEOD.fwd([lon] * segments, [lat] * segments, azimuths, [metres] * segments)
    out: list[Point] = []
    prev = lon
    for x, y in zip(lons, lats, strict=True):
        x = prev + ((x - prev + 180.0) % 360.0 - 180.0)  # the nearest turn to the last one
        out.append((x, y))
        prev = x
    return out


def _holds_pole(lat: float, lon: float, metres: float) -> bool:
    pole = 90.0 if lat >= 0 else -90.0
    _, _, dist = _GEOD.inv(lon, lat, lon, pole)
    return bool(dist < metres)


def _pole_ring(ring: list[Point], *, north: bool) -> list[Point]:
    """A circle around a pole as one polygon from longitude -180 to 180, closed along
    the pole (counterclockwise: eastward under the north pole, westward over the south)."""
    pts = sorted(((x + 180.0) % 360.0 - 180.0, y) for x, y in ring)
    (x1, y1), (x2, y2) = pts[-1], (pts[0][0] + 360.0, pts[0][1])
    edge = y1 + (180.0 - x1) / (x2 - x1) * (y2 - y1)  # where the circle meets 180
    pole = 90.0 if north else -90.0
    out = [(-180.0, edge), *pts, (180.0, edge), (180.0, pole), (-180.0, pole)]
    if not north:
        out = [*reversed(out[:-2]), (-180.0, pole), (180.0, pole)]
    return [p for i, p in enumerate(out) if p != out[i - 1]]


def _area2(ring: Sequence[Point]) -> float:
    """Twice the signed planar area (positive: counterclockwise)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total


def _split(ring: list[Point]) -> list[list[Point]]:
    """The ring cut into the turns of longitude it spans, each moved into -180..180."""
    if all(-180.0 <= x <= 180.0 for x, _ in ring):
        return [ring]  # the usual case: nothing to cut
    parts = []
    for turn in (-1, 0, 1):
        lo, hi = -180.0 + 360.0 * turn, 180.0 + 360.0 * turn
        part = _clip(_clip(ring, lo, keep_above=True), hi, keep_above=False)
        if len(part) >= 3 and abs(_area2(part)) > 1e-12:
            parts.append([(x - 360.0 * turn, y) for x, y in part])
    return parts


def _clip(ring: Sequence[Point], x0: float, *, keep_above: bool) -> list[Point]:
    """Sutherland-Hodgman against the line x = x0 (a circle meets a meridian at most
    twice, so each side is one piece)."""

    def inside(p: Point) -> bool:
        return p[0] >= x0 if keep_above else p[0] <= x0

    out: list[Point] = []
    for i, cur in enumerate(ring):
        prev = ring[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_cross(prev, cur, x0))
            out.append(cur)
        elif inside(prev):
            out.append(_cross(prev, cur, x0))
    return out


def _cross(a: Point, b: Point, x0: float) -> Point:
    t = (x0 - a[0]) / (b[0] - a[0])
    return (x0, a[1] + t * (b[1] - a[1]))


def _closed(ring: list[Point]) -> list[Point]:
    return ring if ring[0] == ring[-1] else [*ring, ring[0]]


def _r(value: float) -> float:
    return round(value, PRECISION) + 0.0  # + 0.0: no "-0.0" in the output
