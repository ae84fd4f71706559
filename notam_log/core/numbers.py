"""Whole numbers read from feed text, bounded: never ``int()`` on unbounded input.

``int("9" * 5000)`` raises ``ValueError`` (Python's 4,300-digit limit) and a 30-digit
number fits no SQLite column; a NOTAM number has four digits, a year four, a flight
level three. :func:`bounded_int` reads a number only when it has at most the digits
its field can hold; :func:`read_int` also says, in a record's ``issues``, why a field
was not read (with the text shortened).
"""

from __future__ import annotations

from typing import Any

#: The most digits of the numbers NOTAM fields hold (with room for odd feeds).
NUMBER_DIGITS = 6  # a NOTAM's number (4 in ICAO; some feeds number higher)
YEAR_DIGITS = 4
LEVEL_DIGITS = 5  # flight levels (3) or feet (5)
RADIUS_DIGITS = 4
COUNT_DIGITS = 9  # a page or record count in a response


def bounded_int(value: Any, digits: int) -> int | None:
    """The whole number ``value`` spells (an int, or text such as ``" 0042 "``, ``+7``),
    when it has at most ``digits`` significant digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if len(str(abs(value))) <= digits else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    sign = text[:1] if text[:1] in ("+", "-") else ""
    body = text[len(sign) :].lstrip("0") or ("0" if text[len(sign) :] else "")
    if not body or len(body) > digits or not body.isdecimal():
        return None
    return int(sign + body)


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for an issue or an error."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…({len(str(value))} chars)"


def read_int(value: str | None, name: str, digits: int, issues: list[str]) -> int | None:
    """A bounded whole number from a field, or None with the reason in ``issues``
    (nothing for a missing or blank field)."""
    if value is None or not value.strip():
        return None
    got = bounded_int(value, digits)
    if got is None:
        text = value.strip().lstrip("+-").lstrip("0")
        if text.isdecimal():
            issues.append(f"{name}: {len(text)} digits, more than {digits}: {shown(value)}")
        else:
            issues.append(f"{name}: not a number: {shown(value)}")
    return got
