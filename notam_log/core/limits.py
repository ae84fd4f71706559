"""Limits on what a feed or a file may make notam-log hold: sizes, gzip, nesting, time.

Every reader of feed data goes through these, so that a hostile or broken input (a
gzip bomb, an endless body, a document nested 100,000 deep, a time in 2099) costs a
bounded amount of memory and time and ends as one clear line, never as a hang, a
traceback or a poisoned log.

* :data:`DEFAULT_MAX_BYTES`: the most a response or a file may hold once decoded
  (gzip undone); a source's ``max_bytes`` option changes it for that source.
* :data:`DEFAULT_DEADLINE`: the most one HTTP request may take, from sending it to
  its last byte (a source's ``deadline`` option).
* :data:`FUTURE_TOLERANCE`: how far ahead of the clock a bulletin's issue time may be
  before the bulletin is refused as suspect (clocks disagree by seconds, not hours).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from notam_log.core.errors import InputError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_DEADLINE = 120.0
#: The most a source's ``max_bytes`` may be set to (what a 64-bit SQLite row and a
#: 24 GB machine can still take comfortably).
MAX_MAX_BYTES = 1024 * 1024 * 1024
FUTURE_TOLERANCE = timedelta(minutes=15)
GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(InputError):
    """An input over a size limit (one line, saying which limit)."""


def size(n: int) -> str:
    """``64 MB``, ``512 kB``, ``17 bytes``: a size for a message."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n // 1024} kB"
    return f"{n} bytes"


def check_size(data: bytes, limit: int, name: str) -> bytes:
    """``data``, or :class:`TooLarge` when it holds more than ``limit`` bytes."""
    if len(data) > limit:
        raise TooLarge(f"{name}: {size(len(data))}, over the limit of {size(limit)}")
    return data


def gunzip(data: bytes, limit: int, name: str) -> tuple[bytes, bool]:
    """Undo gzip (one member or several) without ever holding more than ``limit`` bytes.

    Returns the decompressed bytes and whether the stream was cut short (what came
    before the cut is returned). Raises :class:`TooLarge` as soon as the output would
    pass ``limit`` (a gzip bomb costs at most ``limit`` bytes, never its full size) and
    :class:`InputError` for a stream that is not gzip or is damaged.
    """
    out = bytearray()
    pending = data
    inflate = zlib.decompressobj(wbits=31)
    try:
        while True:
            out += inflate.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise TooLarge(f"{name}: over the limit of {size(limit)} once decompressed")
            if inflate.unconsumed_tail:
                pending = inflate.unconsumed_tail
                continue
            if not inflate.eof:
                return bytes(out), True  # the input ended inside the stream
            rest = inflate.unused_data
            if rest[:2] != GZIP_MAGIC:
                return bytes(out), False  # the end (trailing padding, as gzip allows)
            pending = rest  # another member follows
            inflate = zlib.decompressobj(wbits=31)
    except zlib.error as exc:
        raise InputError(f"{name}: a damaged gzip stream ({exc})") from None


def ahead(when: datetime | None, now: datetime, tolerance: timedelta = FUTURE_TOLERANCE) -> bool:
    """Whether ``when`` lies more than ``tolerance`` after ``now`` (a time from the
    future: a wrong clock or a forged feed; never used as the time of a snapshot)."""
    return when is not None and when > now + tolerance
