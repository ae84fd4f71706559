"""Reading saved inputs of any kind: PIB XML, ICAO/FAA text, JSON lines, saved source
responses; gzip allowed. Pure: bytes in, NOTAMs out (the caller reads the file)."""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from notam_log.core.checks import checked
from notam_log.core.errors import InputError
from notam_log.core.limits import DEFAULT_MAX_BYTES, GZIP_MAGIC, check_size
from notam_log.core.limits import gunzip as bounded_gunzip
from notam_log.core.models import Notam, Post
from notam_log.core.parse.guard import JsonLimit, guarded, json_loads
from notam_log.core.parse.icao import parse_text
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.core.parse.records import entry_notam, item_notam, record_notam, structured_notam
from notam_log.core.parse.tfr import parse_detail


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one input held."""

    notams: tuple[Notam, ...]
    format: str  # pib_xml, text, jsonl, or a source kind for saved responses
    issued: datetime | None = None  # the bulletin's own issue time, when it has one
    #: Why what was read is known to be only part of the input (a bulletin cut short),
    #: or None. Such an input must not be taken as a complete snapshot.
    incomplete: str | None = None
    #: The posts of a saved Telegram channel page (format ``telegram``).
    posts: tuple[Post, ...] = ()
    #: The scope the input stands for when it says so itself: a channel page's channel,
    #: a Russian AIS bulletin's series letter.
    scope: str | None = None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8, else Latin-1; NUL-heavy data is not text."""
    if data.count(b"\x00") > max(8, len(data) // 100):
        raise InputError(f"{name}: not a text, XML or JSON file (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def gunzip(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """``data`` with gzip undone, never holding more than ``max_bytes`` (a gzip bomb is
    refused at the limit, not unpacked whole)."""
    if data[:2] != GZIP_MAGIC:
        return data
    out, cut = bounded_gunzip(data, max_bytes, name)
    if cut:
        raise InputError(f"{name}: a damaged gzip file (the stream ends early)")
    return out


def read_input(
    data: bytes, name: str, memo: PibMemo | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Parsed:
    """Detect the format of ``data`` and parse it. Records that cannot be fully read
    come back with ``issues``; only an unreadable container raises InputError (also
    for one over ``max_bytes``, before or after gzip is undone).

    ``memo`` (owned by the caller) keeps the records of the PIB bulletin read before,
    for a caller that reads bulletins in turn (see :class:`PibMemo`)."""
    data = gunzip(check_size(data, max_bytes, name), name, max_bytes)
    parsed = _read(data, name, memo)
    # a NOTAM whose end is before its start says so (core.checks)
    notams = tuple(map(checked, parsed.notams))
    if any(map(operator.is_not, notams, parsed.notams)):
        return dataclasses.replace(parsed, notams=notams)
    return parsed


def _read(data: bytes, name: str, memo: PibMemo | None) -> Parsed:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        html = _html(data, name)
        return html if html is not None else _xml(data, name, memo)
    if head[:1] in (b"{", b"["):
        parsed = _json(data, name)
        if parsed is not None:
            return parsed
    text = decode_text(data, name)
    return Parsed(tuple(parse_text(text)), "text")


def _xml(data: bytes, name: str, memo: PibMemo | None) -> Parsed:
    if b"XNOTAM" in data[:400]:
        try:
            return Parsed((parse_detail(data, "", {}),), "faa_tfr")
        except ValueError as exc:
            raise InputError(f"{name}: not a readable TFR detail ({_line(exc)})") from None
    try:
        bulletin = parse_pib(data, memo)
    except InputError as exc:
        raise InputError(f"{name}: {_line(exc)}") from None
    return Parsed(bulletin.notams, "pib_xml", bulletin.issued, bulletin.incomplete)


def _html(data: bytes, name: str) -> Parsed | None:
    """A Russian AIS series bulletin or a saved Telegram channel page (whatever the
    encoding it declares), else None."""
    from notam_log.core.parse import ru_ais, telegram

    head = data[:4000]
    if ru_ais.looks_like_series_file(head):
        b = ru_ais.parse_series(data, name)
        scope = f"series {b.series}" if b.series else None
        return Parsed(b.notams, "ru_ais", b.issued, b.incomplete, scope=scope)
    if telegram.looks_like_channel_page(data[:200_000]):
        page = telegram.parse_channel_page(data)
        if not page.is_channel:
            raise InputError(f"{name}: an HTML page that is not a Telegram channel page")
        return Parsed((), "telegram", page.newest, posts=page.posts, scope=page.channel)
    return None


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _json(data: bytes, name: str) -> Parsed | None:
    text = decode_text(data, name)
    try:
        doc = json_loads(text)
    except JsonLimit as exc:  # 100,000 deep, a number of 5,000 digits
        raise InputError(f"{name}: {exc}") from None
    except ValueError:
        doc = None  # perhaps JSON lines
    if doc is not None:
        saved = saved_response(doc)
        if saved is not None:
            return saved
        raise InputError(
            f"{name}: JSON of an unknown shape (expected a saved source response or JSON"
            ' lines with a "text" field)'
        )
    # JSON lines with a "text" field
    notams: list[Notam] = []
    # lines end at "\n" only: str.splitlines would also cut at U+0085 or U+2028, which
    # JSON strings may hold as they are
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        return None
    for i, line in enumerate(lines, 1):
        try:
            obj = json_loads(line)
        except ValueError as exc:
            raise InputError(f"{name}: line {i}: not valid JSON ({exc})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            if len(lines) == 1:
                raise InputError(
                    f"{name}: JSON of an unknown shape (expected a saved source"
                    ' response or JSON lines with a "text" field)'
                )
            raise InputError(f'{name}: line {i}: expected an object with a "text" field')
        notams.extend(parse_text(obj["text"]))
    return Parsed(tuple(notams), "jsonl")


def saved_response(doc: Any) -> Parsed | None:
    """A saved response of one of the HTTP sources, recognised by its shape: the ICAO
    API array, FAA NOTAM Search ``notamList``, FAA API v1 ``items``, NMS ``data.geojson``."""
    found: list[Notam | None]
    if isinstance(doc, list) and doc and all(isinstance(r, dict) and "all" in r for r in doc):
        return Parsed(_present(guarded(record_notam, r, "icao_api") for r in doc), "icao_api")
    if not isinstance(doc, dict):
        return None
    if "icaoMessage" in doc or "traditionalMessage" in doc:  # one NOTAM Search entry
        return Parsed((guarded(entry_notam, doc, "faa_search"),), "faa_search")
    if isinstance(doc.get("notamList"), list):
        entries = [e for e in doc["notamList"] if isinstance(e, dict)]
        return Parsed(tuple(guarded(entry_notam, e, "faa_search") for e in entries), "faa_search")
    if isinstance(doc.get("items"), list):
        items = doc["items"]
        return Parsed(_present(guarded(item_notam, i, "faa_api_v1") for i in items), "faa_api_v1")
    data = doc.get("data")
    if isinstance(data, dict) and isinstance(data.get("geojson"), list):
        found = []
        for feature in data["geojson"]:
            try:
                fields = feature["properties"]["coreNOTAMData"]["notam"]
            except (KeyError, TypeError):
                continue
            found.append(guarded(_nms_notam, fields, "nms_geojson"))  # a bad one: issues
        return Parsed(_present(found), "faa_nms")
    if isinstance(doc.get("text"), str):
        return Parsed(tuple(parse_text(doc["text"])), "jsonl")
    return None


def _nms_notam(fields: Any) -> Notam:
    return structured_notam(fields, source_format="nms_geojson")


def _present(items: Iterable[Notam | None]) -> tuple[Notam, ...]:
    return tuple(n for n in items if n is not None)


_STAMP = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})[T_ ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?"
)


def stamp_from_name(name: str) -> datetime | None:
    """The ISO 8601 time in a file name (``PIB-2025-03-21T0200Z.xml.gz``), read as UTC;
    else a Russian AIS series file's issue time (``C2512110053_eng.html``)."""
    found = list(_STAMP.finditer(name))
    if not found:
        from notam_log.core.parse.ru_ais import series_file

        series = series_file(name)
        return series.issued if series else None
    m = found[-1]
    try:
        return datetime(
            int(m["y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"]),
            int(m["M"]),
            int(m["S"] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
