"""One ``Notam`` element of a PIB bulletin (see :mod:`notam_log.core.parse.pib`) read
into a :class:`Notam`: first its child texts (:func:`readings`, all that is read from
the element, so that equal readings give an equal record), then the record, step by
step (:func:`element_notam`). Every problem is named in the record's ``issues``;
nothing here raises.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from notam_log.core import item_d
from notam_log.core.models import Notam
from notam_log.core.numbers import LEVEL_DIGITS, NUMBER_DIGITS, RADIUS_DIGITS, YEAR_DIGITS, read_int
from notam_log.core.parse.build import parsed_notam
from notam_log.core.values import format_id, full_year, make_key, parse_coords, parse_yymmddhhmm

__all__ = ["BulletinCache", "Readings", "element_notam", "readings"]

SOURCE_FORMAT = "pib_xml"

#: What :func:`readings` reads from one ``Notam`` element: its fields (by tag), the
#: item A locations and the Q line's fields.
Readings = tuple[dict[str, str], list[str], dict[str, str]]


def readings(el: etree._Element, ns: str) -> Readings:
    """Child element texts of one ``Notam``: the fields (the last of a repeated tag),
    the item A list and the Q line (what :func:`element_notam` reads, and all it reads).
    Comments, processing instructions and entities are skipped; the namespace ``ns``
    is taken off the tags."""
    f: dict[str, str] = {}
    items_a: list[str] = []
    q: dict[str, str] = {}
    qline, item_a = f"{ns}QLine", f"{ns}ItemA"
    for child in el.iterchildren(etree.Element):
        tag = child.tag
        if tag == qline:
            for sub in child.iterchildren(etree.Element):
                q[sub.tag] = sub.text or ""
        elif tag == item_a:
            text = child.text
            if text:
                items_a += text.split()
        else:
            f[tag] = child.text or ""
    if ns:
        cut = len(ns)
        f = {tag[cut:]: text for tag, text in f.items()}
        q = {tag[cut:]: text for tag, text in q.items()}
    return f, items_a, q


def _int(value: str | None, name: str, issues: list[str], digits: int) -> int | None:
    """A bounded whole number (see notam_log.core.numbers): never ``int()`` on a field
    of any length (5,000 digits raise; 30 fit no column)."""
    return read_int(value, name, digits, issues)


class BulletinCache:
    """One bulletin's memos of pure per-string readings: times and coordinates (a
    bulletin repeats both: the same B/C for a batch, the same aerodrome position)."""

    __slots__ = ("coords", "times")

    def __init__(self) -> None:
        self.times: dict[str, datetime | None] = {}
        self.coords: dict[str, tuple[float, float] | None] = {}

    def time(self, text: str) -> datetime | None:
        """``YYMMDDhhmm`` -> aware UTC, or None when it is not a time."""
        try:
            return self.times[text]
        except KeyError:
            got = self.times[text] = parse_yymmddhhmm(text) if text else None
            return got

    def point(self, text: str) -> tuple[float, float] | None:
        """``5129N00028W`` -> (lat, lon), or None when it cannot be read."""
        try:
            return self.coords[text]
        except KeyError:
            got = self.coords[text] = parse_coords(text)
            return got


def element_notam(
    f: dict[str, str], items_a: list[str], q: dict[str, str], cache: BulletinCache
) -> Notam:
    """One ``Notam`` element's readings -> a record; every problem goes to ``issues``
    (in the order of the steps)."""
    issues: list[str] = []
    get = f.get
    series = get("Series", "").strip() or None
    notam_id, number, year = _number(f, series, issues)
    ntype, ref = _type_and_ref(f, issues)
    fir, qcode, lower, upper = _qline(q, issues)
    coords, lat, lon, radius = _position(f, cache, issues)
    start_text, start, c_text, end, permanent, estimated = _validity(f, cache, issues)
    d_line = _schedule(get("ItemD"), start, end, lat, lon, issues)
    text = get("ItemE", "").strip()
    if not text:
        issues.append("no item E")
    lower_limit = get("ItemF", "").strip() or None
    upper_limit = get("ItemG", "").strip() or None
    locations = tuple(items_a)
    if not locations:
        issues.append("no item A")
    traffic = q.get("Traffic", "").strip() or None
    purpose = q.get("Purpose", "").strip() or None
    scope = q.get("Scope", "").strip() or None
    q_line = ""
    if qcode or fir:
        q_line = (
            f"Q) {fir or ''}/{qcode or ''}/{traffic or ''}/{purpose or ''}/{scope or ''}/"
            f"{_three(lower)}/{_three(upper)}/{coords}{_three(radius)}\n"
        )
    head = f"({notam_id or ''} NOTAM{ntype or 'N'}" + (f" {ref}" if ref else "")
    a_line = f"A) {' '.join(locations)} B) {start_text} C) {c_text}".rstrip()
    return parsed_notam(
        key=make_key(
            notam_id,
            office=get("NOF", "").strip() or None,
            fir=fir,
            locations=locations,
            fallback=text[:40],
        ),
        id=notam_id,
        series=series,
        number=number,
        year=year,
        type=ntype,
        ref=ref,
        fir=fir,
        qcode=qcode,
        traffic=traffic,
        purpose=purpose,
        scope=scope,
        lower=lower,
        upper=upper,
        lat=lat,
        lon=lon,
        radius_nm=radius,
        locations=locations,
        start=start,
        end=end,
        end_estimated=estimated,
        permanent=permanent,
        schedule=d_line,
        text=text,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
        source_format=SOURCE_FORMAT,
        raw=_icao_text(head, q_line, a_line, d_line, text, lower_limit, upper_limit),
        issues=issues,
    )


def _three(value: int | None) -> str:
    """A Q-line number as written there: three digits at least, empty when unknown."""
    return "" if value is None else format(value, "03d")


def _number(
    f: dict[str, str], series: str | None, issues: list[str]
) -> tuple[str | None, int | None, int | None]:
    """The id (``A1918/25``), number and four-digit year, from Number and Year."""
    value = f.get("Number")
    number = (
        int(value)
        if value and len(value) <= 4 and value.isdecimal()
        else _int(value, "Number", issues, NUMBER_DIGITS)
    )
    value = f.get("Year")
    yy = (
        int(value)
        if value and len(value) <= 4 and value.isdecimal()
        else _int(value, "Year", issues, YEAR_DIGITS)
    )
    if number is not None and yy is not None:
        return format_id(series, number, yy), number, full_year(yy)
    issues.append("no NOTAM number or year")
    return None, number, full_year(yy) if yy is not None else None


def _type_and_ref(f: dict[str, str], issues: list[str]) -> tuple[str | None, str | None]:
    """The type (N, R or C) and the id a NOTAMR or NOTAMC refers to."""
    ntype = f.get("Type", "").strip() or None
    if ntype not in (None, "N", "R", "C"):
        issues.append(f"Type: unknown {ntype!r}")
    ref = None
    if "ReferredNumber" in f:
        rnum = _int(f.get("ReferredNumber"), "ReferredNumber", issues, NUMBER_DIGITS)
        ryear = _int(f.get("ReferredYear"), "ReferredYear", issues, YEAR_DIGITS)
        if rnum is not None and ryear is not None:
            ref = format_id(f.get("ReferredSeries", "").strip() or None, rnum, ryear)
    if ntype in ("R", "C") and ref is None:
        issues.append(f"NOTAM{ntype} without a referred NOTAM")
    return ntype, ref


def _qline(
    q: dict[str, str], issues: list[str]
) -> tuple[str | None, str | None, int | None, int | None]:
    """The Q line's FIR, Q-code and lower and upper flight levels."""
    fir = q.get("FIR", "").strip() or None
    c23, c45 = q.get("Code23", "").strip(), q.get("Code45", "").strip()
    qcode = f"Q{c23}{c45}" if c23 and c45 else None
    if not q:
        issues.append("no QLine")
    elif qcode is None:
        issues.append("QLine without Code23/Code45")
    value = q.get("Lower")
    lower = (
        int(value)
        if value and len(value) <= 4 and value.isdecimal()
        else _int(value, "Lower", issues, LEVEL_DIGITS)
    )
    value = q.get("Upper")
    upper = (
        int(value)
        if value and len(value) <= 4 and value.isdecimal()
        else _int(value, "Upper", issues, LEVEL_DIGITS)
    )
    return fir, qcode, lower, upper


def _position(
    f: dict[str, str], cache: BulletinCache, issues: list[str]
) -> tuple[str, float | None, float | None, int | None]:
    """The Q-line centre as written, read (lat, lon), and the radius."""
    lat = lon = None
    coords = f.get("Coordinates", "").strip()
    if coords:
        point = cache.point(coords)
        if point is None:
            issues.append(f"Coordinates: not readable: {coords!r}")
        else:
            lat, lon = point
    value = f.get("Radius")
    radius = (
        int(value)
        if value and len(value) <= 4 and value.isdecimal()
        else _int(value, "Radius", issues, RADIUS_DIGITS)
    )
    return coords, lat, lon, radius


def _validity(
    f: dict[str, str], cache: BulletinCache, issues: list[str]
) -> tuple[str, datetime | None, str, datetime | None, bool, bool]:
    """Items B and C: B as written and read, C as ICAO text writes it (``PERM``, an
    ``EST`` suffix) and read, permanent, estimated."""
    start_text = f.get("StartValidity", "").strip()
    start = cache.time(start_text)
    if start is None:
        issues.append(f"StartValidity: not a time: {start_text!r}")
    end_text = f.get("EndValidity", "").strip()
    permanent = end_text.upper() == "PERM"
    end = None
    if not permanent:
        end = cache.time(end_text)
        if end is None:
            issues.append(f"EndValidity: not a time: {end_text!r}")
    estimated = f.get("Estimation", "").strip().upper() == "EST"
    c_text = "PERM" if permanent else end_text
    if estimated and c_text and c_text != "PERM":
        c_text += "EST"
    return start_text, start, c_text, end, permanent, estimated


def _schedule(
    d_text: str | None,
    start: datetime | None,
    end: datetime | None,
    lat: float | None,
    lon: float | None,
    issues: list[str],
) -> str | None:
    """Item D on one line (the bulletin wraps it), checked by the item D reader."""
    d_line = " ".join(d_text.split()) or None if d_text else None
    if d_line is not None:
        rule = item_d.read(d_line, start, end, lat, lon)
        if isinstance(rule, str):
            issues.append(f"item D: {rule}")
        elif rule.note:
            issues.append(f"item D: {rule.note}")
    return d_line


def _icao_text(
    head: str,
    q_line: str,
    a_line: str,
    d_line: str | None,
    text: str,
    lower_limit: str | None,
    upper_limit: str | None,
) -> str:
    """``raw``: the item as ICAO text, ``(A1918/25 NOTAMN`` / ``Q) ...`` (``q_line``,
    with its line break, or empty) / ``A) ... B) ... C) ...`` / ``D)`` / ``E)`` /
    ``F) ... G) ...)``, re-readable by the ICAO text parser."""
    raw = f"{head}\n{q_line}{a_line}"
    if d_line:
        raw = f"{raw}\nD) {d_line}"
    raw = f"{raw}\nE) {text}"
    if lower_limit or upper_limit:
        fg = f"F) {lower_limit or ''} G) {upper_limit or ''}".rstrip()
        raw = f"{raw}\n{fg}"
    return raw + ")"
