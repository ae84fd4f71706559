"""Plain-text ICAO NOTAMs (``(A1234/25 NOTAMN Q) ... A) ... E) ...)``) into Notam records.

**Multi-part NOTAMs.** A NOTAM too long for one message is sent in parts that repeat
the header and say ``PART n OF m`` in item A (``A) EDGG PART 2 OF 3``). Every part
has the same ``id``. So that no part overwrites another in the event log (which
keeps one record per key):

* ``parse_text`` joins consecutive parts of one NOTAM found in the same text (same
  id, part numbers following each other, same total) into one record, as
  ``faa_text`` does for FAA multi-part NOTAMs: items Q to D from the first part,
  item E the parts' texts joined by a line break, F/G from the last part that has
  them, ``raw`` the parts' texts joined by a line break. When all the parts
  ``1..m`` are there the key is the NOTAM's plain key (``EDGG:W0751/23``);
  otherwise it is that of the first part present (below).
* A part that stands alone (``parse_icao`` on one part, or a part whose neighbours
  are not in the text) keeps its ``id`` and gets the key ``KEY#n``, ``n`` its part
  number: ``EDGG:W0751/23#2``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import Mapping
from datetime import datetime

from notam_log.core import classify, item_d
from notam_log.core.models import DEFAULT_RESTRICTIONS, Notam
from notam_log.core.parse.build import parsed_notam
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.qline import NO_FIELDS, read_q
from notam_log.core.values import cut_at_end, format_id, full_year, make_key, parse_yymmddhhmm

#: A NOTAM id: ICAO ``A1234/25`` (series optional), a Russian part suffix
#: ``U0702/25F06``, or the FAA month/number ``05/024`` that FAA renders in ICAO layout.
_ID = r"[A-Z]?\d{1,5}/\d{2,3}(?:[A-Z]\d{2})?"
_HEADER = re.compile(
    rf"(?<![^\s(])(?P<id>{_ID})\s*NOTAM(?P<type>[NRC])?(?![A-Z])(?:[ \t]+(?P<ref>{_ID}))?",
    re.I,
)
_ID_PARTS = re.compile(r"([A-Z]?)(\d{1,5})/(\d{2,3})([A-Z]\d{2})?")
_FOOTER = re.compile(r"\s*(?:CREATED:\s*\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|SOURCE:\s*[A-Z]{8}\b)", re.I)
_END_PART = re.compile(r"\s*(?:END\s+)?PART\s+\d+\s+OF\s+\d+\s*$", re.I)
#: A NOTAM wrapped in parentheses after other lines (AFTN heading lines, a line break
#: flattened into two blanks): the opening parenthesis at the start of a line.
_WRAPPED = re.compile(rf"(?:^|\n|\s\s)[ \t]*\(\s*(?:{_ID}\s*NOTAM|Q\))", re.I)
_PART = re.compile(r"\bPART\s+\d+\s+OF\s+\d+\b.*$", re.I | re.S)
_PART_NO = re.compile(r"\bPART\s+(\d+)\s+OF\s+(\d+)\b", re.I)
_LOC_SPLIT = re.compile(r"[\s/,]+")
_DIGITS = re.compile(r"\D")
# NOTAM starts for split_notams: an ICAO header, an FAA ``!ACC nn/nnn`` (with an
# optional ``NOTAM-D`` wrapper), or a header-less ``Q)`` at the start of a line.
_START = re.compile(
    rf"(?<![^\s(])\(?(?:{_ID})\s*NOTAM[NRC]?(?![A-Z])"
    r"|(?<!\S)(?:NOTAM-D\s+\S+\s+\d{6}Z\s+)?![A-Z0-9]{2,5}\s+\d{1,2}/\d{1,4}\b"
    r"|(?m:^)[ \t]*\(?Q\)",
    re.I,
)
#: The ICAO and header-less Q-line alternatives of ``_START``, for ``_fast_starts``;
#: ``_ID_SPAN`` is more than the longest ``(`` + id.
_HEAD_START = re.compile(rf"(?<![^\s(])\(?(?:{_ID})\s*NOTAM[NRC]?(?![A-Z])", re.I)
_Q_START = re.compile(r"(?m:^)[ \t]*\(?Q\)", re.I)
#: ``_Q_START`` after a line break (the break included): a literal first, found fast.
_Q_LINE = re.compile(r"\n[ \t]*\(?Q\)", re.I)
_ID_SPAN = 16
_FAA_START = re.compile(r"\s*(?:NOTAM-D\s+\S+\s+\S+\s+)?!", re.I)
_FAA_PART = re.compile(r"(?P<head>![A-Z0-9]{2,5}\s+\d{1,2}/\d{1,4})\s+\S+\s+PART\s+\d", re.I)
#: The AFTN end of message (``NNNN``) and what follows it (the next message's heading),
#: on its own line or, in a flattened feed, after blanks; in any case.
_AFTN_TAIL = re.compile(r"(?<=\S)\s+(?:NNNN|ZCZC)\b", re.I)
_E_MARK = re.compile(r"(?<![^\s(])E\)", re.I)

_ORDER: Mapping[str, int] = {"Q": 0, "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7}
_GAP = " \t\n\r("
#: F) and G) are accepted only this close to the end, so that a list ``F)`` inside
#: item E is not taken for the lower limit.
_FG_TAIL = 160


def _fast_starts(text: str, upper: str) -> list[tuple[int, bool]]:
    """Where ``_START.finditer(text)`` finds a start, and whether it is a header-less
    ``Q)`` line, for a text without FAA ``!`` starts, found in linear time: instead of
    trying the pattern at every character, the header is tried only near each
    ``NOTAM`` (``upper`` is ``text.upper()``, of the same length), the literal every
    ICAO start holds, and ``Q)`` lines are found after each line break."""
    found: dict[int, bool] = {}
    hit = upper.find("NOTAM")
    while hit >= 0:
        j = hit
        while j > 0 and text[j - 1].isspace():
            j -= 1
        for m in _HEAD_START.finditer(text, max(0, j - _ID_SPAN), hit + 7):
            found.setdefault(m.start(), False)
        hit = upper.find("NOTAM", hit + 5)
    if _Q_START.match(text):  # a Q) line first in the text: no line break before it
        found.setdefault(0, True)
    for q in _Q_LINE.finditer(text):
        found.setdefault(q.start() + 1, True)
    return sorted(found.items())


def split_notams(text: str) -> list[str]:
    """Cut a text holding several NOTAMs into one string per NOTAM.

    Cuts are made at NOTAM starts (an ICAO header ``A1234/25 NOTAMN``, an FAA
    ``!ACC nn/nnn`` or a header-less ``Q)`` line that follows a finished NOTAM),
    never at blank lines, because CRLF feeds put blank lines inside one NOTAM and
    flattened feeds have no line breaks at all. AFTN lines (``NNNN``, ``ZCZC``,
    addresses) that trail a chunk are dropped.
    """
    upper = text.upper()
    fast = len(upper) == len(text) and "!" not in text
    starts: list[int] = []
    found = (
        _fast_starts(text, upper)
        if fast
        else [
            (m.start(), m.group().lstrip(" \t(")[:2].upper() == "Q)") for m in _START.finditer(text)
        ]
    )
    for pos, q_line in found:
        if q_line and starts and not _e_mark_in(text, starts[-1], pos):
            continue  # the Q-line of the NOTAM that just started
        starts.append(pos)
    if not starts:
        chunk = text.strip()
        return [chunk] if chunk else []
    chunks: list[str] = []
    lead = text[: starts[0]].strip()
    if lead and (")" in lead and _E_MARK.search(lead)):
        chunks.append(lead)
    bounds = starts + [len(text)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        chunk = text[a:b]
        if not fast or upper.find("NNNN", a, b) >= 0 or upper.find("ZCZC", a, b) >= 0:
            chunk = _cut_aftn(chunk)
        chunk = chunk.strip()
        if not chunk:
            continue
        pm = _FAA_PART.match(chunk)
        if pm and chunks:
            prev = _FAA_PART.match(chunks[-1])
            if prev and prev["head"] == pm["head"]:  # the next part of one FAA NOTAM
                chunks[-1] = chunks[-1] + "\n" + chunk
                continue
        chunks.append(chunk)
    return chunks


def _e_mark_in(text: str, start: int, end: int) -> bool:
    """Whether an item E mark lies in ``text[start:end]``: looked for as ``E)`` or
    ``e)`` first (a string search), then as ``_E_MARK`` only where one of them is."""
    return (text.find("E)", start, end) >= 0 or text.find("e)", start, end) >= 0) and (
        _E_MARK.search(text, start, end) is not None
    )


def _says_nnnn(s: str, at: int) -> bool:
    """Whether the ``NNNN`` at ``at`` is item E's text: right after the first ``E)``
    mark of its NOTAM (``E) NNNN``), not the AFTN end of message."""
    head = 0
    for head_m in _HEADER.finditer(s, 0, at):
        head = head_m.end()
    e = _E_MARK.search(s, head, at)
    return e is not None and not s[e.end() : at].strip()


def _cut_aftn(chunk: str) -> str:
    """``chunk`` without the AFTN end of message and what follows it."""
    for m in _AFTN_TAIL.finditer(chunk):
        if not _says_nnnn(chunk, m.end() - 4):
            return chunk[: m.start()]
    return chunk


def parse_text(text: str) -> list[Notam]:
    """Every NOTAM in ``text``: FAA domestic chunks go to ``faa_text.parse_faa``;
    consecutive parts of one multi-part ICAO NOTAM are joined (module docstring)."""
    out: list[Notam] = []
    group: list[tuple[Notam, tuple[int, int]]] = []
    for chunk in split_notams(text):
        if _FAA_START.match(chunk):
            out.extend(_join(group))
            group = []
            out.append(parse_faa(chunk))
            continue
        try:
            notam, part = _parse_icao(chunk, "icao")
        except Exception:  # pragma: no cover - parse_icao's last guard
            notam, part = parse_icao(chunk), None
        if part is None or notam.id is None:
            out.extend(_join(group))
            group = []
            out.append(notam)
            continue
        if group:
            prev, (pn, pm) = group[-1]
            if not (
                prev.id == notam.id
                and prev.key.split("#")[0] == notam.key.split("#")[0]
                and part == (pn + 1, pm)
            ):
                out.extend(_join(group))
                group = []
        group.append((notam, part))
    out.extend(_join(group))
    return out


def _join(group: list[tuple[Notam, tuple[int, int]]]) -> list[Notam]:
    """One record for consecutive parts of one NOTAM (see the module docstring)."""
    if len(group) < 2:
        return [n for n, _ in group]
    first, (n1, total) = group[0]
    last_no = group[-1][1][0]
    base = first.key.rsplit("#", 1)[0]
    key = base if (n1, last_no) == (1, total) else first.key
    texts = [n.text for n, _ in group]
    lower = next((n.lower_limit for n, _ in reversed(group) if n.lower_limit), None)
    upper = next((n.upper_limit for n, _ in reversed(group) if n.upper_limit), None)
    issues: list[str] = []
    for n, _ in group:
        issues.extend(i for i in n.issues if i not in issues)
    text = "\n".join(t for t in texts if t)
    category = classify.category_of(first.qcode, text, first.source_format)
    return [
        dataclasses.replace(
            first,
            key=key,
            text=text,
            lower_limit=lower,
            upper_limit=upper,
            raw="\n".join(n.raw for n, _ in group),
            issues=tuple(issues),
            category=category,
            restriction=category in DEFAULT_RESTRICTIONS,
        )
    ]


def _items(s: str) -> tuple[dict[str, str], int]:
    """The items (letter -> content up to the next marker) and where the first marker
    starts (the end of the header). Markers ``X)`` are taken in the order of the ICAO
    layout (Q to G), each after a blank or ``(`` (or at the very start); ``F)`` and
    ``G)`` only near the end."""
    items: dict[str, str] = {}
    last = -1
    n = len(s)
    head_end = n
    letter = ""
    begin = 0
    order_of = _ORDER.get
    i = s.find(")")
    while i != -1:
        if i >= 1:
            here = s[i - 1].upper()
            order = order_of(here)
            if (
                order is not None
                and order > last
                and (i == 1 or s[i - 2] in _GAP)
                and (order < 6 or n - i <= _FG_TAIL)
            ):
                if letter:
                    items[letter] = s[begin : i - 1]
                else:
                    head_end = i - 1
                letter, begin, last = here, i + 1, order
                if order == 7:
                    break  # G) is the last item
        # past E) only F) and G) can follow, and only near the end
        i = s.find(")", i + 1 if last < 5 or i + 1 > n - _FG_TAIL else n - _FG_TAIL)
    if letter:
        items[letter] = s[begin:]
    return items, head_end


def _fallback_key(raw: str) -> str:
    return hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:10]


def _read_time(value: str) -> tuple[datetime | None, bool, bool]:
    """``2501010000``, ``2312302200EST``, ``2023-12-24 00:00``, ``PERM`` -> (time, est, perm)."""
    v = value.strip()
    if len(v) == 10 and v.isdigit() and v[0] not in "789":  # the clean layout
        return parse_yymmddhhmm(v), False, False
    # a full stop or a closing bracket after the time (``1905312359 EST.``, ``(EST)``)
    v = v.upper().rstrip(" .)")
    if v.startswith("PERM"):
        return None, False, True
    est = v.endswith("EST")
    if est:
        v = v[:-3]
    digits = _DIGITS.sub("", v)
    if len(digits) == 10 and digits[0] in "789":  # a 1970-1999 NOTAM (ICAO Doc 8126 examples)
        digits = "19" + digits
    return parse_yymmddhhmm(digits), est, False


def read_id(raw_id: str) -> tuple[str, str | None, int | None, int | None]:
    """``a1918/25`` -> (``A1918/25``, series, number, year).

    A Russian part suffix is kept in the id (``U0702/25F06``), so that every part of
    a multi-part NOTAM keeps its own key; number and year are those of the base id.
    An FAA month/number id (``05/024``) is kept as written, with no year: the year
    is not in the id.
    """
    if (
        len(raw_id) == 8
        and raw_id[5] == "/"
        and "A" <= raw_id[0] <= "Z"
        and raw_id[1:5].isdigit()
        and raw_id[6:].isdigit()
        and raw_id[6] not in "789"
        and raw_id.isascii()
    ):  # the common ``A1918/25``, read at once (as below)
        return raw_id, raw_id[0], int(raw_id[1:5]), 2000 + int(raw_id[6:])
    m = _ID_PARTS.fullmatch(raw_id.upper())
    if not m:
        return raw_id.upper(), None, None, None
    series = m[1] or None
    if len(m[3]) == 3:  # FAA month/number
        return m[0], None, int(m[3]), None
    yy = m[3]
    year = full_year(yy) if yy[0] not in "789" else 1900 + int(yy)
    if len(m[2]) == 4:  # already as format_id writes it (four digits, two of year)
        return m[0], series, int(m[2]), year
    return format_id(series, m[2], year) + (m[4] or ""), series, int(m[2]), year


def parse_icao(text: str, *, source_format: str = "icao") -> Notam:
    """Read one ICAO-format NOTAM; never raises. Whatever cannot be read is named in
    ``issues``. ``raw`` is the input as given; ``text`` (item E) has HTML entities
    unescaped, the ``CREATED:``/``SOURCE:`` footer and ``END PART n OF m`` removed."""
    try:
        return _parse_icao(text, source_format)[0]
    except Exception as exc:  # pragma: no cover - a last guard; the parser should not raise
        return Notam(
            key=make_key(None, fallback=_fallback_key(text)),
            id=None,
            source_format=source_format,
            raw=text,
            issues=(f"parser error: {type(exc).__name__}: {exc}",),
        )


def _parse_icao(raw: str, source_format: str) -> tuple[Notam, tuple[int, int] | None]:
    """The record and, for one part of a multi-part NOTAM, (part number, parts)."""
    issues: list[str] = []
    s, head_at = _clean(raw)
    items, head_end = _items(s)
    notam_id, series, number, year, ntype, ref = _header(s, head_at, head_end, issues)
    q = items.get("Q")
    if q is not None:
        fir, qcode, traffic, purpose, scope, lower, upper, lat, lon, radius = read_q(q, issues)
    else:
        fir, qcode, traffic, purpose, scope, lower, upper, lat, lon, radius = NO_FIELDS
        issues.append("no Q-line")
    locations, part = _item_a(items.get("A"), issues)
    start, end, end_est, permanent = _validity(items.get("B"), items.get("C"), ntype, issues)
    sched = _schedule(items.get("D"), start, end, lat, lon, issues)
    e = items.get("E")
    body = ""
    if e is None:
        issues.append("no text (item E)")
    else:
        body = e.strip()
    key = make_key(
        notam_id,
        fir=fir,
        locations=locations,
        fallback=None if notam_id else _fallback_key(raw),
    )
    if part is not None:
        key = f"{key}#{part[0]}"
    notam = parsed_notam(
        key=key,
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
        end_estimated=end_est,
        permanent=permanent,
        schedule=sched,
        text=body,
        lower_limit=_one_line(items.get("F")),
        upper_limit=_one_line(items.get("G")),
        source_format=source_format,
        raw=raw,
        issues=issues,
    )
    return notam, part


def _clean(raw: str) -> tuple[str, int]:
    """The NOTAM without what wraps it: HTML entities unescaped, line ends made ``\\n``,
    the AFTN ``NNNN``, the ``CREATED:``/``SOURCE:`` footer, the closing parenthesis
    and ``END PART n OF m`` taken off; and where its header is looked for first."""
    s = raw
    if "&" in s:
        s = html.unescape(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = s.rstrip()
    if s[-4:].upper() == "NNNN" and not _says_nnnn(s, len(s) - 4):
        s = s[:-4].rstrip()  # the AFTN end of message (not an item E that says NNNN)
    lead = s.lstrip()
    wrapped = lead.startswith("(") or (
        ("\n(" in s or "  (" in s) and _WRAPPED.search(s) is not None
    )
    if ":" in s and ("CREATED:" in s or "SOURCE:" in s or "created:" in s or "source:" in s):
        e_at = _E_MARK.search(s)
        fm = _FOOTER.search(s, e_at.end() if e_at else 0)
        if fm:
            # the closing parenthesis goes with a footer written inside it
            wrapped = wrapped and not s.endswith(")")
            s = s[: fm.start()]
    if wrapped and s.endswith(")"):
        s = s[:-1]
    if s.rstrip()[-1:].isdecimal() and ("PART" in s or "part" in s):
        s = cut_at_end(_END_PART, s, "PART")  # it can match only where s ends in a digit
    return s, len(s) - len(lead) + (1 if wrapped and lead.startswith("(") else 0)


def _header(
    s: str, at: int, head_end: int, issues: list[str]
) -> tuple[str | None, str | None, int | None, int | None, str | None, str | None]:
    """(id, series, number, year, type, ref) from the header before the first item:
    looked for at ``at`` (where the NOTAM starts), else anywhere before the items."""
    hm = _HEADER.match(s, at, head_end) or _HEADER.search(s, 0, head_end)
    if not hm:
        issues.append("no NOTAM id")
        return None, None, None, None, None, None
    notam_id, series, number, year = read_id(hm["id"])
    ntype: str | None = hm["type"]
    ref: str | None = None
    if ntype:
        ntype = ntype.upper()
        if ntype in "RC":
            if hm["ref"]:
                ref = read_id(hm["ref"])[0]
            else:
                issues.append(f"NOTAM{ntype} without the id it refers to")
    else:
        ntype = None
        issues.append("no NOTAM type (N, R or C)")
    return notam_id, series, number, year, ntype, ref


def _item_a(a: str | None, issues: list[str]) -> tuple[tuple[str, ...], tuple[int, int] | None]:
    """The locations of item A and, for one part of several, (part number, parts)."""
    part: tuple[int, int] | None = None
    locations: tuple[str, ...] = ()
    if a is not None:
        a_up = a.upper()
        if "PART" in a_up:
            pn = _PART_NO.search(a_up)
            if pn and int(pn[2]) > 1:
                part = (int(pn[1]), int(pn[2]))
            a_up = _PART.sub("", a_up)
        # str.split gives the same tokens as _LOC_SPLIT, less the empty ones never kept
        tokens = _LOC_SPLIT.split(a_up) if "/" in a_up or "," in a_up else a_up.split()
        locations = tuple([t for t in tokens if 3 <= len(t) <= 4 and t.isascii() and t.isalnum()])
    if not locations:
        issues.append("no location (item A)")
    return locations, part


def _validity(
    b: str | None, c: str | None, ntype: str | None, issues: list[str]
) -> tuple[datetime | None, datetime | None, bool, bool]:
    """Items B and C: (start, end, end estimated, permanent). A NOTAMC needs no C."""
    start = end = None
    end_est = permanent = False
    if b is None:
        issues.append("no start (item B)")
    else:
        start, _, _ = _read_time(b)
        if start is None:
            issues.append(f"bad date in item B: {b.strip()!r}")
    if c is None:
        if ntype != "C":
            issues.append("no end (item C)")
    else:
        end, end_est, permanent = _read_time(c)
        if end is None and not permanent and c.strip().upper().rstrip(".") != "UFN":
            # UFN (until further notice) states no end: not an error, and not PERM
            issues.append(f"bad date in item C: {c.strip()!r}")
    if start is not None and end is not None and end < start:
        issues.append("item C is before item B")
    return start, end, end_est, permanent


def _schedule(
    d: str | None,
    start: datetime | None,
    end: datetime | None,
    lat: float | None,
    lon: float | None,
    issues: list[str],
) -> str | None:
    """Item D on one line, checked by the item D reader (a problem goes to ``issues``)."""
    if d is None:
        return None
    sched = " ".join(d.split()) or None
    if sched:
        rule = item_d.read(sched, start, end, lat, lon)
        if isinstance(rule, str):
            issues.append(rule)
        elif rule.note:
            issues.append(rule.note)
    return sched


def _one_line(value: str | None) -> str | None:
    """Item F or G on one line; None when absent or blank."""
    return (" ".join(value.split()) or None) if value is not None else None
