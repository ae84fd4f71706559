"""FAA domestic NOTAM text (``!DCA 06/001 DCA RWY 01/19 CLSD 2506010000-2506020000``)."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import datetime

from notam_log.core import classify, item_d
from notam_log.core.models import Notam
from notam_log.core.values import cut_at_end, make_key, parse_yymmddhhmm

_FAA = re.compile(
    r"\s*(?:NOTAM-D\s+\S+\s+\d{6}Z\s+)?!(?P<acc>[A-Z0-9]{2,5})\s+(?P<id>\d{1,2}/\d{1,4})"
    r"(?:\s+(?P<loc>[A-Z0-9]{2,5})\b)?[ \t]*",
    re.I,
)
#: The validity range that ends the text (a full stop after it is allowed).
_VALIDITY = re.compile(
    r"(?<!\d)(?P<start>\d{10})\s*-\s*(?P<end>\d{10}|PERM)(?P<est>\s*EST)?\s*\.?\s*$", re.I
)
#: The older FDC wording, used when there is no range: ``EFFECTIVE 1101102040 UTC
#: UNTIL FURTHER NOTICE`` (no end) or ``... UNTIL 1101112040 UTC``.
_EFFECTIVE = re.compile(
    r"\bEFFECTIVE\s+(?P<start>\d{10})(?:\s*UTC)?\s+UNTIL\s+"
    r"(?:(?P<ufn>FURTHER\s+NOTICE)|(?P<end>\d{10})(?:\s*UTC)?\b)",
    re.I,
)
#: ``EFFECTIVE IMMEDIATELY UNTIL FURTHER NOTICE``: from the issue time, which the text
#: does not give.
_IMMEDIATELY = re.compile(r"\bEFFECTIVE\s+IMMEDIATELY\s+UNTIL\s+FURTHER\s+NOTICE\b", re.I)
_FOOTER = re.compile(r"\s*(?:CREATED:\s*\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|SOURCE:\s*[A-Z]{8}\b)", re.I)
_PART_HEAD = re.compile(r"PART\s+\d+\s+OF\s+\d+\s*", re.I)
_END_PART = re.compile(r"\s*END\s+PART\s+\d+\s+OF\s+\d+\s*$", re.I)
_NEXT_PART = re.compile(r"\n\s*(?=!)")
_DLY = re.compile(r"\b(?:DLY|DAILY)\s+(\d{4}-\d{4})\b")


def _fallback(raw: str) -> str:
    return hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:10]


def _year_for(id_head: int, is_fdc: bool, start: datetime | None) -> int | None:
    """The year of an FAA id, inferred from the start time (documented in parse_faa)."""
    if start is None:
        return None
    if is_fdc:  # the last digit of the year: the latest such year not after the start
        year = start.year - start.year % 10 + id_head
        return year - 10 if year > start.year else year
    if 1 <= id_head <= 12:  # the month of issue: the latest such month not after B
        return start.year if id_head <= start.month else start.year - 1
    return None


def parse_faa(text: str) -> Notam:
    """Read one FAA domestic NOTAM; never raises; what cannot be read goes to ``issues``.

    ``key`` is ``ACCOUNT:ID`` (``DCA:06/001``, ``FDC:4/1234``) and ``id`` the id as
    written. ``number`` is the number after the slash. ``year`` is inferred from the
    start time, since the id does not state it: for FDC ids the head digit is the last
    digit of the year (the latest such year not after the start); for other ids the
    head is the month of issue (the year is that of the start, or the one before when
    that month is later than the start's). ``series`` and ``fir`` are None.
    ``text`` is the text between the location and the validity range, with HTML
    entities unescaped and the ``CREATED:``/``SOURCE:`` footer removed. A single
    ``DLY hhmm-hhmm`` in the text is put in ``schedule``/``windows`` when it reads
    cleanly; otherwise both stay None.
    """
    try:
        return _parse_faa(text)
    except Exception as exc:  # pragma: no cover - a last guard; the parser should not raise
        return Notam(
            key=make_key(
                None, fallback=hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:10]
            ),
            id=None,
            source_format="faa_domestic",
            raw=text,
            issues=(f"parser error: {type(exc).__name__}: {exc}",),
        )


def _parse_faa(raw: str) -> Notam:
    issues: list[str] = []
    s = _clean(raw)
    m = _FAA.match(s)
    if not m:
        return _not_faa(raw, s.strip())
    acc = m["acc"].upper()
    notam_id = m["id"]
    head, _, tail = notam_id.partition("/")
    loc = m["loc"].upper() if m["loc"] else None
    if loc is None:
        issues.append("no location")
    body, vm = _text_and_range(s[m.end() :])
    start, end, est, perm = _validity(vm, body, issues)
    if start is not None and end is not None and end < start:
        issues.append("end is before start")
    body = body.strip()
    subject, condition, category, restriction, all_issues = classify.fields(
        None, body, "faa_domestic", issues
    )
    return Notam(
        key=make_key(notam_id, office=acc),
        id=notam_id,
        series=None,
        number=int(tail),
        year=_year_for(int(head), acc == "FDC", start),
        type="N",
        subject=subject,
        condition=condition,
        locations=(loc,) if loc else (),
        start=start,
        end=end,
        end_estimated=est,
        permanent=perm,
        schedule=_daily(body, start, end),
        text=body,
        category=category,
        restriction=restriction,
        source_format="faa_domestic",
        raw=raw,
        issues=all_issues,
    )


def _clean(raw: str) -> str:
    """HTML entities unescaped, line ends made ``\\n``, the ``CREATED:``/``SOURCE:``
    footer and trailing blanks taken off."""
    s = raw
    if "&" in s:
        s = html.unescape(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "CREATED:" in s or "SOURCE:" in s:
        fm = _FOOTER.search(s)
        if fm:
            s = s[: fm.start()]
    return s.rstrip()


def _not_faa(raw: str, text: str) -> Notam:
    """A text without the ``!ACC nn/nnn`` start: kept whole, with no id."""
    subject, condition, category, restriction, all_issues = classify.fields(
        None, text, "faa_domestic", ("not an FAA domestic NOTAM: no '!ACC nn/nnn' start",)
    )
    return Notam(
        key=make_key(None, fallback=_fallback(raw)),
        id=None,
        subject=subject,
        condition=condition,
        text=text,
        category=category,
        restriction=restriction,
        source_format="faa_domestic",
        raw=raw,
        issues=all_issues,
    )


def _text_and_range(body: str) -> tuple[str, re.Match[str] | None]:
    """The text after the header, without its validity range, and that range. A
    multi-part NOTAM repeats the header (and usually the range) in each part: the
    parts' texts are joined by line breaks, and the first range found is taken."""
    if not _PART_HEAD.match(body):
        vm = _VALIDITY.search(body, max(0, len(body) - 60))
        return (body[: vm.start()] if vm else body), vm
    vm = None
    texts: list[str] = []
    for k, part in enumerate(_NEXT_PART.split(body)):
        if k:
            pm = _FAA.match(part)
            part = part[pm.end() :] if pm else part
        part = cut_at_end(_END_PART, _PART_HEAD.sub("", part, count=1), "PART")
        pv = _VALIDITY.search(part, max(0, len(part) - 60))
        if pv:
            vm = vm or pv
            part = part[: pv.start()]
        texts.append(part.strip())
    return "\n".join(texts), vm


def _validity(
    vm: re.Match[str] | None, body: str, issues: list[str]
) -> tuple[datetime | None, datetime | None, bool, bool]:
    """(start, end, end estimated, permanent) from the range ``vm``, else from the older
    FDC wording ``EFFECTIVE ... UNTIL ...`` in the text."""
    start = end = None
    est = perm = False
    if vm:
        start = parse_yymmddhhmm(vm["start"])
        if start is None:
            issues.append(f"bad start date {vm['start']!r}")
        if vm["end"].upper() == "PERM":
            perm = True
        else:
            end = parse_yymmddhhmm(vm["end"])
            if end is None:
                issues.append(f"bad end date {vm['end']!r}")
            est = bool(vm["est"])
    elif em := _EFFECTIVE.search(body):
        start = parse_yymmddhhmm(em["start"])
        if start is None:
            issues.append(f"bad start date {em['start']!r}")
        if em["end"]:
            end = parse_yymmddhhmm(em["end"])
            if end is None:
                issues.append(f"bad end date {em['end']!r}")
    elif _IMMEDIATELY.search(body):
        issues.append(
            "no start time: effective immediately, from its issue time (not in the text),"
            " until further notice"
        )
    else:
        issues.append("no validity range (YYMMDDhhmm-YYMMDDhhmm)")
    return start, end, est, perm


def _daily(body: str, start: datetime | None, end: datetime | None) -> str | None:
    """``DAILY hhmm-hhmm`` for a single ``DLY hhmm-hhmm`` in the text that item D reads
    cleanly, else None."""
    dly = _DLY.findall(body)
    if len(dly) == 1 and start is not None:
        candidate = f"DAILY {dly[0]}"
        if not isinstance(item_d.read(candidate, start, end), str):
            return candidate
    return None
