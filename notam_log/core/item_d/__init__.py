"""Item D schedules (``MON-FRI 0600-1800``, ``MAR 15-17 0600-1800``, ``SR-SS``) into UTC windows.

Two steps: :func:`read` (cheap, done by the parsers) reads item D into a :class:`Rule`
or says why it cannot be read; :func:`windows` (done when someone asks, memoised)
expands a rule into windows. ``Notam.windows`` is derived this way from ``schedule``.

The package: :mod:`.words` reads the words of a text, :mod:`.reader` gives them dates
for one B and C (a :class:`Rule`, :mod:`.rule`), :mod:`.expand` turns a rule into windows.
"""

from __future__ import annotations

import functools
from datetime import datetime

from notam_log.core import sun
from notam_log.core.item_d.expand import any_window, expand
from notam_log.core.item_d.reader import read_rule
from notam_log.core.item_d.rule import HORIZON, Rule, Unreadable, Window
from notam_log.core.item_d.words import BILINGUAL, DAYS_CHECK, TIMES_FIRST, day_first, tokens

__all__ = ["HORIZON", "Rule", "Window", "clear_caches", "expand", "read", "windows"]


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

    Read: ``DAILY``/``DLY``/``EVERY DAY``/``TOUS LES JOURS``/``DIARIO``/no day at all
    (every day), weekdays and weekday ranges (``MON-FRI``, ``SUN-THU``, ``MON TIL
    SAT``, ``MONDAY``; French and Spanish ``LUN-VEN``, ``SAB DOM``, but ``MAR`` is
    always March), dates with or without a month (``MAR 15-17``, ``15 16 17``, ``OCT
    30-NOV 02``, ``JUL 28 TIL SEP 30``; French and Spanish months such as ``AVR``,
    ``JUIL``, ``ABR``, ``AGO``; ``MAI`` before a day number is May; days written first,
    ``15-17 MAR``, take the month that follows them; ``26 MAR - 30 APR``, with or
    without years, is every day from one to the other), each followed by one or more
    times ``hhmm-hhmm`` (``TO`` and ``/`` also separate), ``H24`` (``24H``),
    ``SR``/``SS`` with ``MINUS``/``PLUS`` minutes (sunrise and sunset at
    ``lat``/``lon``, see sun.py), ``HJ`` (sunrise to sunset), ``HN`` (sunset to the
    next sunrise), date-time spans ``MAR 15 0700 TO MAR 17 1500`` (months optional, as
    for dates) and full ``YYMMDDhhmm TO YYMMDDhhmm`` ranges. A time whose end is not
    after its start runs past midnight. Two layouts are read only when the plain
    reading fails: times written before the days (``1800-2200 ON MAR 7 AND 9``,
    ``1745-2145 07-13``, ``1730-2130 EVERY THU``, ``BTN 2000-2400 DLY FM 01 FEB TO 02
    APR``: nothing but times, then nothing but days), and a bilingual ``TOUS LES
    JOURS HJ/EVERY DAY HJ``, whose English part is read (the French one where the
    English one cannot be; both must agree where both can).

    Dates without a month take the month of B), or of the last month named; a date
    earlier than the one before it moves to the next month. A date with a month named
    is the one such date between B and C when B-C is shorter than a year (schedules
    list dates grouped by time of day, not in order); otherwise an earlier date after
    a month name means the next year. A month name with no day after it names the
    group of bare days just before it (day first), where the text has not named a
    month before its days; otherwise it is not read, unless every month name in the
    text follows its days and the last has no day after it (``EXC 21 APR AND 01
    MAY``): then every group is day first. Weekdays and nothing else (``SAT AND
    SUN``) are those whole days; dates alone are not read (a number at the end may be
    a time cut short).

    ``EXC`` (``EXCEPT``, ``SAUF``, ``EXCEPTO``) takes days out: after times, out of
    the windows of the group before it (from the start, or from the last ``EXC``
    group); a comma then days with times of their own start a new group (``DAILY
    0700-1900 EXC SUN, SUN 0900-1700``), which may have its own ``EXC``. Between days
    and their times (``EV FRI AND SAT EXC APR 03 0600-1200``), out of those days.
    ``EXC SAT EXC SUN`` takes out both. Times right after the days taken out of
    earlier times (``DAILY 0700-1900 EXC SUN 0900-1700``: other hours on Sundays, or
    Sundays' hours taken out?) are not read, nor are public holidays with hours of
    their own (``SAT SUN HOL 0800-1200``: which days they are is not known); public
    holidays taken out (``EXC HOL``) are not taken out, and the rule's ``note`` says
    so. French ``AU`` and Spanish ``A``/``AL`` join ranges of days and weekdays.
    Anything else unknown gives ``"schedule not read: ..."``, as does a schedule that
    leaves no window between B and C: no window is ever guessed.
    """
    text = item_d.strip().upper()
    if start is None:
        return f"schedule not read (no start time): {item_d!r}"
    stop = end if end is not None else start + HORIZON
    try:
        rule = read_rule(text, start, stop, lat, lon)
    except Unreadable as why:
        got = _other_layout(text, start, stop, lat, lon)
        if got is None:
            return f"schedule not read: {why} in {item_d!r}"
        if isinstance(got, tuple):
            alt, alt_why = got
            return f"schedule not read: {alt_why} in {item_d!r} (read as {alt!r})"
        rule = got
    if not any_window(rule, lat, lon):
        return f"schedule not read: no window between B and C in {item_d!r}"
    return rule


def _other_layout(
    text: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
) -> Rule | tuple[str, str] | None:
    """The rule of one of the layouts read only when the plain reading fails; (the
    text read, why it cannot be read) when it cannot; None when it is neither layout."""
    alt = day_first(text)
    if alt is not None and alt != text:
        try:
            return read_rule(alt, start, stop, lat, lon)
        except Unreadable:
            pass  # not that layout either: the others below, else the plain reason
    bm = BILINGUAL.fullmatch(text)
    if bm:
        return _bilingual(bm["en"].strip(), bm["fr"].strip(), start, stop, lat, lon)
    tm = TIMES_FIRST.fullmatch(text)
    if tm and DAYS_CHECK.search(tm["days"]) and "TIL" not in tm["times"]:
        alt = f"{tm['days']} {tm['times']}"
        try:
            return read_rule(alt, start, stop, lat, lon)
        except Unreadable as why:
            return alt, str(why)
    return None


def _bilingual(
    en: str, fr: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
) -> Rule | tuple[str, str]:
    """The English part of a bilingual item D, or the French one where the English one
    cannot be read; where both can, they must give the same windows."""
    try:
        rule = read_rule(en, start, stop, lat, lon)
    except Unreadable as why:
        try:
            return read_rule(fr, start, stop, lat, lon)
        except Unreadable:
            return en, str(why)
    try:
        other = read_rule(fr, start, stop, lat, lon)
    except Unreadable:
        return rule
    if expand(other, lat, lon) != expand(rule, lat, lon):
        return en, f"its French part {fr!r} says otherwise"
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


def clear_caches() -> None:
    """Forget every memo of this package (and of :mod:`notam_log.core.sun`)."""
    read.cache_clear()
    windows.cache_clear()
    tokens.cache_clear()
    sun.event_seconds.cache_clear()
