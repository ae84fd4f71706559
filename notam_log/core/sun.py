"""Sunrise and sunset in UTC by the NOAA general solar position equations (pure math)."""

from __future__ import annotations

import functools
import math
from datetime import UTC, date, datetime, timedelta

#: The sun's centre 0.833 degrees below the horizon: refraction plus the half disc.
_ZENITH = math.radians(90.833)


def _event_minutes(day: date, lat: float, lon: float, rising: bool, guess: float) -> float | None:
    """Minutes after 00:00 UTC of ``day`` of sunrise or sunset, or None (polar day/night)."""
    doy = day.timetuple().tm_yday
    days_in_year = 366 if day.year % 4 == 0 and (day.year % 100 or day.year % 400 == 0) else 365
    gamma = 2 * math.pi / days_in_year * (doy - 1 + (guess / 60 - 12) / 24)
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    phi = math.radians(lat)
    cos_ha = math.cos(_ZENITH) / (math.cos(phi) * math.cos(decl)) - math.tan(phi) * math.tan(decl)
    if cos_ha < -1 or cos_ha > 1:
        return None
    ha = math.degrees(math.acos(cos_ha))
    return 720 - 4 * (lon + ha if rising else lon - ha) - eqtime


@functools.lru_cache(maxsize=65536)
def event_seconds(ordinal: int, lat: float, lon: float, rising: bool) -> int | None:
    """Sunrise (``rising``) or sunset as whole seconds after 00:00 UTC of the day whose
    proleptic Gregorian ordinal is ``ordinal`` (may be negative or past 86400 far from
    Greenwich); None when the sun does not rise or set that day.

    Memoised per (day, position): NOTAM positions are whole minutes of arc, so a
    schedule asks for few distinct positions, and each day is computed once.
    """
    day = date.fromordinal(ordinal)
    minutes: float | None = 720.0 - 4 * lon
    for _ in range(2):  # evaluate the sun's position at the event itself
        assert minutes is not None
        minutes = _event_minutes(day, lat, lon, rising, minutes)
        if minutes is None:
            return None
    assert minutes is not None
    return round(minutes * 60)


def _event(day: date, lat: float, lon: float, rising: bool) -> datetime | None:
    seconds = event_seconds(day.toordinal(), lat, lon, rising)
    if seconds is None:
        return None
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return midnight + timedelta(seconds=seconds)


def sunrise(day: date, lat: float, lon: float) -> datetime | None:
    """Sunrise (UTC) on ``day`` at lat/lon (east positive); None if the sun does not rise."""
    return _event(day, lat, lon, True)


def sunset(day: date, lat: float, lon: float) -> datetime | None:
    """Sunset (UTC) on ``day`` at lat/lon (east positive); None if the sun does not set."""
    return _event(day, lat, lon, False)
