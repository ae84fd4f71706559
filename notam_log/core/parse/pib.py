"""Reading the EAD PIB XML (the UK bulletin NATS serves) into :class:`Notam` records.

``parse_pib(data)`` takes the body as served (plain XML or gzip, detected by its magic
bytes) and returns a :class:`PibBulletin`: the header times and one ``Notam`` per
``Notam`` element found anywhere in the document (``ADSection``, ``FIRSection``,
``En-route``, ``Warnings`` ...), in document order.  A NOTAM listed under several
aerodromes appears once per listing, as in the bulletin; each has the same key.

Decisions:

* Item D is kept with its line breaks folded into spaces (the bulletin wraps long
  lines at about 70 characters); item E is kept as written, outer blanks removed.
* ``raw`` is an ICAO text rendering of the item (``(A1918/25 NOTAMN`` / ``Q) ...`` /
  ``A) ... B) ... C) ...`` / ``D)`` / ``E)`` / ``F)`` / ``G)``), readable and
  re-parseable by the ICAO text parser; the XML fragment is not kept.
* ``Notam`` elements inside an ``ObsoleteNotamList`` are *not* returned (they are no
  longer in force); the bulletin's ``issues`` says how many were skipped.
* A malformed item (missing number, bad dates, bad coordinates) still yields a
  ``Notam`` whose ``issues`` names each problem.  Nothing in an item raises.
* A body that is not XML, or XML whose root is not ``Pib``, raises
  :class:`~notam_log.core.errors.InputError` with a one-line message.
* A **truncated** body (XML or gzip stream cut short) is read as far as it goes with
  lxml's recovering parser: the items before the cut are returned, the last item (the
  one the cut may have gone through) is dropped, and the bulletin's ``issues`` starts
  with ``"truncated: ..."`` so that the caller can treat the snapshot as incomplete.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from notam_log.core import classify, item_d
from notam_log.core.errors import InputError
from notam_log.core.models import Notam, parse_iso
from notam_log.core.parse.icao import make_notam
from notam_log.core.values import format_id, full_year, make_key, parse_coords, parse_yymmddhhmm

__all__ = ["PibBulletin", "parse_pib", "render_icao"]

SOURCE_FORMAT = "pib_xml"
_GZIP_MAGIC = b"\x1f\x8b"
#: Whitespace-only text between elements is not kept (every value is read stripped, and
#: an element whose content is only blanks keeps them): a smaller tree, built faster.
_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": True,
    "collect_ids": False,
    "remove_blank_text": True,
}
_PARSER = etree.XMLParser(**_OPTIONS)
_RECOVER = etree.XMLParser(**_OPTIONS, recover=True)


@dataclass(frozen=True, slots=True)
class PibBulletin:
    """One Pre-flight Information Bulletin: its header times, NOTAMs and problems."""

    issued: datetime | None
    valid_from: datetime | None
    valid_to: datetime | None
    notams: tuple[Notam, ...]
    issues: tuple[str, ...] = ()

    @property
    def incomplete(self) -> str | None:
        """Why this is known to be only part of a bulletin (cut short, or without its
        header), or None. An incomplete bulletin must not be taken for the whole of one:
        a NOTAM missing from it may be in the part that did not come."""
        why = [i for i in self.issues if i.startswith("truncated") or i == "no AreaPIBHeader"]
        return "; ".join(why) or None


#: What :func:`_fields` reads from one ``Notam`` element (fields, item A list, Q line).
_Readings = tuple[dict[str, str], list[str], dict[str, str]]
#: Records by their id fields (NOF, series, number, year), with what they were read from.
_Seen = dict[tuple[str | None, ...], list[tuple[_Readings, Notam]]]
#: The records of the bulletin read last: an hourly bulletin repeats most of the one
#: before, and a record read from the same readings is the same. One bulletin's worth
#: is kept (replaced at each read), so memory stays bounded.
_PREVIOUS: _Seen = {}


def forget() -> None:
    """Forget the bulletin read last (so that the next read starts cold)."""
    global _PREVIOUS
    _PREVIOUS = {}


def parse_pib(data: bytes) -> PibBulletin:
    """Parse a PIB XML body (plain or gzip) into a :class:`PibBulletin`.

    Raises :class:`InputError` only when the body is not XML or not a PIB.
    """
    issues: list[str] = []
    truncated = False
    if data[:2] == _GZIP_MAGIC:
        data, cut = _gunzip(data)
        if cut:
            truncated = True
            issues.append("truncated: gzip stream ends early")
    root = _root(data, issues)
    if root is None:
        raise InputError("PIB XML: body is not XML")
    if issues and issues[-1].startswith("truncated: XML"):
        truncated = True
    ns = _namespace(root.tag)
    if _local(root.tag) != "Pib":
        raise InputError(f"PIB XML: root element is <{_local(root.tag)}>, not <Pib>")
    header = root.find(f"{ns}AreaPIBHeader")
    issued = valid_from = valid_to = None
    if header is not None:
        issued = _iso(header.findtext(f"{ns}Issued"), "Issued", issues)
        validity = header.find(f"{ns}Validity")
        if validity is not None:
            valid_from = _iso(validity.findtext(f"{ns}ValidFrom"), "ValidFrom", issues)
            valid_to = _iso(validity.findtext(f"{ns}ValidTo"), "ValidTo", issues)
    else:
        issues.append("no AreaPIBHeader")

    # One walk over the Notam and ObsoleteNotamList elements, in document order: the
    # Notam elements of a non-empty ObsoleteNotamList (which come right after it) are
    # no longer in force and skipped.
    notam_tag = f"{ns}Notam"
    obsolete_tag = f"{ns}ObsoleteNotamList"
    elements: list[Any] = []
    obsolete: set[Any] = set()
    for el in root.iter(notam_tag, obsolete_tag):
        if el.tag == notam_tag:
            if el not in obsolete:
                elements.append(el)
        elif len(el):
            obsolete.update(el.iter(notam_tag))
    if obsolete:
        issues.append(f"{len(obsolete)} NOTAM(s) in ObsoleteNotamList skipped")
    if truncated and elements:
        elements.pop()
        issues.append("truncated: last NOTAM element dropped")
    # A NOTAM listed under several aerodromes or sections is read once, and one that
    # the previous bulletin read is not read again: the same readings of an element
    # give the same (immutable) record. Elements are grouped by their id fields, then
    # compared whole.
    global _PREVIOUS
    previous = _PREVIOUS
    seen: _Seen = {}
    memo = _Memo()
    out: list[Notam] = []
    for el in elements:
        readings = _fields(el, ns)
        get = readings[0].get
        ident = (get("NOF"), get("Series"), get("Number"), get("Year"))
        same = seen.get(ident)
        if same is None:
            same = seen[ident] = []
        notam = next((n for earlier, n in same if earlier == readings), None)
        if notam is None:
            notam = next((n for earlier, n in previous.get(ident, ()) if earlier == readings), None)
            if notam is None:
                notam = _notam(*readings, memo)
            same.append((readings, notam))
        out.append(notam)
    _PREVIOUS = seen
    notams = tuple(out)
    return PibBulletin(issued, valid_from, valid_to, notams, tuple(issues))


def _gunzip(data: bytes) -> tuple[bytes, bool]:
    try:
        return gzip.decompress(data), False
    except EOFError:
        d = zlib.decompressobj(wbits=31)
        try:
            return d.decompress(data), True
        except zlib.error as exc:
            raise InputError(f"PIB XML: gzip body cannot be read: {exc}") from None
    except (OSError, zlib.error) as exc:
        raise InputError(f"PIB XML: gzip body cannot be read: {exc}") from None


def _root(data: bytes, issues: list[str]) -> Any:
    if not data[:4096].strip():
        raise InputError("PIB XML: empty body")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        strict_error = str(exc).splitlines()[0] if str(exc) else "not well-formed"
    try:
        root = etree.fromstring(data, _RECOVER)
    except etree.XMLSyntaxError:
        root = None
    if root is None or _local(root.tag) != "Pib":
        raise InputError(f"PIB XML: body is not well-formed XML: {strict_error}")
    issues.append(f"truncated: XML not well-formed ({strict_error})")
    return root


def _namespace(tag: Any) -> str:
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[: tag.index("}") + 1]
    return ""


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _iso(value: str | None, name: str, issues: list[str]) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        return parse_iso(value)
    except ValueError:
        issues.append(f"{name}: not a time: {value.strip()!r}")
        return None


#: The ``tag`` of what lxml gives among elements that is not one.
_NOT_ELEMENTS: tuple[Any, ...] = (etree.Comment, etree.ProcessingInstruction, etree.Entity)


def _fields(el: Any, ns: str) -> _Readings:
    """Child element texts of one ``Notam``: the fields (the last of a repeated tag),
    the item A list and the Q line (what :func:`_notam` reads, and all it reads).
    Comments and processing instructions (whose ``tag`` is not a string) are skipped;
    the namespace ``ns`` is taken off the tags."""
    f: dict[Any, str] = {}
    items_a: list[str] = []
    q: dict[Any, str] = {}
    qline, item_a = f"{ns}QLine", f"{ns}ItemA"
    for child in el:
        tag = child.tag
        if tag == qline:
            for sub in child:
                q[sub.tag] = sub.text or ""
        elif tag == item_a:
            text = child.text
            if text:
                items_a += text.split()
        else:
            f[tag] = child.text or ""
    # a comment, processing instruction or entity went in under its tag (a function):
    # taken out here, once, rather than tested for at every child
    for other in _NOT_ELEMENTS:
        f.pop(other, None)
        q.pop(other, None)
    if ns:
        cut = len(ns)
        f = {tag[cut:]: text for tag, text in f.items()}
        q = {tag[cut:]: text for tag, text in q.items()}
    return f, items_a, q


def _int(value: str | None, name: str, issues: list[str]) -> int | None:
    if value is None:
        return None
    if value.isdecimal():  # the clean case, read at once
        return int(value)
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        issues.append(f"{name}: not a number: {value!r}")
        return None


_NONE: Any = object()


class _Memo:
    """One bulletin's memos of pure per-string readings: times and coordinates (a
    bulletin repeats both: the same B/C for a batch, the same aerodrome position)."""

    __slots__ = ("coords", "times")

    def __init__(self) -> None:
        self.times: dict[str, datetime | None] = {}
        self.coords: dict[str, tuple[float, float] | None] = {}


def _time(text: str, times: dict[str, datetime | None]) -> datetime | None:
    """``YYMMDDhhmm`` -> aware UTC or None, memoised in ``times`` (one bulletin's)."""
    got = times.get(text, _NONE)
    if got is _NONE:
        got = times[text] = parse_yymmddhhmm(text) if text else None
    return got  # type: ignore[no-any-return]


def _notam(
    f: dict[str, str],
    items_a: list[str],
    q: dict[str, str],
    memo: _Memo | None = None,
) -> Notam:
    if memo is None:
        memo = _Memo()
    times = memo.times
    issues: list[str] = []
    get = f.get
    nof = get("NOF", "").strip() or None
    series = get("Series", "").strip() or None
    value = get("Number")
    number = int(value) if value and value.isdecimal() else _int(value, "Number", issues)
    value = get("Year")
    yy = int(value) if value and value.isdecimal() else _int(value, "Year", issues)
    notam_id = year = None
    if number is not None and yy is not None:
        notam_id = format_id(series, number, yy)
        year = yy + 2000 if yy < 100 else yy  # fields.full_year
    else:
        issues.append("no NOTAM number or year")
        if yy is not None:
            year = full_year(yy)
    ntype = get("Type", "").strip() or None
    if ntype not in (None, "N", "R", "C"):
        issues.append(f"Type: unknown {ntype!r}")
    ref = None
    if "ReferredNumber" in f:
        rnum = _int(get("ReferredNumber"), "ReferredNumber", issues)
        ryear = _int(get("ReferredYear"), "ReferredYear", issues)
        if rnum is not None and ryear is not None:
            ref = format_id(get("ReferredSeries", "").strip() or None, rnum, ryear)
    if ntype in ("R", "C") and ref is None:
        issues.append(f"NOTAM{ntype} without a referred NOTAM")

    qget = q.get
    fir = qget("FIR", "").strip() or None
    c23, c45 = qget("Code23", "").strip(), qget("Code45", "").strip()
    qcode = f"Q{c23}{c45}" if c23 and c45 else None
    if not q:
        issues.append("no QLine")
    elif qcode is None:
        issues.append("QLine without Code23/Code45")
    value = qget("Lower")
    lower = int(value) if value and value.isdecimal() else _int(value, "Lower", issues)
    value = qget("Upper")
    upper = int(value) if value and value.isdecimal() else _int(value, "Upper", issues)

    lat = lon = None
    coords = get("Coordinates", "").strip()
    if coords:
        point = memo.coords.get(coords, _NONE)
        if point is _NONE:
            point = memo.coords[coords] = parse_coords(coords)
        if point is None:
            issues.append(f"Coordinates: not readable: {coords!r}")
        else:
            lat, lon = point
    value = get("Radius")
    radius = int(value) if value and value.isdecimal() else _int(value, "Radius", issues)

    start_text = get("StartValidity", "").strip()
    start = times.get(start_text, _NONE)
    if start is _NONE:
        start = _time(start_text, times)
    if start is None:
        issues.append(f"StartValidity: not a time: {start_text!r}")
    end_text = get("EndValidity", "").strip()
    permanent = end_text.upper() == "PERM"
    end = None
    if not permanent:
        end = times.get(end_text, _NONE)
        if end is _NONE:
            end = _time(end_text, times)
        if end is None:
            issues.append(f"EndValidity: not a time: {end_text!r}")
    estimated = get("Estimation", "").strip().upper() == "EST"

    d_text = get("ItemD")
    d_line = " ".join(d_text.split()) or None if d_text else None  # one line, as ICAO text
    if d_line is not None:
        rule = item_d.read(d_line, start, end, lat, lon)
        if isinstance(rule, str):
            issues.append(f"item D: {rule}")
    text = get("ItemE", "").strip()
    if not text:
        issues.append("no item E")
    lower_limit = get("ItemF", "").strip() or None
    upper_limit = get("ItemG", "").strip() or None
    locations = tuple(items_a)
    if not locations:
        issues.append("no item A")

    subject, condition, category, restriction, issues_t = classify.fields(
        qcode, text, SOURCE_FORMAT, issues
    )
    traffic = qget("Traffic", "").strip() or None
    purpose = qget("Purpose", "").strip() or None
    scope = qget("Scope", "").strip() or None

    # raw: the item as ICAO text (see render_icao), in one join
    head = (
        f"({notam_id or ''} NOTAM{ntype or 'N'} {ref}"
        if ref
        else f"({notam_id or ''} NOTAM{ntype or 'N'}"
    )
    c_text = "PERM" if permanent else end_text
    if estimated and c_text and c_text != "PERM":
        c_text += "EST"
    a_line = f"A) {' '.join(locations)} B) {start_text} C) {c_text}".rstrip()
    if qcode or fir:
        q_line = (
            f"Q) {fir or ''}/{qcode or ''}/{traffic or ''}/{purpose or ''}/{scope or ''}/"
            f"{'' if lower is None else format(lower, '03d')}/"
            f"{'' if upper is None else format(upper, '03d')}/{coords}"
            f"{'' if radius is None else format(radius, '03d')}"
        )
        raw = f"{head}\n{q_line}\n{a_line}"
    else:
        raw = f"{head}\n{a_line}"
    if d_line:
        raw = f"{raw}\nD) {d_line}"
    raw = f"{raw}\nE) {text}"
    if lower_limit or upper_limit:
        fg = f"F) {lower_limit or ''} G) {upper_limit or ''}".rstrip()
        raw = f"{raw}\n{fg}"

    return make_notam(
        make_key(notam_id, office=nof, fir=fir, locations=locations, fallback=text[:40]),
        notam_id,  # id
        series,
        number,
        year,
        ntype,  # type
        ref,
        fir,
        qcode,
        subject,
        condition,
        traffic,
        purpose,
        scope,
        lower,
        upper,
        lat,
        lon,
        radius,  # radius_nm
        locations,
        start,
        end,
        estimated,  # end_estimated
        permanent,
        d_line,  # schedule
        text,
        lower_limit,
        upper_limit,
        category,
        restriction,
        SOURCE_FORMAT,  # source_format
        raw + ")",
        issues_t,  # issues
    )


def render_icao(
    notam: Notam, coords: str | None = None, start_text: str = "", end_text: str = ""
) -> str:
    """The NOTAM as ICAO text (``(A1918/25 NOTAMN`` ... ``E) ...)``).

    ``coords``, ``start_text`` and ``end_text`` are the Q-line point and items B and C
    as written; without them the point is left out and B/C come from the datetimes.
    """
    fields = {name: getattr(notam, name) for name in Notam.__dataclass_fields__}
    if not start_text and notam.start is not None:
        start_text = notam.start.strftime("%y%m%d%H%M")
    if not end_text and notam.end is not None:
        end_text = notam.end.strftime("%y%m%d%H%M")
    return _render(fields, coords or "", start_text, end_text)


def _render(k: dict[str, Any], coords: str, start_text: str, end_text: str) -> str:
    head = f"({k['id'] or ''} NOTAM{k['type'] or 'N'}"
    if k["ref"]:
        head += f" {k['ref']}"
    lines = [head]
    if k["qcode"] or k["fir"]:
        lower = f"{k['lower']:03d}" if k["lower"] is not None else ""
        upper = f"{k['upper']:03d}" if k["upper"] is not None else ""
        radius = f"{k['radius_nm']:03d}" if k["radius_nm"] is not None else ""
        lines.append(
            f"Q) {k['fir'] or ''}/{k['qcode'] or ''}/{k['traffic'] or ''}/"
            f"{k['purpose'] or ''}/{k['scope'] or ''}/{lower}/{upper}/{coords}{radius}"
        )
    c_text = "PERM" if k["permanent"] else end_text
    if k["end_estimated"] and c_text and c_text != "PERM":
        c_text += "EST"
    lines.append(f"A) {' '.join(k['locations'])} B) {start_text} C) {c_text}".rstrip())
    if k["schedule"]:
        lines.append(f"D) {k['schedule']}")
    lines.append(f"E) {k['text']}")
    if k["lower_limit"] or k["upper_limit"]:
        lines.append(f"F) {k['lower_limit'] or ''} G) {k['upper_limit'] or ''}".rstrip())
    return "\n".join(lines) + ")"
