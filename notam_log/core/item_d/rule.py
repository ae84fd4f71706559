"""What an item D schedule says, once read: a :class:`Rule` of operations over days.

Times are whole seconds from the rule's epoch (00:00 UTC of the day before B); days are
indices from that day (0) to ``last_k`` (the day of C, or of B + ``HORIZON``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: One time window, [start, end), both aware UTC.
Window = tuple[datetime, datetime]

#: When C) is PERM (None), windows are produced up to B + this many days.
HORIZON = timedelta(days=370)

DAY = 86400

#: Below this latitude (degrees, either side) the sun rises and sets every day (the
#: polar circle less refraction is about 65.7), so an SR/SS schedule is read without
#: working out sunrises; above it every SR/SS day is checked when it is read.
NO_POLAR_DAYS = 64.0


#: The note of a rule whose text takes out public holidays (``EXC HOL``).
HOLIDAYS_KEPT = (
    "schedule read in part: public holidays (EXC HOL) are not taken out"
    " (which days they are is not known)"
)


class Unreadable(Exception):
    """Why an item D text cannot be read (the reason is its message)."""


#: A day selection: (dates as day indices, weekdays); both empty means every day.
Selection = tuple[tuple[int, ...], frozenset[int]]


@dataclass(frozen=True, slots=True)
class Range:
    """``YYMMDDhhmm TO YYMMDDhhmm``, or a date-time span: one window, in seconds."""

    a: int
    b: int


@dataclass(frozen=True, slots=True)
class Fixed:
    """``hhmm-hhmm`` on the selected days: from ``s1`` for ``span`` seconds."""

    sel: Selection
    s1: int
    span: int


@dataclass(frozen=True, slots=True)
class Sun:
    """Times with SR/SS (``fixed*`` is None for SR/SS) and offsets in seconds."""

    sel: Selection
    t1: str
    t2: str
    o1: int
    o2: int
    fixed1: int | None
    fixed2: int | None


@dataclass(frozen=True, slots=True)
class H24:
    """``H24`` on the selected days."""

    sel: Selection


Op = Range | Fixed | Sun | H24


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Days taken out (``EXC``) of the windows of operations ``first`` to ``end - 1``:
    a window is taken out when the day it begins on is one of them."""

    dates: frozenset[int]
    weekdays: frozenset[int]
    first: int
    end: int

    def covers(self, k: int, first_wd: int) -> bool:
        return k in self.dates or (first_wd + k) % 7 in self.weekdays


@dataclass(frozen=True, slots=True)
class Rule:
    """A schedule as read by :func:`notam_log.core.item_d.read`, which
    :func:`notam_log.core.item_d.expand` expands."""

    text: str  # what was read: item D, or its English part / days-first layout
    start: datetime
    stop: datetime  # C, or B + HORIZON
    epoch: datetime
    last_k: int
    lo: int  # start in seconds from epoch
    hi: int  # stop in seconds from epoch
    ops: tuple[Op, ...]
    #: The days taken out by ``EXC``, each for the operations it applies to.
    exclude: tuple[Exclusion, ...] = ()
    #: What the windows hold that the text takes out, when some days cannot be known
    #: (``EXC HOL``): the parsers add it to the record's issues.
    note: str | None = None


def selected(sel: Selection, first_wd: int, last_k: int) -> Iterable[int]:
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


def lazy_selected(sel: Selection, first_wd: int, last_k: int) -> Iterable[int]:
    """:func:`selected`, made as it is read (for a look at the first few days)."""
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


def any_day(sel: Selection, first_wd: int, last_k: int) -> bool:
    """Whether :func:`selected` is not empty (without listing it)."""
    dates, weekdays = sel
    if dates:
        return any(
            -1 <= k <= last_k and (not weekdays or (first_wd + k) % 7 in weekdays) for k in dates
        )
    if weekdays:
        return any((first_wd + k) % 7 in weekdays for k in range(min(last_k, 6) + 1))
    return last_k >= 0
