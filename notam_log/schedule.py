"""Item D schedules (``MON-FRI 0600-1800``, ``MAR 15-17 0600-1800``, ``SR-SS``) into UTC windows.

Windows are worked out in whole seconds counted from 00:00 UTC of the day before B
(integers, one addition per day and time), clipped and merged as integers, and turned
into datetimes once at the end; sunrise and sunset are computed only for the days the
schedule selects, memoised per (day, position) in :func:`notam_log.sun.event_seconds`.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta

from notam_log import sun
from notam_log.fields import parse_yymmddhhmm
from notam_log.models import Window

#: When C) is PERM (None), windows are produced up to B + this many days.
HORIZON = timedelta(days=370)

_DAY = 86400
_SECOND = timedelta(seconds=1)
#: Every whole minute of a day as a timedelta, built once: a window edge is a day plus one.
_TOD = tuple(timedelta(minutes=i) for i in range(1440))
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
_MONTHS["MAI"] = 5  # French/German/Portuguese "May", read only before a day number
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
    | (?P<mon>{_M}|MAI(?=\s*\d{{1,2}}(?!\d)))(?![A-Z])
    | (?P<w1>{_W})(?:\s*(?:-|TIL|TO|THRU)\s*(?P<w2>{_W}))?(?![A-Z])
    | (?P<d1>\d{{1,2}})(?:\s*(?:-|TIL(?![A-Z]))\s*(?:(?P<m2>{_M})\s*)?(?P<d2>\d{{1,2}}))?(?![\d/])
    | (?P<daily>DAILY|DLY|EVERY\s*DAYS?)(?![A-Z])
    | (?P<hj>HJ|HN)(?![A-Z])
    | (?P<exc>EXC)(?![A-Z])
    | (?P<skip>,|;|\.|\(?NEXT\s*DAY\)?|(?:AND|BTN|EVERY|EV|UTC)(?![A-Z]))
    )""",
    re.X,
)
#: A bilingual French/English item D (``TOUS LES JOURS HJ/EVERY DAY HJ``): the
#: English part after the slash is read.
_BILINGUAL = re.compile(r"TOUS\s+LES?\s+JOURS?\b[^/]*/\s*(?P<en>EVERY\s*DAYS?\b.*)")
#: Times written before the days they apply to (``1800-2200 ON MAR 7 AND 9``,
#: ``1745-2145 07-13``, ``1730-2130 EVERY THU``): only times first, then only days.
_OFFSET = r"(?:\s*(?:MINUS|PLUS)\s*\d{1,3})?"
_TIME = rf"(?:{_T}){_OFFSET}\s*(?:-|TO|/)\s*(?:{_T}){_OFFSET}"
_TIMES_FIRST = re.compile(
    rf"(?P<times>{_TIME}(?:\s*(?:,|AND)?\s*{_TIME})*)(?!\d)\s+(?:(?:ON|EVERY)\s+)?"
    rf"(?P<days>(?:(?:{_M}|MAI|{_W}|AND|TIL|-|,|\d{{1,2}}(?!\d))\s*)+)"
)
_DAYS_CHECK = re.compile(r"\d{1,2}(?!\d)|" + _W)


class _Unreadable(Exception):
    pass


@functools.lru_cache(maxsize=16384)
def windows(
    item_d: str,
    start: datetime | None,
    end: datetime | None,
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[tuple[Window, ...] | None, str | None]:
    """Item D text -> (UTC windows inside B-C, None) or (None, the reason it cannot be read).

    Read: ``DAILY``/``DLY``/``EVERY DAY``/no day at all (every day), weekdays and
    weekday ranges (``MON-FRI``, ``SUN-THU``, ``MON TIL SAT``), dates with or without
    a month (``MAR 15-17``, ``15 16 17``, ``OCT 30-NOV 02``, ``JUL 28 TIL SEP 30``;
    ``MAI`` before a day number is May), each followed by one or more times
    ``hhmm-hhmm`` (``TO`` and ``/`` also separate), ``H24``, ``SR``/``SS`` with
    ``MINUS``/``PLUS`` minutes (sunrise and sunset at ``lat``/``lon``, see sun.py),
    ``HJ`` (sunrise to sunset), ``HN`` (sunset to the next sunrise), and full
    ``YYMMDDhhmm TO YYMMDDhhmm`` ranges. A time whose end is not after its start runs
    past midnight. Two layouts are read only when the plain reading fails: times
    written before the days (``1800-2200 ON MAR 7 AND 9``, ``1745-2145 07-13``,
    ``1730-2130 EVERY THU``: nothing but times, then nothing but days), and a
    bilingual ``TOUS LES JOURS HJ/EVERY DAY HJ``, whose English part is read.

    Dates without a month take the month of B), or of the last month named; a date
    earlier than the one before it moves to the next month. A date with a month named
    is the one such date between B and C when B-C is shorter than a year (schedules
    list dates grouped by time of day, not in order); otherwise an earlier date after
    a month name means the next year. ``EXC`` after the times removes days; anything
    else unknown gives ``(None, "schedule not read: ...")``: no window is ever guessed.

    Windows are clipped to [B, C) and merged when they touch. When C) is None
    (PERM), windows stop at B + 370 days (``HORIZON``).
    """
    text = item_d.strip().upper()
    if start is None:
        return None, f"schedule not read (no start time): {item_d!r}"
    stop = end if end is not None else start + HORIZON
    try:
        got = _windows(text, start, stop, lat, lon)
    except _Unreadable as why:
        alt = _alternative(text)
        if alt is None:
            return None, f"schedule not read: {why} in {item_d!r}"
        try:
            got = _windows(alt, start, stop, lat, lon)
        except _Unreadable as alt_why:
            return None, f"schedule not read: {alt_why} in {item_d!r} (read as {alt!r})"
    if not got:
        return None, f"schedule not read: no window between B and C in {item_d!r}"
    return got, None


def _alternative(text: str) -> str | None:
    """The same schedule in the plain layout, for the two layouts read as a fallback."""
    bm = _BILINGUAL.fullmatch(text)
    if bm:
        return bm["en"]
    tm = _TIMES_FIRST.fullmatch(text)
    if tm and _DAYS_CHECK.search(tm["days"]) and "TIL" not in tm["times"]:
        return f"{tm['days']} {tm['times']}"
    return None


def _windows(
    text: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
) -> tuple[Window, ...]:
    first_day = start.date() - timedelta(days=1)
    epoch = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    lo = (start - epoch) // _SECOND
    hi = (stop - epoch) // _SECOND
    raw = _read(text, first_day, (stop.date() - first_day).days, epoch, lat, lon)
    clipped = sorted(
        (a if a > lo else lo, b if b < hi else hi) for a, b in raw if b > lo and a < hi
    )
    if not clipped:
        return ()
    # merge in place: edges holds a0, b0, a1, b1 ...
    edges: list[int] = []
    last_b = None
    for a, b in clipped:
        if b <= a:
            continue
        if last_b is not None and a <= last_b:
            if b > last_b:
                edges[-1] = last_b = b
        else:
            edges.append(a)
            edges.append(b)
            last_b = b
    days: dict[int, datetime] = {}
    got: list[datetime] = []
    for v in edges:
        if v == lo:
            got.append(start)
        elif v == hi:
            got.append(stop)
        else:
            k, r = divmod(v, _DAY)
            d = days.get(k)
            if d is None:
                d = days[k] = epoch + timedelta(days=k)
            got.append(d + (_TOD[r // 60] if r % 60 == 0 else timedelta(seconds=r)) if r else d)
    return tuple(zip(got[::2], got[1::2], strict=True))


def _seconds_of_day(value: str) -> int:
    hh, mm = int(value[:2]), int(value[2:])
    if hh > 24 or mm > 59 or (hh == 24 and mm):
        raise _Unreadable(f"bad time {value}")
    return hh * 3600 + mm * 60


def _read(
    text: str,
    first_day: date,
    last_k: int,
    epoch: datetime,
    lat: float | None,
    lon: float | None,
) -> list[tuple[int, int]]:
    """Raw windows in seconds from ``epoch`` (00:00 UTC of ``first_day``, day index 0);
    days run from index 0 to ``last_k`` (the day of C)."""
    out: list[tuple[int, int]] = []
    month: int | None = None
    month_fresh = False  # a month name was just read: an earlier date means next year
    dates: list[int] = []  # day indices
    weekdays: set[int] = set()
    used = False  # times were already applied to the current day selection
    excluding = False  # after EXC: the days read are taken out of the windows
    last: date | None = None
    base = first_day.toordinal()
    first_wd = first_day.weekday()
    last_day = first_day + timedelta(days=last_k)
    within_year = last_k <= 364  # then a month and day occur at most once

    def resolve(day: int) -> date:
        nonlocal month, month_fresh, last
        floor = last or first_day
        m = month or floor.month
        y = floor.year
        try:
            got = date(y, m, day)
            if month_fresh and within_year:
                # just after a month name: the one such date between B and C, if any
                for cand in (got, _same_day(y + 1, m, day), _same_day(y - 1, m, day)):
                    if cand is not None and first_day <= cand <= last_day:
                        got = cand
                        break
                else:
                    got = _after(got, floor, month_fresh)
            else:
                got = _after(got, floor, month_fresh)
            if month is not None:
                month = got.month
        except ValueError as exc:
            raise _Unreadable(f"no such date {m:02d}-{day:02d}") from exc
        month_fresh = False
        last = got
        return got

    def selected() -> range | list[int]:
        if dates:
            return [k for k in dates if not weekdays or (first_wd + k) % 7 in weekdays]
        if weekdays:
            return [k for k in range(last_k + 1) if (first_wd + k) % 7 in weekdays]
        return range(last_k + 1)

    def sun_at(k: int, rising: bool) -> int:
        if lat is None or lon is None:
            raise _Unreadable("SR/SS without a position")
        got = sun.event_seconds(base + k, lat, lon, rising)
        if got is None:
            raise _Unreadable("no sunrise or sunset on that day")
        return k * _DAY + got

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
            out.append(
                (
                    (_parse_dt(m["dt1"]) - epoch) // _SECOND,
                    (_parse_dt(m["dt2"]) - epoch) // _SECOND,
                )
            )
            used = True
        elif m["t1"] or m["hj"]:
            if excluding:
                raise _Unreadable("times after EXC")
            if m["t1"]:
                t1, t2 = m["t1"], m["t2"]
            else:
                t1, t2 = ("SR", "SS") if m["hj"] == "HJ" else ("SS", "SR")
            o1 = int(m["o1"] or 0) * (-60 if m["s1"] == "MINUS" else 60)
            o2 = int(m["o2"] or 0) * (-60 if m["s2"] == "MINUS" else 60)
            days = [k for k in selected() if -1 <= k <= last_k]
            if t1 not in ("SR", "SS") and t2 not in ("SR", "SS"):
                s1 = _seconds_of_day(t1) + o1
                s2 = _seconds_of_day(t2) + o2
                span = s2 - s1 if s2 > s1 else s2 + _DAY - s1
                for k in days:
                    a0 = k * _DAY + s1
                    out.append((a0, a0 + span))
            else:
                fixed1 = None if t1 in ("SR", "SS") else _seconds_of_day(t1)
                fixed2 = None if t2 in ("SR", "SS") else _seconds_of_day(t2)
                for k in days:
                    a = (k * _DAY + fixed1 if fixed1 is not None else sun_at(k, t1 == "SR")) + o1
                    b = (k * _DAY + fixed2 if fixed2 is not None else sun_at(k, t2 == "SR")) + o2
                    if b <= a:
                        k2 = k + 1
                        b = (
                            k2 * _DAY + fixed2 if fixed2 is not None else sun_at(k2, t2 == "SR")
                        ) + o2
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
            for k in selected():
                if -1 <= k <= last_k:
                    out.append((k * _DAY, (k + 1) * _DAY))
            used = True
        elif m["mon"]:
            if used:
                dates, weekdays, used = [], set(), False
            month = _MONTHS[m["mon"]]
            month_fresh = True
        elif m["w1"]:
            if used:
                dates, weekdays, used = [], set(), False
            w1 = _WEEKDAYS[m["w1"]]
            w2 = _WEEKDAYS[m["w2"]] if m["w2"] else w1
            wk = w1
            weekdays.add(wk)
            while wk != w2:
                wk = (wk + 1) % 7
                weekdays.add(wk)
        elif m["d1"]:
            if used:
                dates, weekdays, used = [], set(), False
            d1 = resolve(int(m["d1"]))
            k1 = d1.toordinal() - base
            dates.append(k1)
            if m["d2"]:
                if m["m2"]:
                    month = _MONTHS[m["m2"]]
                    month_fresh = True
                d2 = resolve(int(m["d2"]))
                if d2 < d1:
                    raise _Unreadable(f"date range {m.group().strip()!r} runs backwards")
                dates.extend(range(k1 + 1, d2.toordinal() - base + 1))
        elif m["daily"]:
            if used:
                dates, weekdays, used = [], set(), False
        elif kind == "skip":
            continue
    if excluding:
        if not dates and not weekdays:
            raise _Unreadable("EXC without days")
        gone = set(dates)
        return [
            (a, b)
            for a, b in out
            if a // _DAY not in gone and (first_wd + a // _DAY) % 7 not in weekdays
        ]
    if (dates or weekdays) and not used:
        raise _Unreadable("days without times")
    if not out:
        raise _Unreadable("no times")
    return out


def _same_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _after(got: date, floor: date, month_fresh: bool) -> date:
    """The plain rule: a date earlier than the one before it is in the next year just
    after a month name, else in the next month (ValueError when that does not exist)."""
    if got >= floor:
        return got
    if month_fresh:
        return date(got.year + 1, got.month, got.day)
    return _next_month(got)


def _next_month(d: date) -> date:
    """The same day in the next month (ValueError when it does not exist)."""
    return date(d.year + (d.month == 12), d.month % 12 + 1, d.day)


def _parse_dt(value: str) -> datetime:
    got = parse_yymmddhhmm(value)
    if got is None:
        raise _Unreadable(f"bad date-time {value}")
    return got
