"""The Q line of an ICAO NOTAM (``EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005``).

Read by content rather than by position, so that a missing, ``undefined`` or glued
field does not shift the others: the FIR, the Q-code, up to three letter fields
(traffic, purpose, scope, filled from the right), the two three-digit levels, then
the centre and radius. Empty fields are simply absent (None); unreadable ones are
named in the issues.
"""

from __future__ import annotations

import itertools
import re

from notam_log.core.values import parse_coords

__all__ = ["QFields", "read_q"]

#: The Q-line fields, in the order :func:`read_q` gives them.
QFields = tuple[
    str | None,  # fir
    str | None,  # qcode
    str | None,  # traffic
    str | None,  # purpose
    str | None,  # scope
    int | None,  # lower
    int | None,  # upper
    float | None,  # lat
    float | None,  # lon
    int | None,  # radius_nm
]

#: No Q line at all: every field absent.
NO_FIELDS: QFields = (None, None, None, None, None, None, None, None, None, None)

_LOCATION = re.compile(r"[A-Z0-9]{3,4}")
_COORD_RADIUS = re.compile(
    r"(\d{4}(?:\d{2}(?:\.?\d+)?)?[NS]\d{5}(?:\d{2}(?:\.?\d+)?)?[EW])(\d{1,3})?"
)
_HEMISPHERES = "NSEW"
_QCODE = re.compile(r"Q?[A-Z]{4}")
_LEVEL = re.compile(r"\d{3}(?=$|\d{4}[NS])")
_LEVEL_ALONE = re.compile(r"\d{3}")
_Q_SPLIT = re.compile(r"[ \t]*/[ \t]*|\s+")
#: The clean Q-line layout (``EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005``), read in
#: one match; anything else goes through the field-by-field reader.
_Q_CLEAN = re.compile(
    r"\s*([A-Z]{4})/Q([A-Z]{4})/(IV|I|V|K)/([NBOMK]{1,3})/([AEWK]{1,2})/(\d{3})/(\d{3})/"
    r"(\d{2})(\d{2})([NS])(\d{3})(\d{2})([EW])(\d{1,3})?\s*"
)


def read_q(q: str, issues: list[str]) -> QFields:
    """The Q-line fields of item Q ``q`` (see the module docstring); problems go to
    ``issues``."""
    cm = _Q_CLEAN.fullmatch(q)
    if cm:
        fir, code, traffic, purpose, scope, lower, upper, d1, m1, ns, d2, m2, ew, radius = (
            cm.groups()
        )
        # the centre as values.parse_coords reads it
        lat = int(d1) + int(m1) / 60 + 0.0
        lon = int(d2) + int(m2) / 60 + 0.0
        if lat <= 90 and lon <= 180:
            return (
                fir,
                "Q" + code,
                traffic,
                purpose,
                scope,
                int(lower),
                int(upper),
                round(-lat if ns == "S" else lat, 5),
                round(-lon if ew == "W" else lon, 5),
                int(radius) if radius else None,
            )
    return _read_q_fields(q, issues)


def _read_q_fields(q: str, issues: list[str]) -> QFields:
    """:func:`read_q` field by field, for any layout."""
    tokens = _Q_SPLIT.split(q.strip().upper())
    if len(tokens) < 2:
        issues.append(f"unreadable Q-line: {q.strip()!r}")
        return NO_FIELDS
    fir: str | None = None
    if tokens[0]:
        if _LOCATION.fullmatch(tokens[0]):
            fir = tokens[0]
        else:
            issues.append(f"Q-line: unreadable FIR {tokens[0]!r}")
    qcode, rest = _qcode(q, tokens[1:], issues)
    idx = next((k for k, t in enumerate(rest) if _LEVEL.match(t)), len(rest))
    traffic, purpose, scope = _letters(q, rest[:idx], issues)
    lower, upper, tail = _levels(rest[idx:])
    lat, lon, radius = _centre(tail, issues)
    return fir, qcode, traffic, purpose, scope, lower, upper, lat, lon, radius


def _qcode(q: str, rest: list[str], issues: list[str]) -> tuple[str | None, list[str]]:
    """The Q-code among the fields after the FIR, and the fields after it."""
    code = rest[0]
    if _QCODE.fullmatch(code) and (len(rest) >= 6 or (len(code) == 5 and code[0] == "Q")):
        return "Q" + code[-4:], rest[1:]
    if not code and len(rest) >= 7:
        return None, rest[1:]  # an empty Q-code field
    if code == "UNDEFINED":
        issues.append("Q-line: Q-code 'undefined'")
        return None, rest[1:]
    issues.append(f"Q-line: no Q-code in {q.strip()!r}")
    return None, rest


#: What each letter field may hold, in the order they are written.
_LETTER_FIELDS = (
    ("traffic", re.compile(r"IV|I|V|K")),
    ("purpose", re.compile(r"[NBOMK]{1,3}")),
    ("scope", re.compile(r"[AEWK]{1,3}")),
)


def _letters(
    q: str, letters: list[str], issues: list[str]
) -> tuple[str | None, str | None, str | None]:
    """Traffic, purpose and scope: the letter fields before the levels. Where fewer
    than three are written, each is given the field its letters can only be (``A`` is
    a scope, ``IV`` a traffic); where that is not one way, they fill from the right
    (scope last). Fewer than three, or more, is an issue (the text leaves one out)."""
    written = [t for t in letters if t]
    if len(written) > 3 or (len(letters) < 3 and written):
        issues.append(f"Q-line: {len(letters)} of traffic/purpose/scope in {q.strip()!r}")
    found: dict[str, str] = {}
    fits = _by_content(written) if len(written) < 3 else None
    if fits is not None:
        return fits
    for name, value in zip(("scope", "purpose", "traffic"), reversed(letters), strict=False):
        if value:
            found[name] = value
    return found.get("traffic"), found.get("purpose"), found.get("scope")


def _by_content(written: list[str]) -> tuple[str | None, str | None, str | None] | None:
    """The one way to give fewer than three letter fields, in order, to the fields
    whose letters they are; None when there is none or more than one."""
    ways: list[tuple[str | None, ...]] = []
    for slots in itertools.combinations(range(3), len(written)):  # in order, as written
        if all(_LETTER_FIELDS[s][1].fullmatch(w) for s, w in zip(slots, written, strict=True)):
            way: list[str | None] = [None, None, None]
            for s, w in zip(slots, written, strict=True):
                way[s] = w
            ways.append(tuple(way))
    if len(ways) != 1:
        return None
    traffic, purpose, scope = ways[0]
    return traffic, purpose, scope


def _levels(tail: list[str]) -> tuple[int | None, int | None, list[str]]:
    """The lower and upper levels (three digits each, the upper one perhaps glued to
    the centre), and the fields after them. An empty field is the level left out
    (``000//5956N02933E003``: no upper level), unless a level follows it
    (``000//999/...``: passed over). After one, the next field is not read as a level
    glued to a centre: ``000//5129305N...`` is a centre with seconds, not level 512."""
    levels: list[int | None] = []
    while tail and len(levels) < 2:
        if not tail[0]:
            if not _LEVEL_ALONE.fullmatch(next((f for f in tail if f), "")):
                levels.append(None)  # the empty field is the level left out
            tail = tail[1:]  # else an empty field before a level, passed over
            continue
        lm = _LEVEL.match(tail[0])
        if not lm:
            break
        levels.append(int(lm[0]))
        left = tail[0][3:]
        tail = [left, *tail[1:]] if left else tail[1:]
    levels += [None, None]  # those not written
    return levels[0], levels[1], tail


def _centre(tail: list[str], issues: list[str]) -> tuple[float | None, float | None, int | None]:
    """The centre (lat, lon) and radius written after the levels: one field, or fields
    split at a hemisphere letter (``003437.53N/0292812.77E/005``, ``5129 N00028 W005``),
    read as one. Fields split anywhere else are not glued into a centre
    (``123/5129N00028W005`` would read as 12 35 12.9 N)."""
    fields = [field for field in tail if field]  # empty fields are absent ones
    where = "".join(fields)
    if not where:
        return None, None, None
    m = (
        _COORD_RADIUS.fullmatch(where)
        if all(
            a[-1] in _HEMISPHERES or b[0] in _HEMISPHERES
            for a, b in zip(fields, fields[1:], strict=False)
        )
        else None
    )
    coords = parse_coords(m[1]) if m else None
    if m and coords:
        return coords[0], coords[1], int(m[2]) if m[2] else None
    issues.append(f"Q-line: unreadable centre {'/'.join(fields)!r}")
    return None, None, None
