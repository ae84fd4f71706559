"""Q-line circles as GeoJSON geometries: valid (shapely), counterclockwise, inside
-180..180, cut at the antimeridian, closed along a pole, and as large as the circle."""

from __future__ import annotations

import math
from typing import Any

import pytest
import shapely.geometry as sg
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from notam_log.core.export import geometry as g

GEOD = Geod(ellps="WGS84")
R = 6_371_008.8  # the mean Earth radius (m)


def cap_area(radius_nm: float) -> float:
    """The area of a spherical cap of this geodesic radius."""
    return 2 * math.pi * R**2 * (1 - math.cos(radius_nm * g.NM / R))


def polygons(geom: dict[str, Any]) -> list[list[list[list[float]]]]:
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def check(lat: float, lon: float, radius_nm: float) -> dict[str, Any]:
    geom = g.circle(lat, lon, radius_nm)
    shape = sg.shape(geom)
    assert shape.is_valid, (lat, lon, radius_nm, geom)
    for poly in polygons(geom):
        ring = poly[0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert sg.LinearRing(ring).is_ccw, "RFC 7946 3.1.6: exterior rings counterclockwise"
        for x, y in ring:
            assert -180 <= x <= 180 and -90 <= y <= 90
            if abs(x) < 180 and abs(y) < 90:  # a vertex of the circle, not of a cut
                _, _, dist = GEOD.inv(lon, lat, x, y)
                assert dist == pytest.approx(radius_nm * g.NM, abs=1.0)
    area, _ = GEOD.geometry_area_perimeter(shape)
    # a 64-gon inside the circle, on the ellipsoid rather than the sphere
    assert area == pytest.approx(cap_area(radius_nm), rel=0.015), (lat, lon, radius_nm)
    return geom


def test_heathrow_five_nm_is_one_polygon_around_its_centre() -> None:
    geom = check(51.4775, -0.4614, 5)
    assert geom["type"] == "Polygon"
    assert len(geom["coordinates"][0]) == g.SEGMENTS + 1
    assert sg.shape(geom).contains(sg.Point(-0.4614, 51.4775))


@pytest.mark.parametrize(("lat", "lon"), [(65.0, 179.9), (-16.8, 179.0), (52.0, -179.5)])
def test_a_circle_across_the_antimeridian_is_cut_in_two(lat: float, lon: float) -> None:
    geom = check(lat, lon, 200)
    assert geom["type"] == "MultiPolygon" and len(geom["coordinates"]) == 2
    west, east = sorted(polygons(geom), key=lambda p: min(x for x, _ in p[0]))
    assert min(x for x, _ in west[0]) == -180 and max(x for x, _ in east[0]) == 180


@pytest.mark.parametrize(("lat", "lon"), [(85.0, 10.0), (-85.0, -170.0), (90.0, 0.0), (-90, 0)])
def test_a_circle_holding_a_pole_is_closed_along_it(lat: float, lon: float) -> None:
    geom = check(lat, lon, 400)
    assert geom["type"] == "Polygon"
    pole = 90.0 if lat > 0 else -90.0
    assert sg.shape(geom).bounds[0::2] == (-180.0, 180.0)
    assert [pole, pole] == [y for _, y in geom["coordinates"][0] if abs(y) == 90][:2]


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-90, 90, allow_nan=False),
    st.floats(-180, 180, allow_nan=False),
    st.integers(1, g.WHOLE_FIR_NM - 1),
)
def test_any_q_line_circle_is_valid_geojson(lat: float, lon: float, radius: int) -> None:
    check(lat, lon, radius)


def test_q_line_geometry_whole_fir_no_radius_and_nonsense() -> None:
    assert g.q_line_geometry(55.0, 37.0, 999) == (g.point(55.0, 37.0), "centre")
    assert g.q_line_geometry(55.0, 37.0, None) == (g.point(55.0, 37.0), "centre")
    assert g.q_line_geometry(55.0, 37.0, 0)[1] == "centre"
    assert g.q_line_geometry(55.0, 37.0, 5)[1] == "circle"
    assert g.point(55.0, 37.0)["coordinates"] == [37.0, 55.0]  # longitude first
    for lat, lon in [(None, 1.0), (91.0, 0.0), (0.0, 181.0), (math.nan, 0.0), (0.0, math.inf)]:
        assert g.q_line_geometry(lat, lon, 5) == (None, None)
