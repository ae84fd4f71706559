"""When a NOTAM is in force: the UTC windows of its item D inside B-C, whether it is in
force at a time, and its JSON form (which shows those windows).

The windows are derived from the record (``schedule``, ``start``, ``end`` and the
Q-line position) by the item D reader, worked out on first use and memoised there
(:func:`notam_log.core.item_d.windows`); the record itself holds only what was read.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from notam_log.core import item_d
from notam_log.core.item_d import Window
from notam_log.core.jsontext import escape_controls_utf8
from notam_log.core.models import NOTAM_FIELDS, Notam, to_jsonable

__all__ = ["Window", "in_force", "json_lines", "notam_json", "windows"]


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


def json_lines(notams: Iterable[Notam], *, per_block: int = 512) -> Iterator[bytes]:
    """Each record as one compact JSON line: :func:`notam_json`'s fields, order and
    values (windows included), made by orjson and yielded in blocks of ``per_block``
    lines; DEL, C1 controls, U+2028 and U+2029 escaped as everywhere else
    (:mod:`notam_log.core.jsontext`).

    orjson writes the datetimes itself (UTC with ``Z``, whole seconds: ``notam_json``'s
    text). The windows of one schedule (with its B, C and position) are written once per
    call and reused as they are (records repeat their schedules: a bulletin read
    hourly, a schedule shared by a series of NOTAMs)."""
    written: dict[_WindowsKey, orjson.Fragment] = {}
    block: list[bytes] = []
    for notam in notams:
        block.append(orjson.dumps(_line_fields(notam, written), option=_LINE))
        if len(block) >= per_block:
            yield escape_controls_utf8(b"".join(block))
            block.clear()
    if block:
        yield escape_controls_utf8(b"".join(block))


#: What a record's windows follow from: (schedule, start, end, lat, lon).
_WindowsKey = tuple[str, datetime | None, datetime | None, float | None, float | None]
#: orjson writes datetimes as ``notam_json`` does: UTC with ``Z``, whole seconds.
_TIMES = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS
_LINE = _TIMES | orjson.OPT_APPEND_NEWLINE
_ALL_FIELDS = operator.attrgetter(*NOTAM_FIELDS)
_AFTER_SCHEDULE = NOTAM_FIELDS.index("schedule") + 1
_START, _END = NOTAM_FIELDS.index("start"), NOTAM_FIELDS.index("end")
#: ``notam_json``'s keys: the fields, ``windows`` right after ``schedule``.
_LINE_KEYS = (*NOTAM_FIELDS[:_AFTER_SCHEDULE], "windows", *NOTAM_FIELDS[_AFTER_SCHEDULE:])


def _line_fields(notam: Notam, written: dict[_WindowsKey, orjson.Fragment]) -> dict[str, Any]:
    """``notam_json``'s keys with the values as they are (datetimes, tuples; orjson
    writes them), the windows as JSON text already written (``written``)."""
    values = _ALL_FIELDS(notam)
    start, end = values[_START], values[_END]
    if (start is not None and start.tzinfo is not UTC) or (
        end is not None and end.tzinfo is not UTC
    ):  # UTC by construction; made so if ever not
        return _line_fields(
            dataclasses.replace(
                notam,
                start=None if start is None else start.astimezone(UTC),
                end=None if end is None else end.astimezone(UTC),
            ),
            written,
        )
    shown: orjson.Fragment | None = None
    if notam.schedule is not None:
        key = (notam.schedule, start, end, notam.lat, notam.lon)
        shown = written.get(key)
        if shown is None:
            shown = written[key] = orjson.Fragment(orjson.dumps(windows(notam), option=_TIMES))
    return dict(
        zip(
            _LINE_KEYS,
            (*values[:_AFTER_SCHEDULE], shown, *values[_AFTER_SCHEDULE:]),
            strict=True,
        )
    )
