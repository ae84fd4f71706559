"""When a NOTAM is in force: the UTC windows of its item D inside B-C, whether it is in
force at a time, and its JSON form (which shows those windows).

The windows are derived from the record (``schedule``, ``start``, ``end`` and the
Q-line position) by the item D reader, worked out on first use and memoised there
(:func:`notam_log.core.item_d.windows`); the record itself holds only what was read.
"""

from __future__ import annotations

import operator
from datetime import UTC, datetime
from typing import Any

from notam_log.core import item_d
from notam_log.core.item_d import Window
from notam_log.core.models import NOTAM_FIELDS, Notam, to_jsonable

__all__ = ["Window", "in_force", "notam_json", "windows"]


def windows(notam: Notam) -> tuple[Window, ...] | None:
    """The UTC windows of item D inside B-C; None when there is no item D or it cannot
    be read (the parser then says why in ``issues``)."""
    if notam.schedule is None:
        return None
    return item_d.windows(notam.schedule, notam.start, notam.end, notam.lat, notam.lon)


def in_force(notam: Notam, at: datetime) -> bool:
    """Whether the NOTAM is in force at ``at`` (B <= at < C, inside a D) window)."""
    if notam.start is not None and at < notam.start:
        return False
    if notam.end is not None and at >= notam.end:
        return False
    found = windows(notam)
    if found is not None:
        return any(a <= at < b for a, b in found)
    return True


def notam_json(notam: Notam, *, with_windows: bool = True) -> dict[str, Any]:
    """The record's fields with JSON-friendly values (ISO 8601 UTC with ``Z``), and the
    derived ``windows`` right after ``schedule`` (left out with ``with_windows=False``:
    what the event log stores, since the windows follow from the schedule and a
    daily schedule over decades would be thousands of them). (``Notam.from_json``
    reads it back, ignoring ``windows``.)"""
    out: dict[str, Any] = {}
    for name in NOTAM_FIELDS:
        out[name] = to_jsonable(getattr(notam, name))
        if name == "schedule" and with_windows:
            out["windows"] = to_jsonable(windows(notam))
    return out


def notam_fields(notam: Notam) -> dict[str, Any]:
    """``notam_json`` with the values as they are (UTC datetimes, tuples), for a
    serialiser that writes datetimes itself: orjson with ``OPT_UTC_Z`` and
    ``OPT_OMIT_MICROSECONDS`` writes the very text ``notam_json`` holds."""
    values = _ALL_FIELDS(notam)
    out = dict(zip(NOTAM_FIELDS[:_AFTER_SCHEDULE], values[:_AFTER_SCHEDULE], strict=True))
    out["windows"] = windows(notam)
    out.update(zip(NOTAM_FIELDS[_AFTER_SCHEDULE:], values[_AFTER_SCHEDULE:], strict=True))
    for name in ("start", "end"):  # UTC by construction; made so if ever not
        value = out[name]
        if value is not None and value.tzinfo is not UTC:
            out[name] = value.astimezone(UTC)
    return out


_ALL_FIELDS = operator.attrgetter(*NOTAM_FIELDS)
_AFTER_SCHEDULE = NOTAM_FIELDS.index("schedule") + 1
