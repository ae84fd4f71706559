"""Every field a corpus text states is read back as the text states it.

The values are taken from each text here with patterns of their own (not the
parsers'): the NOTAM id, type and replaced id of the header, the Q-line's FIR,
Q-code and flight levels, the locations of item A, the ten-digit times of items B
and C (``EST``, ``PERM``, ``UFN``), and for FAA domestic NOTAMs the id, location and
validity range. A reader change that drops or mangles one of them fails here, on
whatever record it happens.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from notam_log.core.models import Notam
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao
from notam_log.core.parse.issues import is_omission

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"
RECORDS: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]

_ITEM = r"(?<![^\s(])(?:{})\)"
_HEAD = re.compile(
    r"(?<![\w/])(?P<id>[A-Z]?\d{1,5}/\d{2,3}(?:[A-Z]\d{2})?)[ \t]*NOTAM(?P<type>[NRC])?(?![A-Z])"
    r"(?:[ \t]+(?P<ref>[A-Z]?\d{1,5}/\d{2,3}(?:[A-Z]\d{2})?))?"
)
_Q = re.compile(
    _ITEM.format("Q") + r"\s*(?P<fir>[A-Z]{3,4})\s*[/ ]\s*(?P<code>Q[A-Z]{4})\s*/"
    r"(?:[^/\n]*/){2,3}\s*(?P<lower>\d{3})\s*/\s*(?P<upper>\d{3})\s*/"
)
_QCODE = re.compile(_ITEM.format("Q") + r"\s*[A-Z]{3,4}\s*[/ ]\s*(?P<code>Q[A-Z]{4})\s*/")
_A = re.compile(_ITEM.format("A") + r"(?P<a>.*?)(?=" + _ITEM.format("[B-G]") + "|$)", re.S)
_B = re.compile(_ITEM.format("B") + r"\s*(?P<t>\d{10})(?!\d)")
_C = re.compile(
    _ITEM.format("C") + r"\s*(?:(?P<t>\d{10})(?!\d)\s*/?\s*(?P<est>EST)?|(?P<w>PERM|UFN))"
)
_LOC = re.compile(r"(?<![A-Z0-9])(?=[A-Z0-9]*[A-Z])[A-Z0-9]{3,4}(?![A-Z0-9])")
_FAA = re.compile(
    r"^\s*(?:NOTAM-D\s+\S+\s+\d{6}Z\s+)?!(?P<acc>[A-Z0-9]{2,5})\s+(?P<id>\d{1,2}/\d{1,4})"
    r"(?:[ \t]+(?P<loc>[A-Z0-9]{2,5})\b)?"
)
_FAA_RANGE = re.compile(r"(?<!\d)(?P<b>\d{10})-(?P<c>\d{10}|PERM)(?P<est>EST)?\.?\s*$")


def _norm_id(value: str | None) -> str | None:
    """``A0023/25`` and ``A23/25`` alike: the number without leading zeros."""
    if value is None:
        return None
    return re.sub(r"^([A-Z]?)0*(\d)", r"\1\2", value.upper())


def _time(stated: str) -> datetime:
    """Ten digits as a time, read here (``2400`` is the end of the day)."""
    year = int(stated[:2])
    year += 1900 if year >= 70 else 2000
    hh = int(stated[6:8])
    got = datetime(year, int(stated[2:4]), int(stated[4:6]), hh % 24, int(stated[8:]))
    return got + timedelta(days=1) if hh == 24 else got


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value is not None else None


def icao_stated(text: str, n: Notam) -> Iterator[tuple[str, object, object]]:
    """(field, as the text states it, as read) for an ICAO-layout text."""
    s = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n").upper()
    first = re.search(_ITEM.format("[QA]"), s)
    head = _HEAD.search(s, 0, first.start() if first else len(s))
    if head:
        yield "id", _norm_id(head["id"]), _norm_id(n.id)
        if head["type"]:
            yield "type", head["type"], n.type
        if head["type"] in ("R", "C") and head["ref"]:
            yield "ref", _norm_id(head["ref"]), _norm_id(n.ref)
    q = _Q.search(s) or _QCODE.search(s)
    if q:
        yield "qcode", q["code"], n.qcode
        if "fir" in q.groupdict():
            yield "fir", q["fir"], n.fir
            yield "lower", int(q["lower"]), n.lower
            yield "upper", int(q["upper"]), n.upper
    a = _A.search(s)
    if a:
        locs = [t for t in _LOC.findall(re.sub(r"PART\s+\d+\s+OF\s+\d+.*", "", a["a"], flags=re.S))]
        yield "locations", tuple(locs), n.locations
    b = _B.search(s)
    if b:
        yield "start", _time(b["t"]), _utc(n.start)
    c = _C.search(s)
    if c and c["t"]:
        yield "end", _time(c["t"]), _utc(n.end)
        yield "end estimated", bool(c["est"]), n.end_estimated
    elif c:
        yield "end", None, n.end
        yield "permanent", c["w"] == "PERM", n.permanent


def faa_stated(text: str, n: Notam) -> Iterator[tuple[str, object, object]]:
    """(field, as the text states it, as read) for an FAA domestic text."""
    s = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    m = _FAA.match(s)
    if not m:
        return
    yield "id", m["id"], n.id
    if m["loc"]:
        yield "location", (m["loc"].upper(),), n.locations
    s = re.split(r"\s*(?:CREATED|SOURCE):", s)[0]
    r = _FAA_RANGE.search(s.rstrip())
    if r and "PART" not in s:
        yield "start", _time(r["b"]), _utc(n.start)
        yield "end", None if r["c"] == "PERM" else _time(r["c"]), _utc(n.end)
        yield "permanent", r["c"] == "PERM", n.permanent
        yield "end estimated", bool(r["est"]), n.end_estimated


def stated(record: dict[str, Any], n: Notam) -> Iterator[tuple[str, object, object]]:
    if record["format"] == "faa_domestic":
        return faa_stated(record["text"], n)
    return icao_stated(record["text"], n)


def parse_one(record: dict[str, Any]) -> Notam:
    if record["format"] == "faa_domestic":
        return parse_faa(record["text"])
    return parse_icao(record["text"])


def test_every_stated_field_is_read_back() -> None:
    compared: Counter[str] = Counter()
    wrong: list[str] = []
    for record in RECORDS:
        n = parse_one(record)
        for name, want, got in stated(record, n):
            compared[name] += 1
            if want != got:
                wrong.append(f"{record['id']} {name}: text {want!r}, read {got!r}")
    print(f"\nstated fields compared: {sum(compared.values())} ({dict(compared)})")
    assert not wrong, "\n".join(wrong[:60]) + f"\n({len(wrong)} in all)"


def _omission_is_true(issue: str, text: str) -> bool:
    """Whether what ``issue`` says the text leaves out is indeed not in ``text``."""
    s = html.unescape(text).upper()
    first = re.search(_ITEM.format("[QA]"), s)
    head = _HEAD.search(s, 0, first.start() if first else len(s))
    if issue == "no NOTAM id":
        return head is None
    if issue.endswith("without the id it refers to"):
        return head is not None and head["type"] in ("R", "C") and head["ref"] is None
    if issue.startswith("no NOTAM type"):
        return head is not None and head["type"] is None
    if issue == "no Q-line":
        return re.search(_ITEM.format("Q"), s) is None
    if issue.startswith("Q-line:"):  # 'undefined', or letter fields missing
        q = re.search(_ITEM.format("Q") + r"[^\n]*", s)
        return q is not None and (
            "UNDEFINED" in q[0] or not re.search(r"/\s*(?:IV|I|V|K)\s*/\s*[NBOMK]{1,3}\s*/", q[0])
        )
    if issue.startswith("unknown Q-code"):
        code = issue.rsplit("'", 2)[1]
        return re.search(r"Q\)\s*[A-Z]{3,4}\s*[/ ]\s*Q[A-Z]{0,2}" + code, s) is not None
    return False


def test_what_a_text_is_said_to_leave_out_is_not_in_it() -> None:
    """A record may be clean with issues that name only what its text leaves out
    (``core.parse.issues``); each such issue is checked against the text here, so
    that a reader that stops finding a header or a Q-line cannot pass it off as the
    text's."""
    seen: Counter[str] = Counter()
    false: list[str] = []
    for record in RECORDS:
        if record["format"] == "faa_domestic":
            continue
        n = parse_one(record)
        for issue in filter(is_omission, n.issues):
            seen[issue.split(" in ")[0]] += 1
            if not _omission_is_true(issue, record["text"]):
                false.append(f"{record['id']}: {issue}")
    print(f"\nomissions checked: {dict(seen)}")
    assert sum(seen.values()) >= 100
    assert not false, false[:20]
