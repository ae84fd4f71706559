"""One bad record is a record with issues, never the end of its response or file.

A structured record (a JSON object of the FAA or ICAO APIs) may hold anything: a
string where an object is expected, a number of 5,000 digits, infinity. The readers
are written for the documented shapes; :func:`guarded` runs one of them on one
record and turns whatever it raises into a record that keeps the input as ``raw``
and says in ``issues`` why it could not be read, so the other records of the same
response still count and nothing is dropped silently. Pure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from notam_log.core.models import Notam
from notam_log.core.numbers import shown
from notam_log.core.values import make_key

__all__ = ["JsonLimit", "guarded", "json_loads", "unreadable"]

_R = TypeVar("_R", bound=Notam | None)


def _raw(record: Any) -> str:
    try:
        return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    except (RecursionError, ValueError, TypeError):
        return f"<{type(record).__name__} that cannot be written as JSON>"


def unreadable(record: Any, source_format: str, why: str) -> Notam:
    """A record kept as it came (``raw``), keyed by a hash of it, with the reason."""
    raw = _raw(record)
    digest = hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:16]
    return Notam(
        key=make_key(None, fallback=digest),
        id=None,
        source_format=source_format,
        raw=raw,
        issues=(f"record not readable: {why}",),
    )


def guarded(read: Callable[[Any], _R], record: Any, source_format: str) -> _R | Notam:
    """``read(record)``, or :func:`unreadable` with the reason when it raises."""
    try:
        return read(record)
    except RecursionError:
        return unreadable(record, source_format, "nested too deep")
    except Exception as exc:  # one record's reader failing must not stop the others
        return unreadable(record, source_format, f"{type(exc).__name__}: {shown(str(exc), 80)}")


class JsonLimit(ValueError):
    """JSON past a limit of the reader (nesting, digits), not merely malformed."""


def json_loads(text: str | bytes) -> Any:
    """``json.loads`` whose every failure is a ``ValueError`` with a one-line reason:
    nesting too deep (``RecursionError``), a number of thousands of digits, invalid
    JSON or bytes that are not UTF-8."""
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonLimit("invalid JSON: nested too deep") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} (line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise ValueError("invalid JSON: not UTF-8") from None
    except ValueError as exc:  # a number past Python's 4,300 digits
        raise JsonLimit(f"invalid JSON: {shown(str(exc), 80)}") from None
