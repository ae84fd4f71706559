"""A :class:`Rule` into UTC windows: raw windows in whole seconds from the rule's epoch
(one addition per day and time), clipped to [B, C) and merged as integers, turned into
datetimes once at the end. Sunrise and sunset are worked out only for the days the
schedule selects (memoised per day and position in :func:`notam_log.core.sun.event_seconds`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from notam_log.core import sun
from notam_log.core.item_d.rule import (
    DAY,
    H24,
    NO_POLAR_DAYS,
    Fixed,
    Op,
    Range,
    Rule,
    Sun,
    Unreadable,
    Window,
    lazy_selected,
    selected,
)


def expand(rule: Rule, lat: float | None = None, lon: float | None = None) -> tuple[Window, ...]:
    """The windows of a rule that :func:`notam_log.core.item_d.read` gave for the same
    ``lat``/``lon``, clipped to [B, C) and merged where they touch."""
    lo, hi = rule.lo, rule.hi
    clipped = sorted((max(a, lo), min(b, hi)) for a, b in raw(rule, lat, lon) if b > lo and a < hi)
    edges: list[int] = []  # a0, b0, a1, b1 ...
    for a, b in clipped:
        if b <= a:
            continue
        if edges and a <= edges[-1]:
            edges[-1] = max(edges[-1], b)
        else:
            edges += (a, b)
    got = [_time(rule, v) for v in edges]
    return tuple(zip(got[::2], got[1::2], strict=True))


def _time(rule: Rule, v: int) -> datetime:
    """Seconds from the epoch as a time (B and C as given, to keep their exact value)."""
    if v == rule.lo:
        return rule.start
    if v == rule.hi:
        return rule.stop
    return rule.epoch + timedelta(seconds=v)


def any_window(rule: Rule, lat: float | None, lon: float | None) -> bool:
    """Whether :func:`expand` gives at least one window: raw windows are made in order
    only until one is left after clipping to [B, C)."""
    lo, hi = rule.lo, rule.hi
    if rule.exclude:
        return any(min(b, hi) > max(a, lo) for a, b in raw(rule, lat, lon))
    base = rule.epoch.toordinal()
    first_wd = rule.epoch.weekday()
    for op in rule.ops:
        if isinstance(op, Sun) and surely_inside(op, lat, lo, hi, first_wd, rule.last_k):
            return True
        got = op_raw(op, base, first_wd, rule.last_k, lat, lon)
        if any(min(b, hi) > max(a, lo) for a, b in got):
            return True
    return False


def surely_inside(op: Sun, lat: float | None, lo: int, hi: int, first_wd: int, last_k: int) -> bool:
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
        or abs(lat) > NO_POLAR_DAYS
    ):
        return False
    first = -(-lo // DAY) + 1  # the first day k with k - 1 whole days >= lo
    return any(k >= first and (k + 3) * DAY <= hi for k in lazy_selected(op.sel, first_wd, last_k))


def raw(rule: Rule, lat: float | None, lon: float | None) -> Iterator[tuple[int, int]]:
    """The raw windows of a rule (seconds from its epoch), in the order stated, less
    those of the days taken out by ``EXC``."""
    base = rule.epoch.toordinal()
    first_wd = rule.epoch.weekday()
    for n, op in enumerate(rule.ops):
        got = op_raw(op, base, first_wd, rule.last_k, lat, lon)
        gone = [x for x in rule.exclude if x.first <= n < x.end]
        if not gone:
            yield from got
            continue
        for a, b in got:
            k = a // DAY
            if not any(x.covers(k, first_wd) for x in gone):
                yield a, b


def op_raw(
    op: Op, base: int, first_wd: int, last_k: int, lat: float | None, lon: float | None
) -> Iterable[tuple[int, int]]:
    """The raw windows of one operation of a rule, in order."""
    if isinstance(op, Range):
        return ((op.a, op.b),)
    if isinstance(op, Fixed):
        s1, span = op.s1, op.span
        return ((k * DAY + s1, k * DAY + s1 + span) for k in selected(op.sel, first_wd, last_k))
    if isinstance(op, Sun):
        return sun_windows(op, selected(op.sel, first_wd, last_k), base, lat, lon)
    assert isinstance(op, H24)
    return ((k * DAY, (k + 1) * DAY) for k in selected(op.sel, first_wd, last_k))


def sun_windows(
    op: Sun, days: Iterable[int], base: int, lat: float | None, lon: float | None
) -> Iterator[tuple[int, int]]:
    """The windows of an SR/SS operation on the given days; one whose end is not after
    its start ends on the next day."""
    r1, r2 = op.t1 == "SR", op.t2 == "SR"
    for k in days:
        a = _edge(op.fixed1, base, k, r1, lat, lon) + op.o1
        b = _edge(op.fixed2, base, k, r2, lat, lon) + op.o2
        if b <= a:
            b = _edge(op.fixed2, base, k + 1, r2, lat, lon) + op.o2
        yield a, b


def _edge(
    fixed: int | None, base: int, k: int, rising: bool, lat: float | None, lon: float | None
) -> int:
    """A fixed time of day k, or its sunrise or sunset, in seconds from the epoch."""
    if fixed is not None:
        return k * DAY + fixed
    if lat is None or lon is None:
        raise Unreadable("SR/SS without a position")
    got = sun.event_seconds(base + k, lat, lon, rising)
    if got is None:
        raise Unreadable("no sunrise or sunset on that day")
    return k * DAY + got
