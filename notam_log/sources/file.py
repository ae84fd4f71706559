"""A local file or folder read at each poll (feeds saved by other tools).

Any format notam-log reads: PIB XML (gzip ok), a TFR detail XML, ICAO or FAA text,
JSON lines with a ``text`` field, or the saved JSON response of any HTTP source
(FAA NOTAM Search, NMS GeoJSON, API v1, the ICAO array). This adapter does file
I/O (the shell side) and yields no request.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from notam_log.config import SourceConfig
from notam_log.errors import ConfigError, InputError
from notam_log.icao_text import parse_text
from notam_log.models import Notam
from notam_log.pib_xml import parse_pib
from notam_log.sources import Poll
from notam_log.sources._common import Scopes, option, structured_notam
from notam_log.sources.faa_api_v1 import item_notam
from notam_log.sources.faa_search import entry_notam
from notam_log.sources.faa_tfr import parse_detail
from notam_log.sources.icao_api import record_notam

logger = logging.getLogger(__name__)


class FileSource:
    """One scope (option ``scope``, default the source name) for everything under ``path``.

    Complete when every file was read and understood; an unreadable file makes the
    snapshot incomplete (with the NOTAMs of the other files).
    """

    kind: ClassVar[str] = "file"
    OPTIONS: ClassVar[Mapping[str, type]] = {"path": str, "scope": str}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        path = cfg.options.get("path")
        if not isinstance(path, str) or not path:
            raise ConfigError(f"{cfg.where} ({cfg.kind}): path: required")
        self.path = Path(path).expanduser()
        self.scope: str = option(cfg, "scope", str, cfg.name)

    def __repr__(self) -> str:
        return f"FileSource(name={self.name!r}, path={str(self.path)!r})"

    def scopes(self) -> tuple[str, ...]:
        return (self.scope,)

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None

    def poll(self, now: datetime) -> Poll:
        out = Scopes(self.name, (self.scope,), now)
        if self.path.is_dir():
            files = sorted(
                p for p in self.path.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        elif self.path.is_file():
            files = [self.path]
        else:
            out.fail([self.scope], f"{self.path}: not found")
            files = []
        for path in files:
            try:
                for notam in read_notams(path.read_bytes()):
                    out.add(self.scope, notam)
            except (OSError, ValueError, InputError) as exc:
                out.fail([self.scope], f"{path.name}: {exc}")
        return out.snapshots()
        yield  # pragma: no cover - makes this a generator that sends nothing


def read_notams(data: bytes) -> list[Notam]:
    """NOTAMs from one saved file, whatever its format; ValueError when not understood."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ValueError(f"truncated gzip: {exc}") from None
    head = data.lstrip()[:400]
    if not head:
        raise ValueError("empty file")
    if head.startswith(b"<"):
        if b"XNOTAM" in head:
            return [parse_detail(data, "", {})]
        return list(parse_pib(data).notams)
    if head[:1] in (b"{", b"["):
        try:
            return _json_notams(json.loads(data))
        except json.JSONDecodeError:
            return _json_lines(data)
    return parse_text(data.decode("utf-8", "replace"))


def _json_lines(data: bytes) -> list[Notam]:
    out: list[Notam] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"line {number}: invalid JSON") from None
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            out.extend(parse_text(record["text"]))
        else:
            raise ValueError(f"line {number}: no text field")
    return out


def _json_notams(body: Any) -> list[Notam]:
    found: list[Notam | None]
    if isinstance(body, list):
        found = [record_notam(r) if isinstance(r, dict) and "all" in r else None for r in body]
    elif isinstance(body, dict) and isinstance(body.get("notamList"), list):
        found = [entry_notam(e) for e in body["notamList"] if isinstance(e, dict)]
    elif isinstance(body, dict) and isinstance(body.get("items"), list):
        found = [item_notam(i) for i in body["items"]]
    elif isinstance(body, dict) and isinstance((body.get("data") or {}).get("geojson"), list):
        found = []
        for feature in body["data"]["geojson"]:
            try:
                fields = feature["properties"]["coreNOTAMData"]["notam"]
            except (KeyError, TypeError):
                continue
            found.append(structured_notam(fields, source_format="nms_geojson"))
    elif isinstance(body, dict) and isinstance(body.get("text"), str):
        return parse_text(body["text"])
    else:
        raise ValueError("JSON of an unknown shape")
    return [n for n in found if n is not None]
