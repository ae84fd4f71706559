"""A self-contained map page (folium, Leaflet) of a GeoJSON export.

NOTAMs are drawn as their Q-line circles (points where they have only a centre or an
aerodrome), coloured by kind of category; aerodromes with a restriction episode are ringed
in black. Leaflet's script and style are inlined from the package's data (npm ``leaflet``
1.9.3, the version folium uses), so the page shows its features with no network at all:
only the background tiles need it. Every popup is feed text escaped for HTML and passed
to Leaflet as a JSON string, never as markup in the script.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

#: Kinds of category, their colour and the categories in each.
GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("closed", "#d7191c", frozenset({"aerodrome_closed", "runway_closed", "airspace_closed"})),
    (
        "limited",
        "#fd8d3c",
        frozenset({"aerodrome_limited", "runway_limited", "aerodrome_hours", "taxiway", "apron"}),
    ),
    ("airspace", "#7b3294", frozenset({"airspace_restricted", "warning"})),
    ("other", "#2c7bb6", frozenset()),
)


def group_of(category: str | None) -> tuple[str, str]:
    """``("closed", "#d7191c")`` for ``aerodrome_closed``."""
    for name, colour, cats in GROUPS:
        if category in cats:
            return name, colour
    return GROUPS[-1][0], GROUPS[-1][1]


class _Popup(MacroElement):
    """``layer.bindPopup("<escaped html>")``: the content as a JSON string literal."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup({{ this.content|tojson }}, {maxWidth: 460});"
        "{% endmacro %}"
    )

    def __init__(self, content: str) -> None:
        super().__init__()
        self._name = "Popup"
        self.content = content


def render(collection: Mapping[str, Any], title: str) -> str:
    """The page's HTML for a FeatureCollection made by :mod:`notam_log.core.export.geojson`."""
    m = folium.Map(location=(20.0, 0.0), zoom_start=2, tiles="OpenStreetMap", prefer_canvas=False)
    m.default_js = []  # no CDN: Leaflet is inlined below
    m.default_css = []
    root = m.get_root()
    assert isinstance(root, folium.Figure)
    data = resources.files("notam_log").joinpath("data", "leaflet")
    css = data.joinpath("leaflet.css").read_text(encoding="utf-8")
    js = data.joinpath("leaflet.js").read_text(encoding="utf-8")
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js")
    features = list(collection.get("features", ()))
    notams = [f for f in features if f["properties"].get("feature") == "notam"]
    episodes = [f for f in features if f["properties"].get("feature") == "episode"]
    # the widest circles first, so that smaller ones stay clickable above them
    notams.sort(key=lambda f: -(f["properties"].get("radius_nm") or 0))
    points: list[tuple[float, float]] = []
    drawn = sum(_draw_notam(m, f, points) for f in notams)
    rings = sum(_draw_episode(m, f, points) for f in episodes)
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))])
    unplaced = len(notams) - drawn
    root.html.add_child(Element(_legend(title, len(notams), drawn, unplaced, rings)), name="legend")
    return str(root.render())


def _draw_notam(m: folium.Map, f: Mapping[str, Any], points: list[tuple[float, float]]) -> int:
    geom, p = f.get("geometry"), f["properties"]
    if not geom:
        return 0
    _, colour = group_of(p.get("category"))
    popup = _notam_popup(p)
    if geom["type"] == "Point":
        lon, lat = geom["coordinates"]
        layer: Any = folium.CircleMarker(
            (lat, lon), radius=5, color=colour, weight=2, fill=True, fill_opacity=0.6
        )
        layer.add_child(_Popup(popup))
        layer.add_to(m)
        points.append((lat, lon))
        return 1
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for poly in polys:
        ring = [(lat, lon) for lon, lat in poly[0]]
        layer = folium.Polygon(ring, color=colour, weight=1, fill=True, fill_opacity=0.15)
        layer.add_child(_Popup(popup))
        layer.add_to(m)
        points.extend(ring)
    return 1


def _draw_episode(m: folium.Map, f: Mapping[str, Any], points: list[tuple[float, float]]) -> int:
    geom, p = f.get("geometry"), f["properties"]
    if not geom:
        return 0
    lon, lat = geom["coordinates"]
    _, colour = group_of(p.get("category"))
    layer = folium.CircleMarker(
        (lat, lon), radius=10, color="#000000", weight=3, fill=True, fill_color=colour,
        fill_opacity=0.8,
    )  # fmt: skip
    layer.add_child(_Popup(_episode_popup(p)))
    layer.add_to(m)
    points.append((lat, lon))
    return 1


def _notam_popup(p: Mapping[str, Any]) -> str:
    e = html.escape
    end = p.get("end") or ("PERM" if p.get("permanent") else "no end given")
    if p.get("end_estimated"):
        end += " (EST)"
    rows = [
        f"<b>{e(str(p.get('id') or p.get('key')))}</b> {e(str(p.get('key')))}",
        f"{e(', '.join(p.get('locations') or ()))} · {e(str(p.get('category')))}",
        f"from {e(str(p.get('start') or '?'))} to {e(end)}",
    ]
    if p.get("schedule"):
        rows.append(f"schedule: {e(str(p['schedule']))}")
    if p.get("radius_nm") and p.get("geometry_from") == "circle":
        rows.append(f"Q-line circle: {int(p['radius_nm'])} NM")
    elif p.get("geometry_from"):
        rows.append(f"drawn at its {e(str(p['geometry_from']))}")
    body = e(str(p.get("text") or ""))
    return "<br>".join(rows) + f'<pre style="white-space:pre-wrap;max-height:14em">{body}</pre>'


def _episode_popup(p: Mapping[str, Any]) -> str:
    e = html.escape
    place = " ".join(x for x in (p.get("location"), p.get("name")) if x)
    cats = " → ".join(str(c).replace("_", " ") for c in p.get("categories") or ())
    began = p.get("start_effective") or p.get("start_by")
    rows = [f"<b>{e(place)}</b>: restriction episode", e(cats), f"began {e(str(began))}"]
    if p.get("ongoing"):
        rows.append("in force at this time")
    else:
        rows.append(f"ended {e(str(p.get('end_effective') or p.get('end_by')))}")
    rows.append("NOTAMs: " + e(", ".join(p.get("keys") or ())))
    return "<br>".join(rows)


def _legend(title: str, total: int, drawn: int, unplaced: int, rings: int) -> str:
    e = html.escape
    items = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{colour};'
        f'margin-right:6px;opacity:.7"></span>{name}</div>'
        for name, colour, _ in GROUPS
    )
    ring = (
        '<div><span style="display:inline-block;width:10px;height:10px;border:3px solid #000;'
        'border-radius:50%;margin-right:4px"></span>aerodrome with a restriction</div>'
    )
    note = (
        f"<div>{unplaced} NOTAM{'s' if unplaced != 1 else ''} without a position, not drawn</div>"
        if unplaced
        else ""
    )
    return (
        '<div id="notam-log-legend" style="position:fixed;top:10px;right:10px;z-index:1000;'
        "background:#fff;padding:8px 10px;font:13px sans-serif;border:1px solid #888;"
        f'max-width:320px"><b>{e(title)}</b><div>{drawn} of {total} NOTAMs drawn,'
        f" {rings} aerodromes with a restriction</div>{note}{items}{ring}</div>"
    )


def feature_counts(collection: Mapping[str, Any]) -> Sequence[int]:
    """(NOTAMs with a geometry, episodes with a geometry): what the page draws."""
    feats = collection.get("features", ())
    kinds = [f["properties"].get("feature") for f in feats if f.get("geometry")]
    return kinds.count("notam"), kinds.count("episode")
