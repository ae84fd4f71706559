"""Reading saved inputs of any kind: PIB XML, ICAO/FAA text, JSON lines, saved source
responses; gzip allowed. Pure: bytes in, NOTAMs out (the caller reads the file)."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from notam_log.errors import InputError
from notam_log.models import Notam


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one input held."""

    notams: tuple[Notam, ...]
    format: str  # pib_xml, text, jsonl, or a source kind for saved responses
    issued: datetime | None = None  # the bulletin's own issue time, when it has one


def decode_text(data: bytes, name: str) -> str:
    """UTF-8, else Latin-1; NUL-heavy data is not text."""
    if data.count(b"\x00") > max(8, len(data) // 100):
        raise InputError(f"{name}: not a text, XML or JSON file (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def gunzip(data: bytes, name: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{name}: a damaged gzip file ({exc})") from None


def read_input(data: bytes, name: str) -> Parsed:
    """Detect the format of ``data`` and parse it. Records that cannot be fully read
    come back with ``issues``; only an unreadable container raises InputError."""
    data = gunzip(data, name)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _xml(data, name)
    if head[:1] in (b"{", b"["):
        parsed = _json(data, name)
        if parsed is not None:
            return parsed
    from notam_log.icao_text import parse_text

    text = decode_text(data, name)
    return Parsed(tuple(parse_text(text)), "text")


def _xml(data: bytes, name: str) -> Parsed:
    from notam_log.pib_xml import parse_pib

    try:
        bulletin = parse_pib(data)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    return Parsed(bulletin.notams, "pib_xml", bulletin.issued)


def _json(data: bytes, name: str) -> Parsed | None:
    text = decode_text(data, name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if doc is not None:
        saved = _saved_response(doc)
        if saved is not None:
            return saved
    # JSON lines with a "text" field
    notams: list[Notam] = []
    from notam_log.icao_text import parse_text

    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    for i, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            if doc is None and i == 1:
                raise InputError(f"{name}: not valid JSON ({exc.msg} at line 1)") from None
            raise InputError(f"{name}: line {i}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            if len(lines) == 1:
                return None
            raise InputError(f"{name}: line {i}: expected an object with a \"text\" field")
        notams.extend(parse_text(obj["text"]))
    return Parsed(tuple(notams), "jsonl")


def _saved_response(doc: object) -> Parsed | None:
    """A saved response of one of the sources (FAA search, NMS, API v1, ICAO, TFR)."""
    try:
        from notam_log.sources import parse_saved
    except ImportError:  # pragma: no cover - sources not installed
        return None
    result = parse_saved(doc)
    if result is None:
        return None
    kind, notams = result
    return Parsed(tuple(notams), kind)


_STAMP = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})[T_ ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?"
)


def stamp_from_name(name: str) -> datetime | None:
    """The ISO 8601 time in a file name (``PIB-2025-03-21T0200Z.xml.gz``), read as UTC."""
    m = None
    for m in _STAMP.finditer(name):
        pass
    if m is None:
        return None
    try:
        return datetime(
            int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), int(m["S"] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
