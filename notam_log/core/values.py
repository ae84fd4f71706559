"""Small readers shared by every parser: ICAO times, coordinates, ids and keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

#: Degrees, minutes and optional seconds; decimals of seconds with a point or, as some
#: states write them, without one (``0133568668N`` is 01 33 56.8668 N).
_COORD = re.compile(
    r"^(\d{2})(\d{2})(\d{2}(?:\.?\d+)?)?([NS])(\d{3})(\d{2})(\d{2}(?:\.?\d+)?)?([EW])$"
)


def parse_yymmddhhmm(value: str) -> datetime | None:
    """``2503210143`` (or 12 digits ``202503210143``) -> aware UTC; None if not a time.

    ``2400`` is read as midnight at the end of the day, as NOTAMs sometimes write it.
    """
    if len(value) == 10 and value.isdigit():  # the clean layout, read at once
        try:
            n = int(value)
            yy, n = divmod(n, 100000000)
            mo, n = divmod(n, 1000000)
            dd, n = divmod(n, 10000)
            hh, mi = divmod(n, 100)
            return datetime(2000 + yy, mo, dd, hh, mi, 0, 0, UTC)
        except ValueError:
            pass  # 2400, a date that does not exist: the general reading below
    digits = value.strip()
    if len(digits) == 10 and digits.isdigit():
        year = 2000 + int(digits[0:2])
        rest = digits[2:]
    elif len(digits) == 12 and digits.isdigit():
        year = int(digits[0:4])
        rest = digits[4:]
    else:
        return None
    month, day, hour, minute = int(rest[0:2]), int(rest[2:4]), int(rest[4:6]), int(rest[6:8])
    try:
        if hour == 24 and minute == 0:
            return datetime(year, month, day, tzinfo=UTC) + timedelta(days=1)
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def parse_coords(value: str) -> tuple[float, float] | None:
    """``5129N00028W`` (degrees and minutes, seconds optional) -> (lat, lon)."""
    if (
        len(value) == 11
        and value[4] in "NS"
        and value[10] in "EW"
        and value[0:4].isdecimal()
        and value[5:10].isdecimal()
    ):  # the clean layout, read at once (as the pattern below would)
        lat = int(value[0:2]) + int(value[2:4]) / 60 + 0.0
        lon = int(value[5:8]) + int(value[8:10]) / 60 + 0.0
        south, west = value[4] == "S", value[10] == "W"
    else:
        m = _COORD.match(value.strip().upper())
        if not m:
            return None
        lat = int(m[1]) + int(m[2]) / 60 + (_seconds(m[3]) / 3600 if m[3] else 0.0)
        lon = int(m[5]) + int(m[6]) / 60 + (_seconds(m[7]) / 3600 if m[7] else 0.0)
        south, west = m[4] == "S", m[8] == "W"
    if south:
        lat = -lat
    if west:
        lon = -lon
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return round(lat, 5), round(lon, 5)


def _seconds(value: str) -> float:
    """``30``, ``30.5`` or ``305`` (decimals written without the point) -> 30.0, 30.5."""
    if "." not in value and len(value) > 2:
        value = f"{value[:2]}.{value[2:]}"
    return float(value)


def format_id(series: str | None, number: int | str, year: int | str) -> str:
    """``("A", 1918, 2025)`` -> ``A1918/25``; numbers are padded to four digits."""
    # str.zfill pads as the format spec "04d" / "02d" would, more cheaply
    return f"{series or ''}{str(int(number)).zfill(4)}/{str(int(year) % 100).zfill(2)}"


def full_year(year: int | str) -> int:
    """Two-digit NOTAM year -> four digits."""
    y = int(year)
    return y + 2000 if y < 100 else y


def make_key(
    notam_id: str | None,
    *,
    office: str | None = None,
    fir: str | None = None,
    locations: tuple[str, ...] = (),
    fallback: str | None = None,
) -> str:
    """The documented NOTAM key: ``OFFICE:ID``, else ``FIR:ID``, else ``LOCATION:ID``.

    ``fallback`` (for example a hash of the raw text) keys a record that has no id.
    """
    prefix = office or fir or (locations[0] if locations else None)
    if notam_id:
        return f"{prefix}:{notam_id}" if prefix else notam_id
    return f"{prefix or 'UNKNOWN'}:?{fallback or ''}"


def cut_at_end(pattern: re.Pattern[str], text: str, word: str) -> str:
    """``pattern.sub("", text)`` for a pattern anchored at the end, of the form
    ``\\s*(?:END\\s+)?WORD`` then only blanks, digits and words other than ``word``,
    without trying it at every position of a long text.

    A match holds the last ``word`` of the text and at most three other letters (END)
    before it, so it is looked for from a little before that ``word``: from where four
    letters or digits lie between, no match can start earlier. Where they do not (a
    long run of blanks), the whole text is tried, as ``sub`` would."""
    # one byte per character (so positions stay those of the text), ASCII upper case
    at = text.encode("ascii", "replace").upper().rfind(word.encode("ascii"))
    if at == -1:
        return text
    pos = max(0, at - 40)
    if pos and len("".join(text[pos:at].split())) < 4:
        return pattern.sub("", text)
    m = pattern.search(text, pos)
    return text[: m.start()] if m else text
