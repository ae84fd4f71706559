"""Airport names and time zones, from the airportsdata package (ICAO codes)."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _table() -> dict[str, Any]:
    import airportsdata

    return dict(airportsdata.load("ICAO"))


def name_of(code: str) -> str | None:
    """``EGLL`` -> ``London Heathrow Airport``; None when unknown."""
    row = _table().get(code.upper())
    return str(row["name"]) if row else None


def timezone_of(code: str) -> str | None:
    """``USII`` -> ``Europe/Samara``; None when unknown."""
    row = _table().get(code.upper())
    return str(row["tz"]) if row and row.get("tz") else None
