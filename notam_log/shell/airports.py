"""Airport names and time zones, from the airportsdata package (ICAO codes).

Only the two columns needed are kept (about 4 MB for 28,000 airports, against ~28 MB
for ``airportsdata.load()``), read once on first use.
"""

from __future__ import annotations

import csv
import functools
import sys
from importlib import resources
from typing import Any

from notam_log.core.announce import NoResolver, Resolver


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


def russian_resolver() -> Resolver:
    """Russian airport names (of Rosaviatsia's announcements) -> ICAO codes: the place
    index's resolver when it is installed, else one that resolves nothing (the codes
    a text states are still read)."""
    import importlib

    module = importlib.import_module("notam_log.shell.airports")
    build = getattr(module, "place_index", None)
    if build is None:
        return NoResolver()
    return PlaceResolver(build())


class PlaceResolver:
    """:class:`~notam_log.core.announce.Resolver` over the place index: every airport a
    name matches (one when resolved; several when the name is ambiguous)."""

    def __init__(self, index: Any) -> None:
        self.index = index

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        found = self.index.from_russian(name, hint)
        codes = tuple(a.icao for a in found.matches)
        return codes or None
