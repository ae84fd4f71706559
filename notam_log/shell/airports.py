"""Airport names and time zones, from the airportsdata package (ICAO codes).

Only the two columns needed are kept (about 4 MB for 28,000 airports, against ~28 MB
for ``airportsdata.load()``), read once on first use.
"""

from __future__ import annotations

import csv
import functools
import sys
from importlib import resources


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
