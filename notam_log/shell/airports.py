"""Airports from the airportsdata package: names, time zones and the place index.

``name_of`` and ``timezone_of`` read only the two columns they need (about 4 MB for 28,000
airports, against ~28 MB for ``airportsdata.load()``), once on first use. ``place_index()``
builds the :class:`~notam_log.core.places.PlaceIndex` (every airport with its codes, names,
city, region and position) once, with pymorphy3 as the lemmatizer of Russian words (loaded
only when a Cyrillic name is first looked up).
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Iterator
from importlib import resources

from notam_log.core.announce import Resolver
from notam_log.core.places import Airport, PlaceIndex


@functools.cache
def _table() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    path = resources.files("airportsdata").joinpath("airports.csv")
    with path.open("r", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        i_code, i_name, i_tz = header.index("icao"), header.index("name"), header.index("tz")
        for row in rows:
            if row[i_code]:
                out[row[i_code]] = (row[i_name], sys.intern(row[i_tz]))
    return out


def name_of(code: str) -> str | None:
    """``EGLL`` -> ``London Heathrow Airport``; None when unknown."""
    row = _table().get(code.upper())
    return row[0] or None if row else None


def timezone_of(code: str) -> str | None:
    """``USII`` -> ``Europe/Samara``; None when unknown."""
    row = _table().get(code.upper())
    return row[1] or None if row else None


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def read_airports() -> Iterator[Airport]:
    """Every airport of airportsdata with an ICAO code (its IATA code where it has one)."""
    path = resources.files("airportsdata").joinpath("airports.csv")
    with path.open("r", encoding="utf-8") as f:
        rows = csv.reader(f)
        col = {name: i for i, name in enumerate(next(rows))}
        icao, iata, name, city = col["icao"], col["iata"], col["name"], col["city"]
        country, lat, lon, tz, subd = (col[k] for k in ("country", "lat", "lon", "tz", "subd"))
        for row in rows:
            if row[icao]:
                yield Airport(
                    row[icao],
                    row[iata],
                    row[name],
                    row[city],
                    row[country],
                    _float(row[lat]),
                    _float(row[lon]),
                    sys.intern(row[tz]),
                    row[subd],
                )


@functools.cache
def _morph() -> object:
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer(lang="ru")


def lemmatize_ru(word: str) -> list[str]:
    """A Russian word's normal forms and its nominative keeping number and gender
    (``Ижевска`` -> ``ижевск``; ``Минеральных`` -> ``минеральный``, ``минеральные``)."""
    morph = _morph()
    out: list[str] = []
    for parse in morph.parse(word):  # type: ignore[attr-defined]
        out.append(parse.normal_form)
        nominative = parse.inflect({"nomn"})
        if nominative is not None:
            out.append(nominative.word)
    return list(dict.fromkeys(out))


@functools.cache
def place_index() -> PlaceIndex:
    """The index of every airport the data knows (built once per process)."""
    return PlaceIndex(read_airports(), lemmatize=lemmatize_ru)


def russian_resolver() -> Resolver:
    """Russian airport names (of Rosaviatsia's announcements) -> ICAO codes, through
    the place index."""
    return PlaceResolver(place_index())


class PlaceResolver:
    """:class:`~notam_log.core.announce.Resolver` over the place index."""

    def __init__(self, index: PlaceIndex) -> None:
        self.index = index

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        """The airport a name stands for; None when it names none or several (an
        ambiguous name, such as a city with two airports and no proper name beside
        it, is reported as unresolved: recording it at every candidate would say
        that airports were restricted when the text does not say which)."""
        found = self.index.from_russian(name, hint)
        if len(found.matches) != 1:
            return None
        return (found.matches[0].icao,)


@functools.cache
def _positions() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    path = resources.files("airportsdata").joinpath("airports.csv")
    with path.open("r", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        i_code, i_lat, i_lon = header.index("icao"), header.index("lat"), header.index("lon")
        for row in rows:
            try:
                out[row[i_code]] = (float(row[i_lat]), float(row[i_lon]))
            except ValueError:
                continue
    return out


def position_of(code: str) -> tuple[float, float] | None:
    """``USII`` -> ``(56.8281, 53.4575)`` (degrees); None when unknown."""

    """``EGLL`` -> ``(51.4775, -0.461389)`` (latitude, longitude); None when unknown."""
    return _positions().get(code.upper())
