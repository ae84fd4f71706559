"""Item D schedules (``MON-FRI 0600-1800``, ``MAR 15-17 0600-1800``, ``SR-SS``) into UTC windows."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from notam_log import sun
from notam_log.models import Window

#: When C) is PERM (None), windows are produced up to B + this many days.
HORIZON = timedelta(days=370)

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
_WEEKDAYS = {d: i for i, d in enumerate(("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))}
_M = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_W = "MON|TUE|WED|THU|FRI|SAT|SUN"
_T = r"\d{4}|SR|SS"
_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<dt1>\d{{10}})\s*(?:-|TO)\s*(?P<dt2>\d{{10}})
    | (?P<t1>{_T})(?:\s*(?P<s1>MINUS|PLUS)\s*(?P<o1>\d{{1,3}}))?
      \s*(?:-|TO|/)\s*
      (?P<t2>{_T})(?:\s*(?P<s2>MINUS|PLUS)\s*(?P<o2>\d{{1,3}}))?
    | (?P<h24>H24)(?![A-Z0-9])
    | (?P<mon>{_M})(?![A-Z])
    | (?P<w1>{_W})(?:\s*(?:-|TIL|TO|THRU)\s*(?P<w2>{_W}))?(?![A-Z])
    | (?P<d1>\d{{1,2}})(?:\s*-\s*(?:(?P<m2>{_M})\s*)?(?P<d2>\d{{1,2}}))?(?![\d/])
    | (?P<daily>DAILY|DLY|EVERY\s+DAY)(?![A-Z])
    | (?P<hj>HJ)(?![A-Z])
    | (?P<exc>EXC)(?![A-Z])
    | (?P<skip>,|;|\.|\(?NEXT\s*DAY\)?|(?:AND|BTN|EVERY|EV|UTC)(?![A-Z]))
    )""",
    re.X,
)


class _Unreadable(Exception):
    pass


def _hhmm(value: str, day: date, offset: int, lat: float | None, lon: float | None) -> datetime:
    if value in ("SR", "SS"):
        if lat is None or lon is None:
            raise _Unreadable("SR/SS without a position")
        at = sun.sunrise(day, lat, lon) if value == "SR" else sun.sunset(day, lat, lon)
        if at is None:
            raise _Unreadable("no sunrise or sunset on that day")
        return at + timedelta(minutes=offset)
    hh, mm = int(value[:2]), int(value[2:])
    if hh > 24 or mm > 59 or (hh == 24 and mm):
        raise _Unreadable(f"bad time {value}")
    base = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return base + timedelta(hours=hh, minutes=mm + offset)


def _days(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


@functools.lru_cache(maxsize=16384)
def windows(
    item_d: str,
    start: datetime | None,
    end: datetime | None,
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[tuple[Window, ...] | None, str | None]:
    """Item D text -> (UTC windows inside B-C, None) or (None, the reason it cannot be read).

    Read: ``DAILY``/``DLY``/no day at all (every day), weekdays and weekday ranges
    (``MON-FRI``, ``SUN-THU``, ``MON TIL SAT``), dates with or without a month
    (``MAR 15-17``, ``15 16 17``, ``OCT 30-NOV 02``), each followed by one or more
    times ``hhmm-hhmm`` (``TO`` and ``/`` also separate), ``H24``, ``SR``/``SS`` with
    ``MINUS``/``PLUS`` minutes (sunrise and sunset at ``lat``/``lon``, see sun.py),
    and full ``YYMMDDhhmm TO YYMMDDhhmm`` ranges. A time whose end is not after its
    start runs past midnight. Dates without a month take the month of B), or of the
    last month named; a date earlier than the one before it moves to the next month
    (or the next year after a month name). ``EXC`` and anything else unknown gives
    ``(None, "schedule not read: ...")``: no window is ever guessed.

    Windows are clipped to [B, C) and merged when they touch. When C) is None
    (PERM), windows stop at B + 370 days (``HORIZON``).
    """
    text = item_d.strip().upper()
    if start is None:
        return None, f"schedule not read (no start time): {item_d!r}"
    stop = end if end is not None else start + HORIZON
    try:
        raw = _read(text, start, stop, lat, lon)
    except _Unreadable as why:
        return None, f"schedule not read: {why} in {item_d!r}"
    clipped = sorted((max(a, start), min(b, stop)) for a, b in raw if b > start and a < stop)
    merged: list[Window] = []
    for a, b in clipped:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if not merged:
        return None, f"schedule not read: no window between B and C in {item_d!r}"
    return tuple(merged), None


def _read(
    text: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
) -> list[Window]:
    out: list[Window] = []
    month: int | None = None
    month_fresh = False  # a month name was just read: an earlier date means next year
    dates: list[date] = []
    weekdays: set[int] = set()
    used = False  # times were already applied to the current day selection
    excluding = False  # after EXC: the days read are taken out of the windows
    last: date | None = None
    first_day = start.date() - timedelta(days=1)
    last_day = stop.date()

    def resolve(day: int) -> date:
        nonlocal month, month_fresh, last
        floor = last or first_day
        m = month or floor.month
        y = floor.year
        try:
            got = date(y, m, day)
            if got < floor:
                if month_fresh or month is None and last is None:
                    got = date(y + 1, m, day) if month_fresh else _next_month(got)
                else:
                    got = _next_month(got)
                month = got.month if month is not None else None
        except ValueError as exc:
            raise _Unreadable(f"no such date {m:02d}-{day:02d}") from exc
        month_fresh = False
        last = got
        return got

    def reset_if_used() -> None:
        nonlocal used, dates, weekdays
        if used:
            dates, weekdays, used = [], set(), False

    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if not rest:
                break
            raise _Unreadable(f"cannot read {rest[:20]!r}")
        pos = m.end()
        kind = m.lastgroup
        if m["dt1"]:
            a = _parse_dt(m["dt1"])
            b = _parse_dt(m["dt2"])
            out.append((a, b))
            used = True
        elif m["t1"] or m["hj"]:
            if excluding:
                raise _Unreadable("times after EXC")
            t1, t2 = (m["t1"], m["t2"]) if m["t1"] else ("SR", "SS")
            o1 = int(m["o1"] or 0) * (-1 if m["s1"] == "MINUS" else 1)
            o2 = int(m["o2"] or 0) * (-1 if m["s2"] == "MINUS" else 1)
            for day in _selected(dates, weekdays, first_day, last_day):
                a = _hhmm(t1, day, o1, lat, lon)
                b = _hhmm(t2, day, o2, lat, lon)
                if b <= a:
                    b = _hhmm(t2, day + timedelta(days=1), o2, lat, lon)
                out.append((a, b))
            used = True
        elif m["exc"]:
            if not out:
                raise _Unreadable("EXC before any time")
            excluding = True
            dates, weekdays, used = [], set(), False
        elif m["h24"]:
            if excluding:
                raise _Unreadable("times after EXC")
            for day in _selected(dates, weekdays, first_day, last_day):
                a = datetime(day.year, day.month, day.day, tzinfo=UTC)
                out.append((a, a + timedelta(days=1)))
            used = True
        elif m["mon"]:
            reset_if_used()
            month = _MONTHS[m["mon"]]
            month_fresh = True
        elif m["w1"]:
            reset_if_used()
            w1 = _WEEKDAYS[m["w1"]]
            w2 = _WEEKDAYS[m["w2"]] if m["w2"] else w1
            k = w1
            weekdays.add(k)
            while k != w2:
                k = (k + 1) % 7
                weekdays.add(k)
        elif m["d1"]:
            reset_if_used()
            d1 = resolve(int(m["d1"]))
            dates.append(d1)
            if m["d2"]:
                if m["m2"]:
                    month = _MONTHS[m["m2"]]
                    month_fresh = True
                d2 = resolve(int(m["d2"]))
                if d2 < d1:
                    raise _Unreadable(f"date range {m.group().strip()!r} runs backwards")
                dates.extend(_days(d1 + timedelta(days=1), d2))
        elif m["daily"]:
            reset_if_used()
        elif kind == "skip":
            continue
    if excluding:
        if not dates and not weekdays:
            raise _Unreadable("EXC without days")
        gone = set(dates)
        return [(a, b) for a, b in out if a.date() not in gone and a.weekday() not in weekdays]
    if (dates or weekdays) and not used:
        raise _Unreadable("days without times")
    if not out:
        raise _Unreadable("no times")
    return out


def _selected(
    dates: list[date], weekdays: set[int], first_day: date, last_day: date
) -> Iterable[date]:
    if dates:
        return [d for d in dates if not weekdays or d.weekday() in weekdays]
    if weekdays:
        return [d for d in _days(first_day, last_day) if d.weekday() in weekdays]
    return _days(first_day, last_day)


def _next_month(d: date) -> date:
    """The same day in the next month (ValueError when it does not exist)."""
    return date(d.year + (d.month == 12), d.month % 12 + 1, d.day)


def _parse_dt(value: str) -> datetime:
    from notam_log.fields import parse_yymmddhhmm

    got = parse_yymmddhhmm(value)
    if got is None:
        raise _Unreadable(f"bad date-time {value}")
    return got
