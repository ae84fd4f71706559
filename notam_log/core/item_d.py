"""Item D schedules (``MON-FRI 0600-1800``, ``MAR 15-17 0600-1800``, ``SR-SS``) into UTC windows.

Two steps: :func:`read` (cheap, done by the parsers) reads item D into a :class:`Rule`
or says why it cannot be read; :func:`windows` (done when someone asks, memoised)
expands a rule into windows. ``Notam.windows`` is derived this way from ``schedule``.

Windows are worked out in whole seconds counted from 00:00 UTC of the day before B
(integers, one addition per day and time), clipped and merged as integers, and turned
into datetimes once at the end; sunrise and sunset are computed only for the days the
schedule selects, memoised per (day, position) in :func:`notam_log.core.sun.event_seconds`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from notam_log.core import sun
from notam_log.core.values import frozen_builder, parse_yymmddhhmm

#: One time window, [start, end), both aware UTC.
Window = tuple[datetime, datetime]

#: When C) is PERM (None), windows are produced up to B + this many days.
HORIZON = timedelta(days=370)

_DAY = 86400
_SECOND = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)
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
      (?P<K_dt>(?P<dt1>\d{{10}})\s*(?:-|TO)\s*(?P<dt2>\d{{10}}))
    | (?P<K_span>(?:(?P<sm1>{_M})\s*)?(?P<sd1>\d{{1,2}})(?:\s*(?P<sa1>{_M}))?\s+(?P<st1>\d{{4}})
      \s*(?:-|TO)\s*
      (?:(?P<sm2>{_M})\s*)?(?P<sd2>\d{{1,2}})(?:\s*(?P<sa2>{_M}))?\s+(?P<st2>\d{{4}})(?!\d))
    | (?P<K_t>(?P<t1>{_T})(?:\s*(?P<s1>MINUS|PLUS)\s*(?P<o1>\d{{1,3}}))?
      \s*(?:-|TO|/)\s*
      (?P<t2>{_T})(?:\s*(?P<s2>MINUS|PLUS)\s*(?P<o2>\d{{1,3}}))?)
    | (?P<K_h24>(?P<h24>H24)(?![A-Z0-9]))
    | (?P<K_mon>(?P<mon>{_M}|MAI(?=\s*\d{{1,2}}(?!\d)))(?![A-Z]))
    | (?P<K_w>(?P<w1>{_W})(?:\s*(?:-|TIL|TO|THRU)\s*(?P<w2>{_W}))?(?![A-Z]))
    | (?P<K_d>(?P<d1>\d{{1,2}})
      (?:\s*(?:-|TIL(?![A-Z]))\s*(?:(?P<m2>{_M})\s*)?(?P<d2>\d{{1,2}}))?(?![\d/]))
    | (?P<K_daily>(?P<daily>DAILY|DLY|EVERY\s*DAYS?)(?![A-Z]))
    | (?P<K_hj>(?P<hj>HJ|HN)(?![A-Z]))
    | (?P<K_exc>(?P<exc>EXC)(?![A-Z]))
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


#: A day selection: (dates as day indices, weekdays); both empty means every day.
_Selection = tuple[tuple[int, ...], frozenset[int]]


@dataclass(frozen=True, slots=True)
class _Range:
    """``YYMMDDhhmm TO YYMMDDhhmm``: one window, in seconds from the epoch."""

    a: int
    b: int


@dataclass(frozen=True, slots=True)
class _Fixed:
    """``hhmm-hhmm`` on the selected days: from ``s1`` for ``span`` seconds."""

    sel: _Selection
    s1: int
    span: int


@dataclass(frozen=True, slots=True)
class _Sun:
    """Times with SR/SS (``fixed*`` is None for SR/SS) and offsets in seconds."""

    sel: _Selection
    t1: str
    t2: str
    o1: int
    o2: int
    fixed1: int | None
    fixed2: int | None


@dataclass(frozen=True, slots=True)
class _H24:
    """``H24`` on the selected days."""

    sel: _Selection


_Op = _Range | _Fixed | _Sun | _H24

#: Below this latitude (degrees, either side) the sun rises and sets every day (the
#: polar circle less refraction is about 65.7), so an SR/SS schedule is read without
#: working out sunrises; above it every SR/SS day is checked when it is read.
_NO_POLAR_DAYS = 64.0


@dataclass(frozen=True, slots=True)
class Rule:
    """A schedule as read by :func:`read`, which :func:`windows` expands.

    Times are whole seconds from ``epoch`` (00:00 UTC of the day before B); days are
    indices from that day (0) to ``last_k`` (the day of C, or of B + ``HORIZON``).
    """

    text: str  # what was read: item D, or its English part / days-first layout
    start: datetime
    stop: datetime  # C, or B + HORIZON
    epoch: datetime
    last_k: int
    lo: int  # start in seconds from epoch
    hi: int  # stop in seconds from epoch
    ops: tuple[_Op, ...]
    #: After ``EXC``: the (dates, weekdays) whose windows are taken out, and how many
    #: of the first operations that applies to (a group after ``EXC ..., `` keeps its own).
    exclude: tuple[frozenset[int], frozenset[int], int] | None = None


#: ``Rule(**fields)``, cheaper (see ``fields.frozen_builder``).
_new_rule = frozen_builder(
    Rule, ("text", "start", "stop", "epoch", "last_k", "lo", "hi", "ops", "exclude")
)
_new_fixed = frozen_builder(_Fixed, ("sel", "s1", "span"))


@functools.lru_cache(maxsize=16384)
def read(
    item_d: str,
    start: datetime | None,
    end: datetime | None,
    lat: float | None = None,
    lon: float | None = None,
) -> Rule | str:
    """Item D text -> the :class:`Rule` it states, or the reason it cannot be read
    (``"schedule not read: ..."``). Cheap: no window list is built and no sunrise is
    worked out (but for SR/SS schedules above 64 degrees of latitude, where the sun
    may not rise or set on some day, and for the first window, to be sure there is one).

    Read: ``DAILY``/``DLY``/``EVERY DAY``/no day at all (every day), weekdays and
    weekday ranges (``MON-FRI``, ``SUN-THU``, ``MON TIL SAT``), dates with or without
    a month (``MAR 15-17``, ``15 16 17``, ``OCT 30-NOV 02``, ``JUL 28 TIL SEP 30``;
    ``MAI`` before a day number is May; days written first, ``15-17 MAR``, take the
    month that follows them), each followed by one or more times
    ``hhmm-hhmm`` (``TO`` and ``/`` also separate), ``H24``, ``SR``/``SS`` with
    ``MINUS``/``PLUS`` minutes (sunrise and sunset at ``lat``/``lon``, see sun.py),
    ``HJ`` (sunrise to sunset), ``HN`` (sunset to the next sunrise), date-time spans
    ``MAR 15 0700 TO MAR 17 1500`` (months optional, as for dates) and full
    ``YYMMDDhhmm TO YYMMDDhhmm`` ranges. A time whose end is not after its start runs
    past midnight. Two layouts are read only when the plain reading fails: times
    written before the days (``1800-2200 ON MAR 7 AND 9``, ``1745-2145 07-13``,
    ``1730-2130 EVERY THU``: nothing but times, then nothing but days), and a
    bilingual ``TOUS LES JOURS HJ/EVERY DAY HJ``, whose English part is read.

    Dates without a month take the month of B), or of the last month named; a date
    earlier than the one before it moves to the next month. A date with a month named
    is the one such date between B and C when B-C is shorter than a year (schedules
    list dates grouped by time of day, not in order); otherwise an earlier date after
    a month name means the next year. A month name with no day after it names the
    group of bare days just before it (day first), where the text has not named a
    month before its days; otherwise it is not read. ``EXC`` after the times removes
    days from what comes before it; a comma then days with times of their own start a
    new group (``DAILY 0700-1900 EXC SUN, SUN 0900-1700``). Anything else unknown
    gives ``"schedule not read: ..."``, as does a schedule that leaves no window
    between B and C: no window is ever guessed.
    """
    text = item_d.strip().upper()
    if start is None:
        return f"schedule not read (no start time): {item_d!r}"
    stop = end if end is not None else start + HORIZON
    ops = _PLAIN.get(text)
    if ops is not None:
        fast = _plain_rule(text, ops, start, stop, lat, lon)
        if fast is not None:
            return fast
    plain: list[bool] = []
    try:
        rule = _rule(text, start, stop, lat, lon, plain)
        if plain and len(_PLAIN) < _PLAIN_MAX:
            _PLAIN[text] = rule.ops
    except _Unreadable as why:
        alt = _alternative(text)
        if alt is None:
            return f"schedule not read: {why} in {item_d!r}"
        try:
            rule = _rule(alt, start, stop, lat, lon)
        except _Unreadable as alt_why:
            return f"schedule not read: {alt_why} in {item_d!r} (read as {alt!r})"
    if not _any_window(rule, lat, lon):
        return f"schedule not read: no window between B and C in {item_d!r}"
    return rule


@functools.lru_cache(maxsize=16384)
def windows(
    item_d: str,
    start: datetime | None,
    end: datetime | None,
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[Window, ...] | None:
    """The UTC windows of item D inside B-C, or None when it cannot be read (the
    reason is :func:`read`'s). Windows are clipped to [B, C) and merged when they
    touch. When C) is None (PERM), windows stop at B + 370 days (``HORIZON``)."""
    rule = read(item_d, start, end, lat, lon)
    if isinstance(rule, str):
        return None
    return expand(rule, lat, lon)


#: Item D texts with no date in them (times, weekdays, ``DAILY``, ``H24``, ``HJ``/``HN``
#: only), read once, to the operations of their rule, which then depend on the text
#: alone: a NOTAM feed repeats such texts (``SR-SS``, ``DAILY 0600-1800``) for many
#: NOTAMs with other B and C. Bounded; cleared with the other memos (the benchmark's
#: cold runs clear it).
_PLAIN: dict[str, tuple[_Op, ...]] = {}
_PLAIN_MAX = 16384


def clear_caches() -> None:
    """Forget every memo of this module (and of :mod:`notam_log.core.sun`)."""
    read.cache_clear()
    windows.cache_clear()
    _tokens.cache_clear()
    _PLAIN.clear()
    sun.event_seconds.cache_clear()


def _plain_rule(
    text: str,
    ops: tuple[_Op, ...],
    start: datetime,
    stop: datetime,
    lat: float | None,
    lon: float | None,
) -> Rule | None:
    """The rule of a date-free ``text`` whose operations are known, for B/C; None when
    the plain reading must decide (no window, or SR/SS where a day may have none)."""
    first_day = start.date() - _ONE_DAY
    last_k = (stop.date() - first_day).days
    first_wd = first_day.weekday()
    polar = lat is None or lon is None or abs(lat) > _NO_POLAR_DAYS
    has_window = False
    for op in ops:
        if isinstance(op, _Sun) and polar:
            return None
        if not has_window and _any_day(op.sel, first_wd, last_k):  # type: ignore[union-attr]
            has_window = True
    if not has_window:
        return None
    epoch = datetime(first_day.year, first_day.month, first_day.day, 0, 0, 0, 0, UTC)
    rule = _new_rule(
        text,
        start,
        stop,
        epoch,
        last_k,
        (start - epoch) // _SECOND,
        (stop - epoch) // _SECOND,
        ops,
        None,
    )
    if not _any_window(rule, lat, lon):
        return None
    return rule


def _alternative(text: str) -> str | None:
    """The same schedule in the plain layout, for the two layouts read as a fallback."""
    bm = _BILINGUAL.fullmatch(text)
    if bm:
        return bm["en"]
    tm = _TIMES_FIRST.fullmatch(text)
    if tm and _DAYS_CHECK.search(tm["days"]) and "TIL" not in tm["times"]:
        return f"{tm['days']} {tm['times']}"
    return None


def _any_window(rule: Rule, lat: float | None, lon: float | None) -> bool:
    """Whether :func:`expand` gives at least one window: raw windows are made in order
    only until one is left after clipping to [B, C). (Fixed times and ``H24`` without
    ``EXC`` are tried here as :func:`_raw` would make them, without its generators.)"""
    lo, hi = rule.lo, rule.hi
    if rule.exclude is not None:
        for a, b in _raw(rule, lat, lon):
            if b > lo and a < hi and (b if b < hi else hi) > (a if a > lo else lo):
                return True
        return False
    first_day = rule.epoch.date()
    first_wd = first_day.weekday()
    last_k = rule.last_k
    for op in rule.ops:
        cls = op.__class__
        if cls is _Fixed or cls is _H24:
            if cls is _Fixed:
                s1, span = op.s1, op.span  # type: ignore[union-attr]
            else:
                s1, span = 0, _DAY
            for k in _lazy_selected(op.sel, first_wd, last_k):  # type: ignore[union-attr]
                a = k * _DAY + s1
                b = a + span
                if b > lo and a < hi and (b if b < hi else hi) > (a if a > lo else lo):
                    return True
            continue
        if cls is _Sun and _surely_inside(op, lat, lo, hi, first_wd, last_k):  # type: ignore[arg-type]
            return True
        for a, b in _op_raw(op, first_day.toordinal(), first_wd, last_k, lat, lon):
            if b > lo and a < hi and (b if b < hi else hi) > (a if a > lo else lo):
                return True
    return False


def _surely_inside(
    op: _Sun, lat: float | None, lo: int, hi: int, first_wd: int, last_k: int
) -> bool:
    """Whether a sunrise/sunset operation certainly has a window inside [lo, hi),
    known without working out a sunrise: both ends are SR or SS with no offset, the
    sun rises and sets every day there, and a selected day k has the days k-1 to k+2
    inside [lo, hi). (Such an event is within 0.52 of a day of noon at Greenwich on
    its day, so a window of day k lies between k - 0.52 and k + 2.52 days and is not
    empty: the day and the night are each longer than a few hours below 64 degrees.)"""
    if (
        op.fixed1 is not None
        or op.fixed2 is not None
        or op.o1
        or op.o2
        or op.t1 == op.t2
        or lat is None
        or abs(lat) > _NO_POLAR_DAYS
    ):
        return False
    first = -(-lo // _DAY) + 1  # the first day k with k - 1 whole days >= lo
    for k in _lazy_selected(op.sel, first_wd, last_k):
        if k >= first and (k + 3) * _DAY <= hi:
            return True
    return False


def expand(rule: Rule, lat: float | None = None, lon: float | None = None) -> tuple[Window, ...]:
    """The windows of a rule that :func:`read` gave for the same ``lat``/``lon``."""
    lo, hi = rule.lo, rule.hi
    start, stop, epoch = rule.start, rule.stop, rule.epoch
    clipped = sorted(
        (a if a > lo else lo, b if b < hi else hi)
        for a, b in _raw(rule, lat, lon)
        if b > lo and a < hi
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


def _selected(sel: _Selection, first_wd: int, last_k: int) -> Iterable[int]:
    """The day indices a selection names that can have a window (-1 to ``last_k``)."""
    dates, weekdays = sel
    if dates:
        return [
            k
            for k in dates
            if -1 <= k <= last_k and (not weekdays or (first_wd + k) % 7 in weekdays)
        ]
    if weekdays:
        return [k for k in range(last_k + 1) if (first_wd + k) % 7 in weekdays]
    return range(last_k + 1)


def _lazy_selected(sel: _Selection, first_wd: int, last_k: int) -> Iterable[int]:
    """:func:`_selected`, made as it is read (for a look at the first few days)."""
    dates, weekdays = sel
    if dates:
        return (
            k
            for k in dates
            if -1 <= k <= last_k and (not weekdays or (first_wd + k) % 7 in weekdays)
        )
    if weekdays:
        return (k for k in range(last_k + 1) if (first_wd + k) % 7 in weekdays)
    return range(last_k + 1)


def _any_day(sel: _Selection, first_wd: int, last_k: int) -> bool:
    """Whether :func:`_selected` is not empty (without listing it)."""
    dates, weekdays = sel
    if dates:
        return any(
            -1 <= k <= last_k and (not weekdays or (first_wd + k) % 7 in weekdays) for k in dates
        )
    if weekdays:
        return any((first_wd + k) % 7 in weekdays for k in range(min(last_k, 6) + 1))
    return last_k >= 0


def _sun_at(base: int, k: int, rising: bool, lat: float | None, lon: float | None) -> int:
    if lat is None or lon is None:
        raise _Unreadable("SR/SS without a position")
    got = sun.event_seconds(base + k, lat, lon, rising)
    if got is None:
        raise _Unreadable("no sunrise or sunset on that day")
    return k * _DAY + got


def _raw(rule: Rule, lat: float | None, lon: float | None) -> Iterator[tuple[int, int]]:
    """The raw windows of a rule (seconds from its epoch), in the order stated, less
    those of the days after ``EXC``."""
    first_day = rule.epoch.date()
    base = first_day.toordinal()
    first_wd = first_day.weekday()
    last_k = rule.last_k
    for n, op in enumerate(rule.ops):
        got = _op_raw(op, base, first_wd, last_k, lat, lon)
        if rule.exclude is None or n >= rule.exclude[2]:
            yield from got
        else:
            gone, weekdays, _ = rule.exclude
            for a, b in got:
                k = a // _DAY
                if k not in gone and (first_wd + k) % 7 not in weekdays:
                    yield a, b


def _op_raw(
    op: _Op, base: int, first_wd: int, last_k: int, lat: float | None, lon: float | None
) -> Iterable[tuple[int, int]]:
    """The raw windows of one operation of a rule, in order."""
    if isinstance(op, _Range):
        return ((op.a, op.b),)
    if isinstance(op, _Fixed):
        s1, span = op.s1, op.span
        return ((k * _DAY + s1, k * _DAY + s1 + span) for k in _selected(op.sel, first_wd, last_k))
    if isinstance(op, _Sun):
        return _sun_windows(op, _selected(op.sel, first_wd, last_k), base, lat, lon)
    return ((k * _DAY, (k + 1) * _DAY) for k in _selected(op.sel, first_wd, last_k))


def _sun_windows(
    op: _Sun, days: Iterable[int], base: int, lat: float | None, lon: float | None
) -> Iterator[tuple[int, int]]:
    fixed1, fixed2, o1, o2 = op.fixed1, op.fixed2, op.o1, op.o2
    r1, r2 = op.t1 == "SR", op.t2 == "SR"
    for k in days:
        a = (k * _DAY + fixed1 if fixed1 is not None else _sun_at(base, k, r1, lat, lon)) + o1
        b = (k * _DAY + fixed2 if fixed2 is not None else _sun_at(base, k, r2, lat, lon)) + o2
        if b <= a:
            k2 = k + 1
            b = (k2 * _DAY + fixed2 if fixed2 is not None else _sun_at(base, k2, r2, lat, lon)) + o2
        yield a, b


#: ``hhmm`` -> seconds of the day, for every valid time (``0000`` to ``2400``): a table.
_HHMM: dict[str, int] = {
    f"{hh:02d}{mm:02d}": hh * 3600 + mm * 60
    for hh in range(25)
    for mm in range(60)
    if hh < 24 or mm == 0
}


def _seconds_of_day(value: str) -> int:
    got = _HHMM.get(value)
    if got is not None:
        return got
    hh, mm = int(value[:2]), int(value[2:])
    if hh > 24 or mm > 59 or (hh == 24 and mm):
        raise _Unreadable(f"bad time {value}")
    return hh * 3600 + mm * 60


def _rule(
    text: str,
    start: datetime,
    stop: datetime,
    lat: float | None,
    lon: float | None,
    plain: list[bool] | None = None,
) -> Rule:
    """Read ``text`` into a :class:`Rule` for B = ``start`` and C = ``stop``, or raise
    :class:`_Unreadable` with the reason. ``plain``, if given, gets ``True`` appended
    when the text has no date, month, date-time range or ``EXC`` (then the rule's
    operations depend on the text alone)."""
    dated = False
    first_day = start.date() - _ONE_DAY
    epoch = datetime(first_day.year, first_day.month, first_day.day, 0, 0, 0, 0, UTC)
    last_k = (stop.date() - first_day).days
    ops: list[_Op] = []
    has_window = False  # some op has a day (or is a range): the raw list is not empty
    month: int | None = None
    month_fresh = False  # a month name was just read: an earlier date means next year
    dates: list[int] = []  # day indices
    weekdays: set[int] = set()
    used = False  # times were already applied to the current day selection
    excluding = False  # after EXC: the days read are taken out of the windows
    last: date | None = None
    base = first_day.toordinal()
    first_wd = first_day.weekday()
    within_year = last_k <= 364  # then a month and day occur at most once
    #: Day of month -> its date between B and C if it occurs there only once, else None
    #: (filled as days are asked for).
    only_dates: dict[int, date | None] = {}
    last_day = first_day + timedelta(days=last_k)  # the day of C

    def resolve(day: int) -> date:
        nonlocal month, month_fresh, last
        if month is None:
            if day in only_dates:
                once = only_dates[day]
            else:
                once = only_dates[day] = _only_date(day, first_day, last_day)
            if once is not None:
                # No month named, and this day of the month occurs once between B and C:
                # it is that date, whatever order the groups are written in
                # ("11-14 17-21 1800-1830, 15 0830-0930, 31 1700-1730").
                last = once
                return once
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

    def add_days(tok: tuple[Any, ...]) -> None:
        nonlocal month, month_fresh
        _, day1, month2, day2, written = tok
        d1 = resolve(day1)
        k1 = d1.toordinal() - base
        dates.append(k1)
        if day2 is not None:
            if month2 is not None:
                month = month2
                month_fresh = True
            d2 = resolve(day2)
            if d2 < d1:
                raise _Unreadable(f"date range {written!r} runs backwards")
            dates.extend(range(k1 + 1, d2.toordinal() - base + 1))

    #: The day tokens of the current group of bare days (no month among them), and the
    #: reading state before it: a month name right after them, with no day after it,
    #: is written day first ("15 16 MAR 0700-1500") and names their month.
    group: list[tuple[Any, ...]] = []
    group_state: tuple[date | None, int | None, bool] = (None, None, False)
    day_first = month_first = False  # the layout seen so far
    exclude: tuple[frozenset[int], frozenset[int], int] | None = None
    held: tuple[list[int], set[int]] = ([], set())  # days after EXC, before a separator
    toks = _tokens(text)
    for idx, tok in enumerate(toks):
        kind = tok[0]
        if kind in _TIMED and excluding:
            if not held[0] and not held[1]:
                raise _Unreadable("times after EXC")
            exclude = (frozenset(held[0]), frozenset(held[1]), len(ops))
            excluding = False
        if kind == _K_TIME:
            _, t1, t2, o1, o2, fixed1, fixed2, sunny, bad = tok
            if bad:
                raise _Unreadable(bad)
            sel: _Selection = (tuple(dates), frozenset(weekdays))
            if not sunny:
                s1 = fixed1 + o1
                s2 = fixed2 + o2
                ops.append(_new_fixed(sel, s1, s2 - s1 if s2 > s1 else s2 + _DAY - s1))
            else:
                op = _Sun(sel, t1, t2, o1, o2, fixed1, fixed2)
                if lat is None or lon is None or abs(lat) > _NO_POLAR_DAYS:
                    # every day, as expand would: no position, or a day without sunrise
                    for _ in _sun_windows(op, _selected(sel, first_wd, last_k), base, lat, lon):
                        pass
                ops.append(op)
            has_window = has_window or _any_day(sel, first_wd, last_k)
            used = True
        elif kind == _K_RANGE:
            dated = True
            ops.append(
                _Range(
                    (_parse_dt(tok[1]) - epoch) // _SECOND,
                    (_parse_dt(tok[2]) - epoch) // _SECOND,
                )
            )
            has_window = True
            used = True
        elif kind == _K_SPAN:
            if (dates or weekdays) and not used:
                raise _Unreadable("days without times")
            dated = True
            _, month1, day1, s1, month2, day2, s2, written = tok
            if month1 is not None:
                month, month_fresh = month1, True
            k1 = resolve(day1).toordinal() - base
            if month2 is not None:
                month, month_fresh = month2, True
            k2 = resolve(day2).toordinal() - base
            a, b = k1 * _DAY + s1, k2 * _DAY + s2
            if b <= a:
                raise _Unreadable(f"{written!r} runs backwards")
            ops.append(_Range(a, b))
            dates, weekdays = [], set()
            has_window = True
            used = True
        elif kind == _K_DAYS:
            dated = True
            if used:
                dates, weekdays, used = [], set(), False
            if not dates:
                group, group_state = [], (last, month, month_fresh)
            if tok[2] is None:
                group.append(tok)
            else:  # "MAR 30-APR 02": months written before their days
                group, month_first = [], True
            add_days(tok)
        elif kind == _K_EXC:
            dated = True
            if not has_window:
                raise _Unreadable("EXC before any time")
            if exclude is not None:
                raise _Unreadable("EXC twice")
            excluding = True
            dates, weekdays, used = [], set(), False
        elif kind == _K_SEP:  # a comma or semicolon after EXC
            if excluding and (dates or weekdays):
                # the days taken out may end here: if times follow the next days, those
                # days are a group of their own ("EXC SUN, SUN 0900-1700"); if not, they
                # are taken out too ("EXC SAT, SUN")
                held[0].extend(dates)
                held[1].update(weekdays)
                dates, weekdays = [], set()
        elif kind == _K_H24:
            sel = (tuple(dates), frozenset(weekdays))
            ops.append(_H24(sel))
            has_window = has_window or _any_day(sel, first_wd, last_k)
            used = True
        elif kind == _K_MONTH:
            dated = True
            after = toks[idx + 1][0] if idx + 1 < len(toks) else None
            if after != _K_DAYS and after != _K_UNREADABLE:
                # no day after the month: written day first, or not read
                if not (
                    group
                    and not used
                    and not month_first
                    and toks[idx - 1][0] == _K_DAYS
                    and all(t[0] == _K_DAYS for t in toks[idx - len(group) : idx])
                    and (group_state[1] is None or day_first)
                ):
                    raise _Unreadable("a month name not followed by its days")
                last = group_state[0]
                month, month_fresh = tok[1], True
                dates = []
                for day_tok in group:
                    add_days(day_tok)
                group, day_first = [], True
                continue
            if used:
                dates, weekdays, used = [], set(), False
            group, month_first = [], True
            month = tok[1]
            month_fresh = True
        elif kind == _K_WEEKDAYS:
            if used:
                dates, weekdays, used = [], set(), False
            weekdays.update(tok[1])
        elif kind == _K_DAILY:
            if used:
                dates, weekdays, used = [], set(), False
        else:  # _K_UNREADABLE
            raise _Unreadable(tok[1])
    if excluding:
        if not (dates or weekdays or held[0] or held[1]):
            raise _Unreadable("EXC without days")
        exclude = (frozenset(held[0] + dates), frozenset(held[1] | weekdays), len(ops))
    else:
        if (dates or weekdays) and not used:
            raise _Unreadable("days without times")
        if not has_window:
            raise _Unreadable("no times")
    if plain is not None and not dated:
        plain.append(True)
    return _new_rule(
        text,
        start,
        stop,
        epoch,
        last_k,
        (start - epoch) // _SECOND,
        (stop - epoch) // _SECOND,
        tuple(ops),
        exclude,
    )


# What _tokens gives, one kind per alternative of _TOKEN (skipped words give nothing).
(
    _K_TIME,
    _K_RANGE,
    _K_DAYS,
    _K_EXC,
    _K_H24,
    _K_MONTH,
    _K_WEEKDAYS,
    _K_DAILY,
    _K_SPAN,
    _K_SEP,
    _K_UNREADABLE,
) = range(11)
#: The kinds of word that give windows to the days before them.
_TIMED = frozenset({_K_TIME, _K_H24, _K_SPAN})
_SUN_TIMES = ("SR", "SS")
#: The commonest word, ``hhmm-hhmm`` with no offset, read without _TOKEN: where this
#: matches, _TOKEN's first two alternatives (ten digits; a date-time span, which starts
#: with a day of one or two digits and a blank) cannot, and K_t matches the same text
#: with no offsets.
_PLAIN_TIMES = re.compile(r"\s*(\d{4})\s*(?:-|TO|/)\s*(\d{4})(?!\s*(?:MINUS|PLUS))")
#: The next commonest, a bare day of the month followed by another bare day, a comma
#: or the end (``05`` in ``05 06 10``): there _TOKEN can read only its K_d, with no
#: second day (a span or time needs four digits after the day, a range ``-`` or ``TIL``).
_PLAIN_DAY = re.compile(r"\s*(\d{1,2})(?=\s+\d{1,2}(?![\d/])|\s*,|\s*$)")


@functools.lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[tuple[Any, ...], ...]:
    """The words of an item D text, read once per text (what depends on the text
    alone; :func:`_rule` applies them to B and C), in order:

    * ``(_K_TIME, t1, t2, offset1, offset2, seconds1, seconds2, sun, bad)``: a time
      range (``hhmm`` or ``SR``/``SS``, offsets in seconds, seconds of the day of the
      fixed ends or None, whether SR/SS occur, the reason a time is bad or None);
    * ``(_K_SPAN, month or None, day, seconds, month or None, day, seconds, as written)``:
      one stretch from a date and time to another (``APR 01 0700 TO APR 03 1500``, or
      day first, ``01 APR 0700 TO 03 APR 1500``);
    * ``(_K_RANGE, yymmddhhmm, yymmddhhmm)``; ``(_K_DAYS, day, month or None, day or
      None, as written)``; ``(_K_MONTH, month)``; ``(_K_WEEKDAYS, weekdays)``;
      ``(_K_EXC,)``, ``(_K_H24,)``, ``(_K_DAILY,)``; ``(_K_SEP,)`` for a comma or
      semicolon after ``EXC`` (elsewhere they are skipped);
    * last, ``(_K_UNREADABLE, reason)`` where the text cannot be read on.
    """
    out: list[tuple[Any, ...]] = []
    pos = 0
    n = len(text)
    after_exc = False  # separators matter only after EXC (see _rule)
    while pos < n:
        fm = _PLAIN_TIMES.match(text, pos)
        if fm:  # what _TOKEN reads there too (its K_t, with no offsets)
            t1, t2 = fm.groups()
            fixed1 = _HHMM.get(t1)
            fixed2 = _HHMM.get(t2)
            if fixed1 is not None and fixed2 is not None:  # else read below, as _TOKEN does
                out.append((_K_TIME, t1, t2, 0, 0, fixed1, fixed2, False, None))
                pos = fm.end()
                continue
        dm = _PLAIN_DAY.match(text, pos)
        if dm:  # what _TOKEN reads there too (its K_d, one day)
            day = dm[1]
            out.append((_K_DAYS, int(day), None, None, day))
            pos = dm.end()
            continue
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if rest:
                out.append((_K_UNREADABLE, f"cannot read {rest[:20]!r}"))
            break
        pos = m.end()
        kind = m.lastgroup  # the alternative read (K_...), or skip
        if kind == "skip":
            if after_exc and m["skip"] in (",", ";"):
                out.append((_K_SEP,))
            continue
        if kind == "K_t" or kind == "K_hj":
            t1, g1, n1, t2, g2, n2 = m.group("t1", "s1", "o1", "t2", "s2", "o2")
            if not t1:
                t1, t2 = ("SR", "SS") if m["hj"] == "HJ" else ("SS", "SR")
            o1 = int(n1) * (-60 if g1 == "MINUS" else 60) if n1 else 0
            o2 = int(n2) * (-60 if g2 == "MINUS" else 60) if n2 else 0
            sunny = t1 in _SUN_TIMES or t2 in _SUN_TIMES
            fixed1 = fixed2 = None
            bad = None
            try:
                fixed1 = None if t1 in _SUN_TIMES else _seconds_of_day(t1)
                fixed2 = None if t2 in _SUN_TIMES else _seconds_of_day(t2)
            except _Unreadable as why:
                bad = str(why)
            out.append((_K_TIME, t1, t2, o1, o2, fixed1, fixed2, sunny, bad))
        elif kind == "K_dt":
            out.append((_K_RANGE, m["dt1"], m["dt2"]))
        elif kind == "K_span":
            try:
                s1, s2 = _seconds_of_day(m["st1"]), _seconds_of_day(m["st2"])
            except _Unreadable as why:
                out.append((_K_UNREADABLE, str(why)))
                break
            if (m["sm1"] and m["sa1"]) or (m["sm2"] and m["sa2"]):
                out.append((_K_UNREADABLE, f"two months for one day in {m.group().strip()!r}"))
                break
            m1, m2 = m["sm1"] or m["sa1"], m["sm2"] or m["sa2"]
            out.append(
                (
                    _K_SPAN,
                    _MONTHS[m1] if m1 else None,
                    int(m["sd1"]),
                    s1,
                    _MONTHS[m2] if m2 else None,
                    int(m["sd2"]),
                    s2,
                    " ".join(m.group().split()),
                )
            )
        elif kind == "K_d":
            out.append(
                (
                    _K_DAYS,
                    int(m["d1"]),
                    _MONTHS[m["m2"]] if m["m2"] else None,
                    int(m["d2"]) if m["d2"] else None,
                    m.group().strip(),
                )
            )
        elif kind == "K_exc":
            out.append((_K_EXC,))
            after_exc = True
        elif kind == "K_h24":
            out.append((_K_H24,))
        elif kind == "K_mon":
            out.append((_K_MONTH, _MONTHS[m["mon"]]))
        elif kind == "K_w":
            w1 = _WEEKDAYS[m["w1"]]
            w2 = _WEEKDAYS[m["w2"]] if m["w2"] else w1
            days = [w1]
            while days[-1] != w2:
                days.append((days[-1] + 1) % 7)
            out.append((_K_WEEKDAYS, tuple(days)))
        elif kind == "K_daily":
            out.append((_K_DAILY,))
    return tuple(out)


def _only_date(day: int, first: date, last: date) -> date | None:
    """The date with day of month ``day`` between ``first`` and ``last`` (both
    included) when there is exactly one, else None."""
    found = None
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        got = _same_day(y, m, day)
        if got is not None and first <= got <= last:
            if found is not None:
                return None
            found = got
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


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
