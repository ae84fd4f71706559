"""JSON text that is safe to print: control characters escaped, C1 included.

``json.dumps(..., ensure_ascii=False)`` (and orjson) escape C0 controls (U+0000 to
U+001F) but leave DEL (U+007F) and the C1 controls (U+0080 to U+009F) raw. Feed text
may carry them (U+009B is a terminal's CSI: it starts an escape sequence as ESC [
does), so every JSON that notam-log writes goes through :func:`escape_controls`
(or :func:`dumps`): each becomes ``\\u00XX``, which every JSON reader reads back as
the same character. U+2028 and U+2029 are escaped too (line breaks to JavaScript).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["dumps", "escape_controls", "escape_controls_utf8"]

_ESCAPES = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), 0x2028, 0x2029)}
#: The same characters in UTF-8: DEL, C2 80-9F (C1: C2 is only ever a lead byte),
#: E2 80 A8/A9; and their escapes.
_UTF8 = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")
_UTF8_ESCAPES = {chr(c).encode(): e.encode() for c, e in _ESCAPES.items()}


def escape_controls(text: str) -> str:
    """JSON text (from json, orjson...) with DEL, C1, U+2028 and U+2029 as ``\\uXXXX``.

    These characters can only stand inside JSON strings, where the escape means the
    same character, so the result is the same JSON value."""
    return text.translate(_ESCAPES)


def escape_controls_utf8(data: bytes) -> bytes:
    """:func:`escape_controls` for JSON text in UTF-8 bytes (orjson's)."""
    if (
        b"\x7f" not in data
        and b"\xc2" not in data
        and (b"\xe2" not in data or (b"\xe2\x80\xa8" not in data and b"\xe2\x80\xa9" not in data))
    ):  # the common case, told by a byte search for each lead byte (one byte is looked
        # for with memchr, ten times faster than CPython's search for a longer string)
        return data
    return _UTF8.sub(lambda m: _UTF8_ESCAPES[m[0]], data)


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, **kwargs)``, controls escaped."""
    kwargs.setdefault("ensure_ascii", False)
    return escape_controls(json.dumps(obj, **kwargs))
