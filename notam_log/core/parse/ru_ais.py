"""The Russian AIS NOTAM series bulletins (caica.ru) -> NOTAMs.

Pure: bytes in, records out. The index page
(``https://www.caica.ru/ANI_Official/notam/notam_series/``) lists the current file of
each series, named ``<series><YYMMDDhhmm>_eng.html`` (the series letter and its issue
time, UTC). A file is an HTML page declared as windows-1251: NOTAMs in ICAO format with
``&nbsp;`` and ``<br>``, grouped under aerodrome headings
(``<font color=red>UEEE:</font>``). The page itself carries no time: the file's time is
the one in its name.

Every NOTAM is read by the ICAO reader (:func:`notam_log.core.parse.icao.parse_text`);
the heading a NOTAM is listed under is a check, not a source of truth: a NOTAM whose
item A does not name its heading says so in its ``issues``. A file whose closing tags
are missing was cut short: what it holds is read, and ``incomplete`` says why it is not
the whole bulletin.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from notam_log.core.models import Notam
from notam_log.core.parse.icao import parse_text

#: The largest file read (a real series file is 100-500 KB).
MAX_FILE_BYTES = 20_000_000
#: The largest index page read.
MAX_INDEX_BYTES = 5_000_000
_FILE = re.compile(r"(?<![A-Za-z0-9])([A-Z])(\d{10})_eng\.html?(?![A-Za-z0-9])")
_TITLE = re.compile(rb"<title>\s*NOTAM\s*\(([A-Z])\)\s*</title>", re.I)
_HEADING = re.compile(r"<font\s+color=[\"']?red[\"']?\s*>\s*([A-Z0-9]{4})\s*:\s*</font>", re.I)
#: A line break of the page: ``<br>`` and the source's own line end after it.
_BR = re.compile(r"<br\s*/?>[ \t]*(?:\r\n|\r|\n)?", re.I)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_END = re.compile(rb"</html\s*>\s*$", re.I)
_BODY = re.compile(r"<body[^<>]{0,2000}>", re.I)


@dataclass(frozen=True, slots=True)
class SeriesFile:
    """A series file named on the index (or a file's own name): ``A2512110053_eng.html``."""

    name: str
    series: str
    issued: datetime


@dataclass(frozen=True, slots=True)
class SeriesBulletin:
    """What one series file held."""

    series: str | None
    issued: datetime | None
    notams: tuple[Notam, ...]
    headings: int
    issues: tuple[str, ...] = ()
    #: Why what was read is only part of the file (cut short), else None.
    incomplete: str | None = None


def series_file(name: str) -> SeriesFile | None:
    """The series and issue time in a file name (``.../C2512110053_eng.html``)."""
    found = list(_FILE.finditer(name))
    if not found:
        return None
    m = found[-1]
    stamp = m.group(2)
    try:
        issued = datetime.strptime("20" + stamp, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None
    return SeriesFile(m.group(0), m.group(1), issued)


def looks_like_series_file(head: bytes) -> bool:
    """Whether the start of a file looks like a series bulletin (for format detection)."""
    return bool(_TITLE.search(head)) or (
        b"<font color=red>" in head.lower() and b"notam" in head.lower()
    )


def decode(data: bytes) -> str:
    """UTF-8 when it is (archives keep the text so), else windows-1251 (as served)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def parse_series(data: bytes, name: str | None = None) -> SeriesBulletin:
    """Read one series file; ``name`` (its file name) gives its series and time."""
    issues: list[str] = []
    incomplete: str | None = None
    if len(data) > MAX_FILE_BYTES:
        incomplete = f"a file of {len(data)} bytes: only the first {MAX_FILE_BYTES} read"
        data = data[:MAX_FILE_BYTES]
    elif not _END.search(data[-400:]):
        incomplete = f"cut short: no closing </html> ({len(data)} bytes)"
    named = series_file(name) if name else None
    title = _TITLE.search(data[:2000])
    series = title.group(1).decode() if title else (named.series if named else None)
    if named and title and named.series != series:
        issues.append(f"the file is named for series {named.series} but titled {series}")
    notams: list[Notam] = []
    page = decode(data)
    body = _BODY.search(page)
    sections = _sections(page[body.end() :] if body else page)
    for heading, text in sections:
        for n in parse_text(text):
            notams.append(_checked(n, heading))
    return SeriesBulletin(
        series=series,
        issued=named.issued if named else None,
        notams=tuple(notams),
        headings=sum(1 for h, _ in sections if h),
        issues=tuple(issues),
        incomplete=incomplete,
    )


def _sections(page: str) -> list[tuple[str | None, str]]:
    """(heading, plain text of the NOTAMs under it) in the page's order."""
    out: list[tuple[str | None, str]] = []
    heading: str | None = None
    last = 0
    for m in _HEADING.finditer(page):
        out.append((heading, _plain(page[last : m.start()])))
        heading, last = m.group(1).upper(), m.end()
    out.append((heading, _plain(page[last:])))
    return [(h, t) for h, t in out if t.strip()]


def _plain(fragment: str) -> str:
    text = _BR.sub("\n", fragment).replace("\r\n", "\n").replace("\r", "\n")
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _checked(n: Notam, heading: str | None) -> Notam:
    if heading is None or heading in n.locations or n.fir == heading:
        return n
    named = ", ".join(n.locations) or "no location"
    note = f"listed under {heading} in the series bulletin; item A names {named}"
    return dataclasses.replace(n, issues=(*n.issues, note))


def parse_index(data: bytes) -> list[SeriesFile]:
    """The series files an index page lists: the newest ``_eng`` file of each series,
    by series letter. (The file names are read from the page's text and links; where
    they are fetched from is the caller's choice, never a link of the page.)"""
    page = decode(data[:MAX_INDEX_BYTES])
    newest: dict[str, SeriesFile] = {}
    for m in _FILE.finditer(page):
        found = series_file(m.group(0))
        if found is None:
            continue
        known = newest.get(found.series)
        if known is None or found.issued > known.issued:
            newest[found.series] = found
    return [newest[s] for s in sorted(newest)]
